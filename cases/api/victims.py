"""The victims grid over the API: both statuses of one institution's grid for one period.

Each status has its total, its referred and a cell per category of each breakdown
(an age group's id for the age breakdown; foreign victims by country as well). A cell
left empty has no value: `null` with `suppressed: false` when read, left out (or `null`)
when written — never 0. The ETag holds both statuses' versions (0 for a status never
saved).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext, gettext_lazy
from drf_spectacular.utils import extend_schema_view, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from cases.api.grids import Grid, GridViewSet, shown
from cases.choices import MAX_COUNT, DataKind, Dimension, VictimStatus, victim_categories
from cases.models import AgeGroup, VictimReport
from cases.selectors.age_groups import age_groups_for, age_groups_of
from cases.selectors.grids import victim_grids_values
from cases.selectors.victims import ShownStatusGrid, victim_grid_shown
from cases.services.victims import VictimGrid, victim_grid_errors, victim_grid_save
from krat.api.base import versioned_write
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
    count = serializers.IntegerField(
        min_value=0, max_value=MAX_COUNT, allow_null=True, help_text="null: no value (the cell left empty)."
    )


class StatusInputSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=VictimStatus.choices)
    total = serializers.IntegerField(
        min_value=0, max_value=MAX_COUNT, allow_null=True, required=False, default=None
    )
    referred = serializers.IntegerField(
        min_value=0, max_value=MAX_COUNT, allow_null=True, required=False, default=None
    )
    cells: serializers.ListSerializer[Any] = serializers.ListSerializer(
        child=CellInputSerializer(), max_length=500, required=False, default=list
    )


class VictimGridInputSerializer(serializers.Serializer):
    """The statuses given replace the stored ones; a status left out stays as it is.
    A cell left out or `null` has no value (not 0). Nothing is entered without the
    total; a breakdown whose every category is given adds up to the total, one with
    cells left out to no more than it; foreign victims by country to no more than the
    foreign victims."""

    statuses: serializers.ListSerializer[Any] = serializers.ListSerializer(
        child=StatusInputSerializer(), min_length=1, max_length=len(VictimStatus.values)
    )

    def validate_statuses(self, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        names = [s["status"] for s in value]
        if len(set(names)) != len(names):
            raise serializers.ValidationError(gettext("Each status may be given once."))
        return value


VictimGridSaved = inline_serializer(
    "VictimGridSaved",
    {"grid": VictimGridSerializer(), "warnings": serializers.ListField(child=serializers.CharField())},
)


def _status_payload(status: ShownStatusGrid, exact: bool) -> dict[str, Any]:
    total, referred = shown(status.total), shown(status.referred)
    return {
        "status": status.status,
        "version": status.version if exact else None,
        "total": total["count"],
        "total_suppressed": total["suppressed"],
        "referred": referred["count"],
        "referred_suppressed": referred["suppressed"],
        "cells": [{"dimension": c.dimension, "category": c.category, **shown(c.count)} for c in status.cells],
    }


# --- Input -----------------------------------------------------------------------------------------


def _as_grid(entry: dict) -> VictimGrid:
    grid = VictimGrid(total=entry["total"], referred=entry["referred"])
    for cell in entry["cells"]:
        if cell["count"] is None:
            continue  # no value
        key = (cell["dimension"], cell["category"])
        grid.cells[key] = grid.cells.get(key, 0) + cell["count"]
    return grid


def _grid_errors(statuses: list[dict[str, Any]], age_groups: list[AgeGroup]) -> dict[str, list[str]]:
    """The form's checks, keyed `<status>.<breakdown>` (or `<status>` for the whole)."""
    errors: dict[str, list[str]] = {}
    for entry in statuses:
        for dimension, message in victim_grid_errors(_as_grid(entry), age_groups):
            key = f"{entry['status']}.{dimension}" if dimension else entry["status"]
            errors.setdefault(key, []).append(str(message))
    return errors


# --- The viewset ----------------------------------------------------------------------------------


@extend_schema_view(update=versioned_write(VictimGridInputSerializer, responses=VictimGridSaved))
class VictimGridViewSet(GridViewSet):
    """Victims grids: list (filter by `period`, `institution`), read one, replace one with
    PUT. The response to a PUT carries the outlier warnings the page shows (saved anyway)."""

    model = VictimReport
    recorded = Q(total__isnull=False)
    data_kind = DataKind.VICTIMS
    what = gettext_lazy("Victims grid (API)")
    serializer_class = VictimGridSerializer
    input_serializer_class = VictimGridInputSerializer

    def lock(self, period: ReportingPeriod, institution: Institution) -> dict[str, int]:
        """Each saved status's version."""
        return dict(
            VictimReport.objects.filter(period=period, institution=institution).values_list(
                "status", "version"
            )
        )

    def etag(self, period: ReportingPeriod, institution: Institution, lock: dict[str, int]) -> str:
        parts = ".".join(str(lock.get(status, 0)) for status in VictimStatus.values)
        return f'W/"{period.pk}-{institution.pk}-{parts}"'

    def payloads(self, grids: list[Grid]) -> list[dict]:
        stored = victim_grids_values([grid.key for grid in grids])
        age_groups = age_groups_of(grid.period.county for grid in grids)
        categories = {pk: victim_categories(groups) for pk, groups in age_groups.items()}
        payloads = []
        for grid in grids:
            county = grid.period.county
            statuses = victim_grid_shown(
                stored.get(grid.key, {}), categories[county.pk], suppressed=not grid.exact
            )
            payloads.append({**grid.head(), "statuses": [_status_payload(s, grid.exact) for s in statuses]})
        return payloads

    def write(
        self, period: ReportingPeriod, institution: Institution, data: dict[str, Any], lock: dict[str, int]
    ) -> dict[str, Any]:
        statuses = data["statuses"]
        errors = _grid_errors(statuses, age_groups_for(period.county))
        if errors:
            raise ValidationError(errors)
        warnings = victim_grid_save(
            period=period,
            institution=institution,
            grids={entry["status"]: _as_grid(entry) for entry in statuses},
            versions={entry["status"]: lock.get(entry["status"], 0) for entry in statuses},
        )
        return {"warnings": [warning.message for warning in warnings]}
