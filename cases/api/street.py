"""Interventions with children in street situations over the API.

Read one by one by those the street page lists them to (`cases.access.readable_interventions`):
the secretariat and the chair all of their county's, a representative their
institution's; everyone else reads the period's summary on the page, small numbers
hidden, and gets an empty list here. The institution's representatives and the
secretariat record and edit them through the page's service (the period follows from
the date; a closed period refuses). The page deletes none, and neither does the API.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import django_filters
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from cases import access as cases_access
from cases.choices import MAX_COUNT, DataKind, Sex
from cases.models import StreetChildCount, StreetIntervention
from cases.services.street import intervention_save
from krat import access
from krat.api.base import (
    KratViewSet,
    ScopedRelationsMixin,
    check_if_match,
    etag_of,
    log_read,
    versioned_write,
)
from krat.audit import Carried
from krat.models import County, Institution, Municipality

# --- Representation --------------------------------------------------------------------------


class ChildCountSerializer(serializers.Serializer):
    sex = serializers.ChoiceField(choices=Sex.choices)
    age_group = serializers.IntegerField(
        source="age_group_id",
        allow_null=True,
        required=False,
        default=None,
        help_text="The id of one of the county's child age groups (see age-groups); null: unknown age.",
    )
    count = serializers.IntegerField(min_value=0, max_value=MAX_COUNT)


class InterventionSerializer(ScopedRelationsMixin, serializers.ModelSerializer):
    """An intervention and the children it met, counted by sex and age group: never a
    name, and `place` is a place (“Plazhi i Durrësit”), never a person."""

    scoped_relations = {"institution": "county", "municipality": "county"}
    county: serializers.SlugRelatedField[County] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    institution = serializers.PrimaryKeyRelatedField(
        queryset=Institution.objects.all(),
        required=False,
        help_text="Set by the secretariat; a representative's interventions are their institution's.",
    )
    municipality = serializers.PrimaryKeyRelatedField(queryset=Municipality.objects.all())
    origin = serializers.PrimaryKeyRelatedField(
        queryset=Municipality.objects.all(), required=False, allow_null=True
    )
    counts: serializers.ListSerializer[Any] = serializers.ListSerializer(
        child=ChildCountSerializer(), max_length=50
    )

    class Meta:
        model = StreetIntervention
        fields = [
            "id",
            "county",
            "period",
            "institution",
            "date",
            "municipality",
            "place",
            "origin",
            "activity",
            "accompanied",
            "action",
            "children",
            "counts",
            "version",
        ]
        read_only_fields = ["id", "county", "period", "children", "version"]
        extra_kwargs = {
            "period": {"help_text": "The county's reporting period the date falls in."},
            "children": {"help_text": "The sum of `counts`."},
        }

    def validate_counts(self, value: list[dict]) -> list[dict]:
        keys = [(entry["sex"], entry["age_group_id"]) for entry in value]
        if len(set(keys)) != len(keys):
            raise serializers.ValidationError(gettext("Each sex and age group may be given once."))
        return value


class InterventionUpdateSerializer(InterventionSerializer):
    """The institution stays; `counts` left out of a PATCH stay as they are."""

    institution = serializers.PrimaryKeyRelatedField(read_only=True)


def _counts(entries: list[dict]) -> dict[tuple[str, int | None], int]:
    return {(entry["sex"], entry["age_group_id"]): entry["count"] for entry in entries}


class InterventionFilter(django_filters.FilterSet):
    class Meta:
        model = StreetIntervention
        fields = ["period", "institution"]


# --- The viewset ----------------------------------------------------------------------------------


class InterventionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, KratViewSet):
    """Interventions with children in street situations, newest first: list (filter by
    `period`, `institution`), read one, record one (POST), edit one (PUT, PATCH)."""

    serializer_class = InterventionSerializer
    filterset_class = InterventionFilter
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[StreetIntervention]:
        counts = StreetChildCount.objects.order_by("sex", "age_group__min_age", "pk")
        return (
            cases_access.readable_interventions(self.request.user)
            .select_related("county", "institution__county")
            .prefetch_related(Prefetch("counts", queryset=counts))
            .order_by("-date", "-pk")
        )

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset())) or []  # always paginated
        self._log(page)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        intervention = self.get_object()
        self._log([intervention])
        return self.with_etag(intervention, self.get_serializer(intervention).data)

    def _log(self, interventions: Iterable[StreetIntervention]) -> None:
        """Interventions are read by those who see them exact: a row per period they fall in."""
        log_read(
            self.request,
            what=gettext("Street interventions (API)"),
            carried=[
                Carried(county_id=i.county_id, period_id=i.period_id, suppressed=False) for i in interventions
            ],
        )

    @extend_schema(responses={201: InterventionSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = InterventionSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        counts = _counts(values.pop("counts"))
        institution = values.pop("institution", None) or self._own_institution()
        if not cases_access.may_enter(self.reader, institution, DataKind.STREET_CHILDREN):
            raise PermissionDenied
        intervention = StreetIntervention(county=institution.county, institution=institution, **values)
        intervention = intervention_save(intervention=intervention, counts=counts)
        return self._respond(intervention, status.HTTP_201_CREATED)

    def _own_institution(self) -> Institution:
        """A representative's institution; the secretariat names the institution."""
        user = self.reader
        if user.is_representative and user.institution is not None:
            return user.institution
        raise serializers.ValidationError({"institution": [gettext("This field is required.")]})

    def _update(self, request: Request, partial: bool) -> Response:
        intervention = self.get_object()
        access.require(access.can_write_for_institution(self.reader, intervention.institution))
        check_if_match(request, etag_of(intervention))
        data = InterventionUpdateSerializer(
            intervention, data=request.data, partial=partial, context={"request": request}
        )
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        entries = values.pop("counts", None)
        counts = (
            _counts(entries)
            if entries is not None
            else {(c.sex, c.age_group_id): c.count for c in intervention.counts.all()}
        )
        for name, value in values.items():
            setattr(intervention, name, value)
        intervention = intervention_save(
            intervention=intervention, counts=counts, expected_version=intervention.version
        )
        return self._respond(intervention)

    @versioned_write(InterventionUpdateSerializer, responses=InterventionSerializer)
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._update(request, partial=False)

    @versioned_write(InterventionUpdateSerializer, responses=InterventionSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._update(request, partial=True)

    def _respond(self, intervention: StreetIntervention, status_code: int = status.HTTP_200_OK) -> Response:
        """The intervention as stored (read back with its counts, in their order)."""
        stored = self.get_queryset().get(pk=intervention.pk)
        return Response(
            InterventionSerializer(stored).data, status=status_code, headers={"ETag": etag_of(stored)}
        )
