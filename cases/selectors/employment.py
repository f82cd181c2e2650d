"""The employment path: each stage's total and its breakdowns by group, sex and age group,
small numbers hidden along the path's lines, and the period's summary with its funnel chart."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import ClassVar

from django.utils.translation import gettext as _

from cases.choices import UNKNOWN, DataKind, Sex, VulnerableGroup
from cases.models import AgeGroup, EmploymentFunnel, sum_entered
from cases.selectors.comparison import PeriodColumn, PeriodComparison, period_column
from cases.selectors.figures import (
    EMPLOYMENT,
    EmploymentFigures,
    employment_figures,
    first_cells,
    period_cells,
    protected,
)
from cases.selectors.reporting import (
    PeriodReference,
    ReportingInstitution,
    period_reference,
    reporting_institutions,
)
from krat import charts
from krat.models import County, Institution, ReportingPeriod
from krat.models.base import StrOrPromise, field_label
from krat.suppression import Cell, exact, withheld

STAGE_LABELS = {name: field_label(EmploymentFunnel, name) for name in EmploymentFunnel.STAGES}
# The stages in the funnel's order: after the interview, "assessed" (the sum of the three
# assessment outcomes that follow it) is shown before them.
FUNNEL = [*EmploymentFunnel.STAGES[:2], "assessed", *EmploymentFunnel.STAGES[2:]]


def _stage_label(stage: str) -> str:
    if stage == "assessed":
        return _("employability assessed")
    return str(STAGE_LABELS[stage])


@dataclass(frozen=True)
class EmploymentStage:
    """One stage of the employment path (or "assessed", the three outcomes together): the
    people who reached it, a cell per column compared (None: no such period). `outcome`:
    one of the assessment's outcomes (shown indented under "assessed").

    A stage's total sums the grid rows (institution × group × sex × age group) that entered
    it: a stage left empty is no value, not 0. `rows_without_value` counts the rows of the
    page's own period that left this stage empty while entering another ("assessed": any
    of the three outcomes), so the total covers only part of the path; it counts rows of
    the grid, not people, and is 0 when no row entered the stage (its total is "—")."""

    key: str
    label: str
    values: list[Cell | None]
    outcome: bool
    rows_without_value: int

    @property
    def partial(self) -> bool:
        """Whether the page's own total leaves out rows that have no value for the stage."""
        return self.rows_without_value > 0


@dataclass(frozen=True)
class BreakdownRow:
    """One category of a breakdown (a group, a sex, an age group): the people at each stage
    of the page's own period (`EmploymentBreakdown.stages`), and per stage the same figure
    in the periods compared (`earlier`: previous, a year earlier; None for no such period)."""

    label: str
    values: list[Cell]
    earlier: list[list[Cell | None]]


@dataclass(frozen=True)
class EmploymentBreakdown:
    """The path by group, sex or age group (`key`): the stages' labels and a row per category."""

    key: str
    label: str
    stages: list[str]
    rows: list[BreakdownRow]


@dataclass(frozen=True)
class EmploymentSummary(PeriodComparison):
    """The period's employment path (the county's, or one institution's): each stage
    compared with the earlier periods, each stage by group, sex and age group, and the
    funnel chart, drawn from `chart_cells` (as the table prints them). `reporting`: who is
    expected to report and who has (None where not asked for)."""

    kind: ClassVar[str] = DataKind.EMPLOYMENT.value
    stages: list[EmploymentStage]
    breakdowns: list[EmploymentBreakdown]
    chart: charts.Chart
    chart_cells: list[Cell]
    has_data: bool
    reporting: list[ReportingInstitution] | None


# breakdown → the field it groups by
EMPLOYMENT_BREAKDOWNS = {"group": "group", "sex": "sex", "age": "age_group_id"}
OUTCOMES = ("ready", "needs_training", "not_employable")


def employment_breakdowns(age_groups: Iterable[AgeGroup]) -> dict[str, dict[str, StrOrPromise]]:
    """The employment path's breakdowns and their categories: group, sex, working-age group."""
    ages: dict[str, StrOrPromise] = {str(g.pk): g.label for g in age_groups if g.is_working_age}
    ages[UNKNOWN] = _("Unknown")
    return {"group": dict(VulnerableGroup.choices), "sex": dict(Sex.choices), "age": ages}


def employment_sums(rows: Iterable[EmploymentFunnel]) -> dict[tuple[str, str, str], int]:
    """Each stage's count by breakdown and category, (stage, breakdown, category) → n, of
    the stages entered (a key no row entered is missing: no value)."""
    sums: dict[tuple[str, str, str], int] = defaultdict(int)
    for row in rows:
        for dim, field_name in EMPLOYMENT_BREAKDOWNS.items():
            value = getattr(row, field_name)
            key = UNKNOWN if value is None else str(value)
            for stage in EmploymentFunnel.STAGES:
                if getattr(row, stage) is not None:
                    sums[(stage, dim, key)] += getattr(row, stage)
    return dict(sums)


def employment_cells(
    sums: Mapping[tuple[str, str, str], int],
    dims: Mapping[str, Iterable[object]],
    k: int,
    *,
    suppressed: bool,
) -> dict[Hashable, Cell]:
    """Every figure of one institution's employment path as a `Cell`: (stage, breakdown,
    category), ("total", stage) and ("total", "assessed"); a figure nothing was entered
    for is `no_value`. With `suppressed` every count is withheld: one institution's grid
    is published only to those who see it exact."""
    values: dict[tuple[str, ...], int | None] = {
        (stage, dim, str(key)): sums.get((stage, dim, str(key)))
        for stage in EmploymentFunnel.STAGES
        for dim, options in dims.items()
        for key in options
    }
    for stage in EmploymentFunnel.STAGES:
        values[("total", stage)] = sum_entered(values[(stage, "sex", str(s))] for s in Sex.values)
    values[("total", "assessed")] = sum_entered(values[("total", s)] for s in OUTCOMES)
    return {key: withheld(n) if suppressed else exact(n) for key, n in values.items()}


def employment_summary(
    county: County,
    period: ReportingPeriod,
    *,
    suppressed: bool,
    institution: Institution | None = None,
    reference: PeriodReference | None = None,
    reporting: bool = True,
) -> EmploymentSummary:
    """The employment path of the period: each stage's total (with the comparisons), and
    each stage by group, sex and age group; the funnel as a chart. Each period's counts
    are hidden by its own pattern (`cases.selectors.figures`). `reference`: what the
    caller read of the period already (read here otherwise)."""
    reference = reference or period_reference(county, period)
    dims = employment_breakdowns(reference.age_groups)
    comparison = reference.comparison.for_reader(suppressed=suppressed)
    periods = [period, *comparison.periods]
    age_groups = {county.pk: reference.age_groups}
    if institution is None:
        shown = period_cells(EMPLOYMENT, periods, suppressed=suppressed, age_groups=age_groups)
    else:
        built = employment_figures(periods, institution, age_groups=age_groups)
        shown = [
            None if p is None else (built[p.pk], protected(built[p.pk], suppressed=suppressed))
            for p in periods
        ]
    current, cells = first_cells(shown)
    without_value = current.rows_without_value if isinstance(current, EmploymentFigures) else {}
    stages = [
        EmploymentStage(
            key=stage,
            label=_stage_label(stage),
            values=[s[1][("total", stage)] if s else None for s in shown],
            outcome=stage in OUTCOMES,
            rows_without_value=without_value.get(stage, 0),
        )
        for stage in FUNNEL
    ]
    labels = {"group": _("Group"), "sex": _("Sex"), "age": _("Age group")}
    breakdowns = [
        EmploymentBreakdown(
            key=dim,
            label=labels[dim],
            stages=[_stage_label(s) for s in EmploymentFunnel.STAGES],
            rows=[
                BreakdownRow(
                    label=str(label),
                    values=[cells[(s, dim, str(key))] for s in EmploymentFunnel.STAGES],
                    # Per stage, the same figure in the periods compared (None: no such
                    # period): the exports list them beside this period's.
                    earlier=[
                        [other[1].get((s, dim, str(key))) if other else None for other in shown[1:]]
                        for s in EmploymentFunnel.STAGES
                    ],
                )
                for key, label in options.items()
            ],
        )
        for dim, options in dims.items()
    ]
    funnel_stages = [s for s in FUNNEL if s not in OUTCOMES]
    chart_cells = [cells[("total", s)] for s in funnel_stages]
    chart = charts.funnel_chart(
        [(_stage_label(s), cell) for s, cell in zip(funnel_stages, chart_cells, strict=True)],
        title=_("Employment path"),
    )
    return EmploymentSummary(
        period=PeriodColumn.of(period),
        previous=period_column(comparison.previous),
        year_earlier=period_column(comparison.year_earlier),
        suppressed=suppressed,
        k=county.small_number_threshold,
        stages=stages,
        breakdowns=breakdowns,
        chart=chart,
        chart_cells=chart_cells,
        has_data=bool(current.contributions),
        # Who reported (None unless `reporting`: the period report does not list them).
        reporting=reporting_institutions(county, period, DataKind.EMPLOYMENT, reference=reference)
        if reporting
        else None,
    )
