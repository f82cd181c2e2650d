"""Meetings and their decisions over the API (krat.api): read; the responsible
institution moves a decision's status on, as on the decision's status page."""

from __future__ import annotations

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers

from krat import access
from krat.api.base import KratViewSet, apply_input, check_if_match, etag_of, versioned_write
from krat.models import County
from meetings import services
from meetings.access import can_update_decision_status
from meetings.models import Decision, Meeting


class MeetingSerializer(serializers.ModelSerializer):
    county: serializers.SlugRelatedField[County] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )

    class Meta:
        model = Meeting
        fields = [
            "id",
            "county",
            "body",
            "title",
            "starts_at",
            "ends_at",
            "place",
            "period",
            "status",
            "version",
        ]
        read_only_fields = fields


class MeetingFilter(django_filters.FilterSet):
    class Meta:
        model = Meeting
        fields = ["period", "status", "body"]


class MeetingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, KratViewSet):
    """The meetings of the counties you may read, latest first."""

    serializer_class = MeetingSerializer
    filterset_class = MeetingFilter

    def get_queryset(self):
        return self.county_scope(Meeting.objects.select_related("county").order_by("-starts_at", "-pk"))

    def retrieve(self, request, *args, **kwargs):
        meeting = self.get_object()
        return self.with_etag(meeting, self.get_serializer(meeting).data)


class DecisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Decision
        fields = ["id", "meeting", "text", "responsible", "due_date", "status", "status_note", "version"]
        read_only_fields = fields


class DecisionStatusSerializer(serializers.ModelSerializer):
    class Meta:
        model = Decision
        fields = ["status", "status_note"]


class DecisionFilter(django_filters.FilterSet):
    period = django_filters.NumberFilter(field_name="meeting__period")
    institution = django_filters.NumberFilter(field_name="responsible")

    class Meta:
        model = Decision
        fields = ["period", "institution", "meeting", "status"]


class DecisionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, KratViewSet):
    """Decisions of the meetings you may read; `PUT`/`PATCH` changes the status (and its
    note) for the responsible institution's representatives and the secretariat."""

    serializer_class = DecisionSerializer
    filterset_class = DecisionFilter
    http_method_names = ["get", "put", "patch", "head", "options"]

    def get_queryset(self):
        queryset = Decision.objects.select_related("meeting__county", "responsible__county").order_by(
            "-meeting__starts_at", "pk"
        )
        return self.county_scope(queryset, "meeting__county")

    def retrieve(self, request, *args, **kwargs):
        decision = self.get_object()
        return self.with_etag(decision, self.get_serializer(decision).data)

    def _update(self, request, partial: bool):
        decision = self.get_object()
        access.require(can_update_decision_status(request.user, decision))
        check_if_match(request, etag_of(decision))
        apply_input(request, decision, DecisionStatusSerializer, partial=partial)
        decision = services.decision_update_status(decision=decision, expected_version=decision.version)
        return self.with_etag(decision, DecisionSerializer(decision).data)

    @versioned_write(DecisionStatusSerializer, responses=DecisionSerializer)
    def update(self, request, *args, **kwargs):
        return self._update(request, partial=False)

    @versioned_write(DecisionStatusSerializer, responses=DecisionSerializer)
    def partial_update(self, request, *args, **kwargs):
        return self._update(request, partial=True)


def register(router) -> None:
    router.register("meetings", extend_schema(tags=["meetings"])(MeetingViewSet), basename="meeting")
    router.register("decisions", extend_schema(tags=["meetings"])(DecisionViewSet), basename="decision")
