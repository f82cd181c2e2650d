"""The victims grid over the API (krat.api): one resource per period and institution,
read with the page's small-number rules, written whole with the form's rules.

A grid's key is `<period id>-<institution id>`. A count hidden from the reader (a
number from 1 to k−1, or one that would give such a number away) is `null` with
`suppressed: true` beside it; the figures of a reader who sees exact figures (the
secretariat, the chair, the institution's own representatives) are never hidden.
"""

from __future__ import annotations

import django_filters
from django.db.models import Max, Min
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from cases import access as cases_access
from cases import selectors, services
from cases.choices import MAX_COUNT, DataKind, Dimension, VictimStatus
from cases.models import VictimReport
from krat.api.base import KratViewSet, check_if_match, versioned_write
from krat.models import Institution, ReportingPeriod

# --- Representation --------------------------------------------------------------------------


class CellSerializer(serializers.Serializer):
    dimension = serializers.ChoiceField(choices=Dimension.choices)
    category = serializers.CharField(
        max_length=20, help_text="A choice of the breakdown, an age group's id, a country code, or “unknown”."
    )
    count = serializers.IntegerField(min_value=0, max_value=MAX_COUNT, allow_null=True)
    suppressed = serializers.BooleanField(read_only=True)


class StatusGridSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=VictimStatus.choices)
    version = serializers.IntegerField(read_only=True, allow_null=True)
    total = serializers.IntegerField(min_value=0, max_value=MAX_COUNT, allow_null=True)
    total_suppressed = serializers.BooleanField(read_only=True)
    referred = serializers.IntegerField(min_value=0, max_value=MAX_COUNT, allow_null=True)
    referred_suppressed = serializers.BooleanField(read_only=True)
    cells = CellSerializer(many=True)


class VictimGridSerializer(serializers.Serializer):
    key = serializers.CharField(read_only=True)
    period = serializers.IntegerField(read_only=True)
    institution = serializers.IntegerField(read_only=True)
    suppressed = serializers.BooleanField(
        read_only=True, help_text="Whether small numbers are hidden from you."
    )
    statuses = StatusGridSerializer(many=True)


class CellInputSerializer(serializers.Serializer):
    dimension = serializers.ChoiceField(choices=Dimension.choices)
    category = serializers.CharField(max_length=20)
    count = serializers.IntegerField(min_value=0, max_value=MAX_COUNT)


class StatusInputSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=VictimStatus.choices)
    total = serializers.IntegerField(min_value=0, max_value=MAX_COUNT)
    referred = serializers.IntegerField(min_value=0, max_value=MAX_COUNT)
    cells = CellInputSerializer(many=True, max_length=500)


class VictimGridInputSerializer(serializers.Serializer):
    """The statuses given replace the stored ones; a status left out stays as it is.
    Every breakdown must add up to its total (put the rest under “unknown”)."""

    statuses = StatusInputSerializer(many=True, min_length=1, max_length=len(VictimStatus.values))

    def validate_statuses(self, value):
        names = [s["status"] for s in value]
        if len(set(names)) != len(names):
            raise serializers.ValidationError(_repeated())
        return value


def _repeated() -> str:
    from django.utils.translation import gettext

    return gettext("Each status may be given once.")


def _exact(cell_value: int) -> dict:
    return {"count": cell_value, "suppressed": False}


def _shown(cell) -> dict:
    return {"count": None if cell.hidden else cell.value, "suppressed": bool(cell.hidden)}


def grid_payload(user, period: ReportingPeriod, institution: Institution) -> dict:
    """The grid as the user may see it: exact, or with small numbers hidden."""
    county = period.county
    exact = selectors.sees_exact(user, county, institution)
    statuses = []
    if exact:
        stored = selectors.victim_grid_values(period=period, institution=institution)
        categories = selectors.victim_categories(county)
        for status in VictimStatus.values:
            grid = stored.get(status, {"total": 0, "referred": 0, "cells": {}, "version": None})
            cells = [
                {
                    "dimension": dimension,
                    "category": value,
                    **_exact(grid["cells"].get((dimension, value), 0)),
                }
                for dimension, options in categories.items()
                for value, _label in options
            ]
            cells += [
                {"dimension": dimension, "category": category, **_exact(count)}
                for (dimension, category), count in sorted(grid["cells"].items())
                if dimension == Dimension.COUNTRY and count
            ]
            statuses.append(
                {
                    "status": status,
                    "version": grid["version"],
                    "total": grid["total"],
                    "total_suppressed": False,
                    "referred": grid["referred"],
                    "referred_suppressed": False,
                    "cells": cells,
                }
            )
    else:
        summary = selectors.victims_summary(county, period, suppressed=True, institution=institution)
        for status in summary["statuses"]:
            total, referred = _shown(status["total"][0]), _shown(status["referred"][0])
            statuses.append(
                {
                    "status": status["key"],
                    "version": None,
                    "total": total["count"],
                    "total_suppressed": total["suppressed"],
                    "referred": referred["count"],
                    "referred_suppressed": referred["suppressed"],
                    "cells": [
                        {"dimension": dimension["key"], "category": row["key"], **_shown(row["values"][0])}
                        for dimension in status["dimensions"]
                        for row in dimension["rows"]
                    ],
                }
            )
    return {
        "key": f"{period.pk}-{institution.pk}",
        "period": period.pk,
        "institution": institution.pk,
        "suppressed": not exact,
        "statuses": statuses,
    }


def grid_etag(period: ReportingPeriod, institution: Institution) -> str:
    """Changes whenever either status of the grid is saved (a status never saved: 0)."""
    versions = dict(
        VictimReport.objects.filter(period=period, institution=institution).values_list("status", "version")
    )
    parts = ".".join(str(versions.get(status, 0)) for status in VictimStatus.values)
    return f'W/"{period.pk}-{institution.pk}-{parts}"'


def _grid_errors(statuses: list[dict], age_groups) -> dict:
    """The form's checks, keyed `<status>.<breakdown>` (or `<status>` for the whole)."""
    errors: dict[str, list[str]] = {}
    for entry in statuses:
        grid = _as_grid(entry)
        for dimension, message in services.victim_grid_errors(grid, age_groups):
            key = f"{entry['status']}.{dimension}" if dimension else entry["status"]
            errors.setdefault(key, []).append(str(message))
    return errors


def _as_grid(entry: dict) -> services.VictimGrid:
    grid = services.VictimGrid(total=entry["total"], referred=entry["referred"])
    for cell in entry["cells"]:
        key = (cell["dimension"], cell["category"])
        grid.cells[key] = grid.cells.get(key, 0) + cell["count"]
    return grid


# --- The viewset ----------------------------------------------------------------------------------


class GridFilter(django_filters.FilterSet):
    class Meta:
        model = VictimReport
        fields = ["period", "institution"]


class VictimGridViewSet(mixins.ListModelMixin, KratViewSet):
    """Victims grids: list (filter by `period`, `institution`), read one, replace one with PUT."""

    serializer_class = VictimGridSerializer
    filterset_class = GridFilter
    lookup_field = "key"
    lookup_value_regex = r"[0-9]+-[0-9]+"
    http_method_names = ["get", "put", "head", "options"]

    def get_queryset(self):
        """One row per (period, institution) that has reported victims."""
        reports = self.county_scope(VictimReport.objects.all())
        return (
            reports.values("period", "institution")
            .annotate(first=Min("pk"), last=Max("pk"))
            .order_by("-period__start_date", "institution__name", "institution")
        )

    def list(self, request, *args, **kwargs):
        rows = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        periods = ReportingPeriod.objects.select_related("county").in_bulk({r["period"] for r in rows})
        institutions = Institution.objects.in_bulk({r["institution"] for r in rows})
        data = [
            grid_payload(request.user, periods[r["period"]], institutions[r["institution"]]) for r in rows
        ]
        return self.get_paginated_response(data)

    def get_object(self):
        """The grid's period (for DRF's OPTIONS metadata; the views use `_target`)."""
        return self._target(self.kwargs[self.lookup_field])[0]

    def _target(self, key: str) -> tuple[ReportingPeriod, Institution]:
        try:
            period_pk, institution_pk = (int(part) for part in key.split("-"))
        except ValueError:
            raise NotFound from None
        period = cases_access.period_for_user(self.request.user, period_pk)
        institution = get_object_or_404(Institution, pk=institution_pk, county=period.county)
        return period, institution

    @extend_schema(
        parameters=[
            OpenApiParameter("key", OpenApiTypes.STR, OpenApiParameter.PATH, pattern=r"^[0-9]+-[0-9]+$")
        ]
    )
    def retrieve(self, request, key: str):
        period, institution = self._target(key)
        return self._respond(period, institution)

    @extend_schema(
        parameters=[
            OpenApiParameter("key", OpenApiTypes.STR, OpenApiParameter.PATH, pattern=r"^[0-9]+-[0-9]+$")
        ]
    )
    @versioned_write(
        VictimGridInputSerializer,
        responses=inline_serializer(
            "VictimGridSaved",
            {
                "grid": VictimGridSerializer(),
                "warnings": serializers.ListField(child=serializers.CharField()),
            },
        ),
    )
    def update(self, request, key: str):
        period, institution = self._target(key)
        institution = cases_access.institution_for_entry(
            request.user, period, institution.pk, DataKind.VICTIMS
        )
        check_if_match(request, grid_etag(period, institution))
        data = VictimGridInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        statuses = data.validated_data["statuses"]
        errors = _grid_errors(statuses, services.age_groups_for(period.county))
        if errors:
            raise ValidationError(errors)
        stored = selectors.victim_grid_values(period=period, institution=institution)
        warnings = services.victim_grid_save(
            period=period,
            institution=institution,
            grids={entry["status"]: _as_grid(entry) for entry in statuses},
            versions={entry["status"]: stored.get(entry["status"], {}).get("version") for entry in statuses},
        )
        response = self._respond(period, institution)
        response.data = {"grid": response.data, "warnings": [w.message for w in warnings]}
        return response

    def _respond(self, period, institution):
        return Response(
            grid_payload(self.request.user, period, institution),
            headers={"ETag": grid_etag(period, institution)},
        )


def register(router) -> None:
    router.register(
        "victim-grids", extend_schema(tags=["period data"])(VictimGridViewSet), basename="victim-grid"
    )
