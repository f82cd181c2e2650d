"""The counties' age groups over the API (read): the ids that the victims grid's age
breakdown, the children counts of interventions and the employment rows refer to."""

from __future__ import annotations

from django.db.models import QuerySet
from rest_framework import mixins, serializers

from cases.models import AgeGroup
from krat.api.base import KratViewSet
from krat.api.views import CountyFilter
from krat.collation import albanian
from krat.models import County


class AgeGroupSerializer(serializers.ModelSerializer):
    county: serializers.SlugRelatedField[County] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    is_child = serializers.BooleanField(
        read_only=True, help_text="Under 18: used for children in street situations."
    )
    is_working_age = serializers.BooleanField(read_only=True, help_text="From 14: used for employment.")

    class Meta:
        model = AgeGroup
        fields = ["id", "county", "min_age", "max_age", "label", "is_child", "is_working_age"]
        read_only_fields = fields
        extra_kwargs = {"label": {"help_text": "Such as “14–17” or “25+”."}}


class AgeGroupFilter(CountyFilter):
    class Meta:
        model = AgeGroup
        fields = ["county"]


class AgeGroupViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, KratViewSet):
    """The age groups of the counties you may read, youngest first."""

    serializer_class = AgeGroupSerializer
    filterset_class = AgeGroupFilter

    def get_queryset(self) -> QuerySet[AgeGroup]:
        queryset = AgeGroup.objects.select_related("county").order_by(albanian("county__name"), "min_age")
        return self.county_scope(queryset)
