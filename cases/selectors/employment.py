"""The employment path: each stage's total and its breakdowns by group, sex and age group,
small numbers hidden along the path's lines, and the period's summary with its funnel chart."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Sum
from django.utils.translation import gettext as _

from cases.choices import UNKNOWN, DataKind, Sex, VulnerableGroup
from cases.models import AgeGroup, EmploymentFunnel
from cases.selectors.age_groups import county_age_groups
from cases.selectors.comparison import comparison_periods, period_info
from cases.selectors.reporting import reporting_institutions
from krat import charts
from krat.freshness import kept
from krat.models import County, Institution, ReportingPeriod
from krat.suppression import Cell, Line, present

STAGE_LABELS = {name: EmploymentFunnel._meta.get_field(name).verbose_name for name in EmploymentFunnel.STAGES}
# The stages in the funnel's order: after the interview, "assessed" (the sum of the three
# assessment outcomes that follow it) is shown before them.
FUNNEL = [*EmploymentFunnel.STAGES[:2], "assessed", *EmploymentFunnel.STAGES[2:]]


def _stage_label(stage: str) -> str:
    if stage == "assessed":
        return _("employability assessed")
    return str(STAGE_LABELS[stage])


def _employment_raw_of(
    county: County, periods: list[ReportingPeriod | None], institution=None
) -> list[dict | None]:
    """Each period's stage totals (None for a missing period), in one query whatever their number."""
    ids = [p.pk for p in periods if p is not None]
    found = {}
    if ids:
        qs = EmploymentFunnel.objects.filter(county=county, period_id__in=ids)
        if institution is not None:
            qs = qs.filter(institution=institution)
        rows = (
            qs.order_by()
            .values("period_id")
            .annotate(**{stage: Sum(stage) for stage in EmploymentFunnel.STAGES})
        )
        found = {row.pop("period_id"): row for row in rows}
    empty = dict.fromkeys(EmploymentFunnel.STAGES)
    return [None if p is None else found.get(p.pk, empty) for p in periods]


# breakdown → the field it groups by
EMPLOYMENT_BREAKDOWNS = {"group": "group", "sex": "sex", "age": "age_group_id"}
OUTCOMES = ("ready", "needs_training", "not_employable")


def employment_breakdowns(age_groups: Iterable[AgeGroup]) -> dict[str, dict[str, str]]:
    """The employment path's breakdowns and their categories: group, sex, working-age group."""
    ages = {str(g.pk): g.label for g in age_groups if g.is_working_age}
    ages[UNKNOWN] = _("Unknown")
    return {"group": dict(VulnerableGroup.choices), "sex": dict(Sex.choices), "age": ages}


def employment_sums(rows: Iterable[EmploymentFunnel]) -> dict[tuple[str, str, str], int]:
    """Each stage's count by breakdown and category, (stage, breakdown, category) → n."""
    sums: dict[tuple[str, str, str], int] = defaultdict(int)
    for row in rows:
        for dim, field_name in EMPLOYMENT_BREAKDOWNS.items():
            value = getattr(row, field_name)
            key = UNKNOWN if value is None else str(value)
            for stage in EmploymentFunnel.STAGES:
                sums[(stage, dim, key)] += getattr(row, stage)
    return sums


def employment_cells(sums: dict, dims: dict, k: int, *, suppressed: bool) -> dict:
    """Every figure of the employment path as a `Cell`: (stage, breakdown, category),
    ("total", stage) and ("total", "assessed"). Each stage's breakdowns add up to its
    total and the three outcomes to "assessed": the lines small numbers are hidden along."""
    values: dict = {
        (stage, dim, str(key)): 0
        for stage in EmploymentFunnel.STAGES
        for dim, options in dims.items()
        for key in options
    }
    values.update(sums)
    for stage in EmploymentFunnel.STAGES:
        values[("total", stage)] = sum(values[(stage, "sex", str(s))] for s in Sex.values)
    values[("total", "assessed")] = sum(values[("total", s)] for s in OUTCOMES)
    lines = [
        Line([(stage, dim, str(key)) for key in options], ("total", stage))
        for stage in EmploymentFunnel.STAGES
        for dim, options in dims.items()
    ]
    lines.append(Line([("total", s) for s in OUTCOMES], ("total", "assessed")))
    return present(values, lines, k, suppressed=suppressed)


@kept("cases.employment_summary")
def employment_summary(
    county: County, period: ReportingPeriod, *, suppressed: bool, institution: Institution | None = None
) -> dict:
    """The employment path of the period: each stage's total (with the comparisons), and
    each stage by group, sex and age group; the funnel as a chart."""
    k = county.small_number_threshold
    qs = EmploymentFunnel.objects.filter(county=county, period=period)
    if institution is not None:
        qs = qs.filter(institution=institution)
    dims = employment_breakdowns(county_age_groups(county))
    rows = qs.only("group", "sex", "age_group", *EmploymentFunnel.STAGES)
    cells = employment_cells(employment_sums(rows), dims, k, suppressed=suppressed)

    comparison = comparison_periods(period)
    compare = _employment_raw_of(county, comparison.periods, institution)

    def compared(stage: str, raw: dict | None) -> Cell | None:
        if raw is None:
            return None
        n = sum(raw[s] or 0 for s in OUTCOMES) if stage == "assessed" else raw[stage] or 0
        return present({"n": n}, [], k, suppressed=suppressed)["n"]

    stages = [
        {
            "key": stage,
            "label": _stage_label(stage),
            "values": [cells[("total", stage)]] + [compared(stage, raw) for raw in compare],
            "outcome": stage in OUTCOMES,
        }
        for stage in FUNNEL
    ]
    breakdowns = []
    for dim, options in dims.items():
        breakdowns.append(
            {
                "key": dim,
                "label": {"group": _("Group"), "sex": _("Sex"), "age": _("Age group")}[dim],
                "stages": [_stage_label(s) for s in EmploymentFunnel.STAGES],
                "rows": [
                    {
                        "label": str(label),
                        "values": [cells[(s, dim, str(key))] for s in EmploymentFunnel.STAGES],
                    }
                    for key, label in options.items()
                ],
            }
        )
    funnel_stages = [s for s in FUNNEL if s not in OUTCOMES]
    chart = charts.funnel_chart(
        [
            (_stage_label(s), 0 if cells[("total", s)].hidden else cells[("total", s)].value)
            for s in funnel_stages
        ],
        title=_("Employment path"),
    )
    return {
        "kind": DataKind.EMPLOYMENT.value,
        "period": period_info(period),
        "previous": period_info(comparison.previous),
        "year_earlier": period_info(comparison.year_earlier),
        "suppressed": suppressed,
        "k": k,
        "stages": stages,
        "breakdowns": breakdowns,
        "chart": chart,
        "has_data": cells[("total", "received")].value > 0,
        "reporting": reporting_institutions(county, period, DataKind.EMPLOYMENT),
    }
