"""The employment path over the API: one Labour Office's rows for one period, each a
vulnerable group × sex × age group with its count at every stage of the path.

Readers who see exact figures get the rows; every reader gets each stage's total and
each stage by group, sex and age group, small numbers hidden as on the employment page
for those who do not see exact figures (their `rows` is `null`). A PUT replaces all the
rows; each row goes through the page's row form (the same fields, working-age groups
and bounds between stages), then the page's service. The ETag is the grid's stamp
(`cases.services.employment.employment_stamp`), also given as `version`.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_view
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.fields import Field
from rest_framework.settings import api_settings

from cases.api.grids import Grid, GridViewSet, ShownCountSerializer, shown
from cases.choices import MAX_COUNT, DataKind, Sex, VulnerableGroup
from cases.forms import EMPLOYMENT_MAX_ROWS, EmploymentRowForm
from cases.models import AgeGroup, EmploymentFunnel
from cases.selectors.age_groups import age_groups_for, age_groups_of
from cases.selectors.employment import (
    EMPLOYMENT_BREAKDOWNS,
    FUNNEL,
    employment_breakdowns,
    employment_cells,
    employment_sums,
)
from cases.selectors.grids import employment_grids_rows
from cases.services.employment import employment_save, employment_stamp, employment_stamps
from krat.api.base import versioned_write
from krat.models import Institution, ReportingPeriod
from krat.models.base import field_label

STAGES = EmploymentFunnel.STAGES
BREAKDOWNS = list(EMPLOYMENT_BREAKDOWNS)

# --- Representation --------------------------------------------------------------------------


class EmploymentRowSerializer(serializers.Serializer):
    """One group × sex × age group; a stage left out or `null` has no value (not 0), and
    a row with no stage entered is not kept. Each stage is bounded by an earlier one
    where both are entered (interviewed ≤ received, ready + needs training + not
    employable ≤ interviewed, referred to a vacancy ≤ ready, referred to training ≤
    needs training, employed ≤ referred to a vacancy, completed training ≤ referred to
    training)."""

    group = serializers.ChoiceField(choices=VulnerableGroup.choices)
    sex = serializers.ChoiceField(choices=Sex.choices)
    age_group = serializers.IntegerField(
        allow_null=True,
        required=False,
        default=None,
        help_text="The id of one of the county's working-age groups (see age-groups); null: unknown.",
    )

    def get_fields(self) -> dict[str, Field[Any, Any, Any, Any]]:
        fields = super().get_fields()
        for stage in STAGES:
            fields[stage] = serializers.IntegerField(
                min_value=0,
                max_value=MAX_COUNT,
                required=False,
                allow_null=True,
                default=None,
                help_text=field_label(EmploymentFunnel, stage),
            )
        return fields


class StageCellSerializer(ShownCountSerializer):
    stage = serializers.ChoiceField(choices=FUNNEL, help_text="“assessed”: the three outcomes together.")


class BreakdownCellSerializer(ShownCountSerializer):
    breakdown = serializers.ChoiceField(choices=BREAKDOWNS)
    category = serializers.CharField(help_text="A group, a sex, an age group's id, or “unknown”.")
    stage = serializers.ChoiceField(choices=STAGES)


class EmploymentGridSerializer(serializers.Serializer):
    key = serializers.CharField()
    period = serializers.IntegerField()
    institution = serializers.IntegerField()
    suppressed = serializers.BooleanField(help_text="Whether small numbers are hidden from you.")
    version = serializers.IntegerField(
        allow_null=True, help_text="The grid's stamp, as in its ETag (null when `suppressed`)."
    )
    rows = EmploymentRowSerializer(many=True, allow_null=True, help_text="Null when `suppressed`.")
    stages = StageCellSerializer(many=True)
    breakdowns = BreakdownCellSerializer(many=True)


class EmploymentGridInputSerializer(serializers.Serializer):
    """The grid's rows: they replace every stored row (an empty list clears the grid).
    A group, sex and age group appears in one row at most."""

    rows: serializers.ListSerializer[Any] = serializers.ListSerializer(
        child=EmploymentRowSerializer(), max_length=EMPLOYMENT_MAX_ROWS
    )


def _row_payload(row: EmploymentFunnel) -> dict:
    return {
        "group": row.group,
        "sex": row.sex,
        "age_group": row.age_group_id,
        **{stage: getattr(row, stage) for stage in STAGES},
    }


def _cells_payload(cells: dict, dims: dict) -> dict:
    return {
        "stages": [{"stage": stage, **shown(cells[("total", stage)])} for stage in FUNNEL],
        "breakdowns": [
            {"breakdown": dim, "category": key, "stage": stage, **shown(cells[(stage, dim, key)])}
            for dim, options in dims.items()
            for key in options
            for stage in STAGES
        ],
    }


# --- Input -----------------------------------------------------------------------------------------


def rows_from_input(entries: list[dict[str, Any]], age_groups: list[AgeGroup]) -> list[EmploymentFunnel]:
    """Each row through the page's row form; the errors keyed by the row's index, as DRF
    gives a list's (`{"rows": {"1": {"interviewed": [...]}}}`)."""
    forms = [EmploymentRowForm(data=_form_data(entry), age_groups=age_groups) for entry in entries]
    errors = {str(index): _form_errors(form) for index, form in enumerate(forms) if not form.is_valid()}
    if errors:
        raise ValidationError({"rows": errors})
    return [form.save(commit=False) for form in forms]


def _form_data(entry: dict) -> dict:
    return {**entry, "age_group": "" if entry["age_group"] is None else entry["age_group"]}


def _form_errors(form: EmploymentRowForm) -> dict[str, list[str]]:
    return {
        api_settings.NON_FIELD_ERRORS_KEY if field == NON_FIELD_ERRORS else field: [str(m) for m in messages]
        for field, messages in form.errors.items()
    }


# --- The viewset ----------------------------------------------------------------------------------


@extend_schema_view(update=versioned_write(EmploymentGridInputSerializer, responses=EmploymentGridSerializer))
class EmploymentGridViewSet(GridViewSet):
    """Employment paths: list (filter by `period`, `institution`), read one, replace one
    with PUT (the institution's representatives and the secretariat)."""

    model = EmploymentFunnel
    data_kind = DataKind.EMPLOYMENT
    what = gettext_lazy("Employment grid (API)")
    serializer_class = EmploymentGridSerializer
    input_serializer_class = EmploymentGridInputSerializer

    def lock(self, period: ReportingPeriod, institution: Institution) -> int:
        return employment_stamp(period=period, institution=institution)

    def etag(self, period: ReportingPeriod, institution: Institution, lock: int) -> str:
        return f'W/"{period.pk}-{institution.pk}-{lock}"'

    def payloads(self, grids: list[Grid]) -> list[dict]:
        keys = [grid.key for grid in grids]
        rows = employment_grids_rows(keys)
        stamps = employment_stamps(keys)
        age_groups = age_groups_of(grid.period.county for grid in grids)
        payloads = []
        for grid in grids:
            county = grid.period.county
            mine = rows.get(grid.key, [])
            dims = employment_breakdowns(age_groups[county.pk])
            cells = employment_cells(
                employment_sums(mine),
                dims,
                county.small_number_threshold,
                suppressed=not grid.exact,
            )
            payloads.append(
                {
                    **grid.head(),
                    "version": stamps.get(grid.key, 0) if grid.exact else None,
                    "rows": [_row_payload(row) for row in mine] if grid.exact else None,
                    **_cells_payload(cells, dims),
                }
            )
        return payloads

    def write(
        self, period: ReportingPeriod, institution: Institution, data: dict[str, Any], lock: int
    ) -> None:
        working_age = [g for g in age_groups_for(period.county) if g.is_working_age]
        rows = rows_from_input(data["rows"], working_age)
        employment_save(period=period, institution=institution, rows=rows, expected_stamp=lock)
