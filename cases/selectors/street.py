"""Children in street situations: the period's interventions (a page of the list or all of
them) and the period's summary by month, place, origin, sex and age, activity and action."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import ClassVar

from django.db.models import QuerySet
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cases.choices import UNKNOWN, Accompanied, DataKind, Sex, StreetAction, StreetActivity
from cases.models import StreetIntervention
from cases.selectors.age_groups import age_groups_for
from cases.selectors.comparison import PeriodColumn, PeriodComparison, comparison_periods, period_column
from cases.selectors.figures import STREET, first_cells, period_cells, street_months
from cases.selectors.reporting import PeriodReference
from krat import charts
from krat.choices import label_of
from krat.models import County, Institution, ReportingPeriod
from krat.suppression import Cell, exact


@dataclass(frozen=True)
class CategoryCount:
    """One category of a breakdown of the period's children (a month, a place, a
    municipality of origin, an activity, …): the children met there. `season`: a month
    of the county's tourist season (months only)."""

    label: str
    value: Cell
    season: bool = False


@dataclass(frozen=True)
class RepeatedOrigin:
    """A municipality of origin met in two or more interventions (for sharing: in k or
    more, `cases.selectors.figures._repeats`), with its interventions and children."""

    name: str
    interventions: Cell
    children: Cell


@dataclass(frozen=True)
class SexAgeRow:
    """One sex in the table of children by sex and age group: a cell per age group (the
    county's child groups, then "unknown"), and the sex's total."""

    label: str
    values: list[Cell]
    total: Cell


@dataclass(frozen=True)
class StreetSummary(PeriodComparison):
    """The period's children in street situations (counts of children, and of the
    interventions that met them). `total` and `interventions_compare`: a cell per column
    compared (None: no such period); every breakdown is this period's only. `chart`:
    the children by month, drawn from `chart_cells` (as the table prints them); `season`:
    the labels of the months of the tourist season."""

    kind: ClassVar[str] = DataKind.STREET_CHILDREN.value
    interventions: Cell
    has_data: bool
    total: list[Cell | None]
    interventions_compare: list[Cell | None]
    by_month: list[CategoryCount]
    by_place: list[CategoryCount]
    by_origin: list[CategoryCount]
    repeated_origins: list[RepeatedOrigin]
    by_activity: list[CategoryCount]
    by_action: list[CategoryCount]
    by_accompanied: list[CategoryCount]
    age_labels: list[str]
    sex_age: list[SexAgeRow]
    age_totals: list[Cell]
    chart: charts.Chart
    chart_cells: list[Cell]
    season: list[str]

    @property
    def children(self) -> Cell:
        """The children met in the page's own period (first of `total`, never missing)."""
        own = self.total[0]
        if own is None:
            raise ValueError("the page's own period is missing")
        return own


def intervention_list(
    county: County, period: ReportingPeriod, institution: Institution | None = None
) -> list[StreetIntervention]:
    return list(intervention_queryset(county, period, institution))


def intervention_queryset(
    county: County, period: ReportingPeriod, institution: Institution | None = None
) -> QuerySet[StreetIntervention]:
    """The period's interventions, newest first (for a page of the list, or all of them)."""
    qs = (
        StreetIntervention.objects.filter(county=county, period=period)
        .select_related("municipality", "origin", "institution")
        .order_by("-date", "-pk")
    )
    if institution is not None:
        qs = qs.filter(institution=institution)
    return qs


def street_children_summary(
    county: County, period: ReportingPeriod, *, suppressed: bool, reference: PeriodReference | None = None
) -> StreetSummary:
    """Children met in the period: by month (tourist season marked), place, municipality of
    origin, sex and age, activity, action; the origins that repeat; and the comparisons.
    Each period's counts are hidden by its own pattern (`cases.selectors.figures`), the
    interventions counted with the children they met (a companion count: hidden with them).
    `reference`: what the caller read of the period already (the age groups and the
    periods compared are read here otherwise)."""
    comparison = (reference.comparison if reference else comparison_periods(period)).for_reader(
        suppressed=suppressed
    )
    age_groups = reference.age_groups if reference else age_groups_for(county)
    shown = period_cells(
        STREET, [period, *comparison.periods], suppressed=suppressed, age_groups={county.pk: age_groups}
    )
    figures, cells = first_cells(shown)
    groups = [g for g in age_groups if g.is_child]
    months = street_months(period)
    places = [key[1] for key in figures.values if isinstance(key, tuple) and key[0] == "place"]
    origins = [key[1] for key in figures.values if isinstance(key, tuple) and key[0] == "origin"]
    age_keys = [str(g.pk) for g in groups] + [UNKNOWN]

    season = [i for i, month in enumerate(months) if county.is_tourist_season(int(month[5:]))]
    month_labels = [date_format(datetime.date(int(m[:4]), int(m[5:]), 1), "M Y") for m in months]
    month_cells = [cells[("month", m)] for m in months]
    # The bars show what the table shows: a hidden month is drawn as 0.
    chart = charts.bar_chart(
        month_labels,
        [charts.Series.of_cells(_("Children"), month_cells)],
        title=_("Children in street situations by month"),
        highlight=season,
    )
    # The origins met in two or more interventions (for sharing, those whose children are
    # not few: `cases.selectors.figures._repeats`), with their interventions.
    repeated = [
        RepeatedOrigin(
            name=name,
            interventions=cells.get(("int", "origin", name))
            or exact(figures.values[("int", "origin", name)]),
            children=cells[("origin", name)],
        )
        for name in origins
        if ("int", "origin", name) in cells
        or (not suppressed and name != UNKNOWN and figures.values[("int", "origin", name)] >= 2)
    ]

    return StreetSummary(
        period=PeriodColumn.of(period),
        previous=period_column(comparison.previous),
        year_earlier=period_column(comparison.year_earlier),
        suppressed=suppressed,
        k=county.small_number_threshold,
        interventions=cells["interventions"],
        has_data=figures.values["interventions"] > 0,
        total=[s[1]["total"] if s else None for s in shown],
        interventions_compare=[s[1]["interventions"] if s else None for s in shown],
        by_month=[
            CategoryCount(label=month_labels[i], value=month_cells[i], season=i in season)
            for i in range(len(months))
        ],
        by_place=[CategoryCount(label=place, value=cells[("place", place)]) for place in places],
        by_origin=[
            CategoryCount(label=name if name != UNKNOWN else _("Unknown"), value=cells[("origin", name)])
            for name in origins
        ],
        repeated_origins=repeated,
        by_activity=[
            CategoryCount(label=label_of(StreetActivity, v), value=cells[("activity", v)])
            for v in StreetActivity.values
        ],
        by_action=[
            CategoryCount(label=label_of(StreetAction, v), value=cells[("action", v)])
            for v in StreetAction.values
        ],
        by_accompanied=[
            CategoryCount(label=label_of(Accompanied, v), value=cells[("accompanied", v)])
            for v in Accompanied.values
        ],
        age_labels=[str(g.label) for g in groups] + [_("Unknown")],
        sex_age=[
            SexAgeRow(
                label=label_of(Sex, s),
                values=[cells[("sa", f"{s}:{a}")] for a in age_keys],
                total=cells[("sex", s)],
            )
            for s in Sex.values
        ],
        age_totals=[cells[("age", a)] for a in age_keys],
        chart=chart,
        chart_cells=month_cells,
        season=[month_labels[i] for i in season],
    )
