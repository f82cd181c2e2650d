"""Victims figures: the period's summary (with the comparisons), the categories of each
breakdown, an institution's grid as a reader sees it, and the earlier means the outlier
warnings compare with."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import ClassVar

from django.db.models import Avg
from django.utils.translation import gettext

from cases.choices import Country, DataKind, Dimension, VictimStatus, victim_categories
from cases.models import VictimReport
from cases.selectors.comparison import PeriodColumn, PeriodComparison, period_column
from cases.selectors.figures import (
    NOT_ENTERED,
    OTHER_COUNTRIES,
    VICTIMS,
    PeriodCells,
    first_cells,
    period_cells,
    protected,
    victim_figures,
)
from cases.selectors.grids import NEVER_SAVED, StoredVictimGrid
from cases.selectors.reporting import (
    PeriodReference,
    ReportingInstitution,
    period_reference,
    reporting_institutions,
)
from krat.disclosure import Figures
from krat.models import County, Institution, ReportingPeriod
from krat.suppression import Cell, exact, no_value, withheld


@dataclass(frozen=True)
class CategoryRow:
    """One category of a breakdown (a sex, an age group, a country, …) compared: its
    count of people in each column of the summary (`PeriodComparison.columns`; None for
    a period that is missing). `not_entered`: the row of the part of the total whose
    category was left empty (a cell left empty is no value, never 0 of a category)."""

    key: str
    label: str
    values: list[Cell | None]
    not_entered: bool = False


@dataclass(frozen=True)
class VictimBreakdown:
    """A breakdown of a status's total (`cases.choices.Dimension`: sex, age group,
    citizenship, …, foreign victims by country), its categories in the order shown."""

    key: str
    label: str
    rows: list[CategoryRow]


@dataclass(frozen=True)
class VictimStatusBlock:
    """The figures of one status (identified victims, potential victims), in people, each a
    cell per column compared: the total, those referred to services or a shelter, and the
    breakdowns. `has_data`: some institution entered a total of the page's own period."""

    key: str
    label: str
    total: list[Cell | None]
    referred: list[Cell | None]
    dimensions: list[VictimBreakdown]
    has_data: bool


@dataclass(frozen=True)
class VictimsSummary(PeriodComparison):
    """The period's victims figures (the county's, or one institution's), with the previous
    period and the same period a year earlier beside each: one block per status.
    `reporting`: who is expected to report and who has (None where not asked for)."""

    kind: ClassVar[str] = DataKind.VICTIMS.value
    statuses: list[VictimStatusBlock]
    reporting: list[ReportingInstitution] | None

    @property
    def has_data(self) -> bool:
        return any(status.has_data for status in self.statuses)


def earlier_victim_means(*, period: ReportingPeriod, institution: Institution) -> dict[str, float]:
    """The mean total per status of the institution's reports in earlier periods (of the
    totals entered: a total left empty is no value, not 0)."""
    rows = (
        VictimReport.objects.filter(
            institution=institution, period__start_date__lt=period.start_date, total__isnull=False
        )
        .values("status")
        .annotate(mean=Avg("total"))
    )
    return {row["status"]: float(row["mean"]) for row in rows}


@dataclass(frozen=True)
class GridCell:
    """One cell of an institution's victims grid as a reader sees it: the breakdown
    (`cases.choices.Dimension`), the category (a choice, an age group's id, a country
    code) and the count (no value shown as such, never 0)."""

    dimension: str
    category: str
    count: Cell


@dataclass(frozen=True)
class ShownStatusGrid:
    """One status of an institution's victims grid as a reader sees it: the status
    (`cases.choices.VictimStatus`), its stored version (None: never saved), its total and
    those referred to services or a shelter, and a cell per category of each breakdown in
    the order the form shows them, then foreign victims by country (by code)."""

    status: str
    version: int | None
    total: Cell
    referred: Cell
    cells: list[GridCell]


def victim_grid_shown(
    stored: Mapping[str, StoredVictimGrid],
    categories: Mapping[str, Iterable[tuple[str, object]]],
    *,
    suppressed: bool,
) -> list[ShownStatusGrid]:
    """An institution's stored grid (`victim_grid_values`) as a reader sees it, status by
    status (each of `VictimStatus`, saved or not). With `suppressed` every count is
    withheld: one institution's grid is published only to those who see it exact (its own
    representatives, the secretariat and the chair) — subtracted from the county's
    summary, any of its counts would give another's away."""
    statuses = []
    for status in VictimStatus.values:
        grid = stored.get(status, NEVER_SAVED)

        def cell(n: int | None) -> Cell:
            return withheld(n) if suppressed else exact(n)  # None: no value, shown as such

        countries = sorted(code for (dimension, code) in grid.cells if dimension == Dimension.COUNTRY)
        statuses.append(
            ShownStatusGrid(
                status=status,
                version=grid.version,
                total=cell(grid.total),
                referred=cell(grid.referred),
                cells=[
                    GridCell(
                        dimension=dimension, category=value, count=cell(grid.cells.get((dimension, value)))
                    )
                    for dimension, options in categories.items()
                    for value, _label in options
                ]
                + [
                    GridCell(
                        dimension=Dimension.COUNTRY.value,
                        category=code,
                        count=cell(grid.cells[(Dimension.COUNTRY, code)]),
                    )
                    for code in countries
                ],
            )
        )
    return statuses


def _countries(status: str, shown: list[PeriodCells | None], suppressed: bool) -> VictimBreakdown:
    """Foreign victims by country, each period's column. Exact: every country entered
    ("—" in a period where it was not). For sharing: the countries with k or more in some period shown, and "other
    countries" (those with fewer, together); a country counted there in one period shows
    "—" in that period's column."""
    country = Dimension.COUNTRY.value

    def entered(figures: Figures) -> set[Hashable]:
        return {key for own in figures.contributions.values() for key in own}

    def listed(s: PeriodCells) -> set[str]:
        figures, cells = s
        # Every victims key is a tuple that starts with the status.
        if suppressed:
            return {
                key[2]
                for key in cells
                if isinstance(key, tuple) and key[:2] == (status, country) and key[2] != NOT_ENTERED
            }
        return {
            key[2]
            for key in entered(figures)
            if isinstance(key, tuple)
            and key[:2] == (status, country)
            and key[2] != NOT_ENTERED
            and key in figures.values
        }

    def value(s: PeriodCells | None, code: str) -> Cell | None:
        if s is None:
            return None
        figures, cells = s
        key = (status, country, code)
        if key in cells:
            return cells[key]
        if suppressed:
            return _UNDER_OTHER
        # Exact: every country entered (those under k are not published for sharing).
        return exact(figures.values[key]) if key in entered(figures) else no_value()

    codes = sorted({code for s in shown if s for code in listed(s)})
    rows = [
        CategoryRow(key=code, label=str(Country(code).label), values=[value(s, code) for s in shown])
        for code in codes
    ]
    if suppressed:
        rows.append(
            CategoryRow(
                key=OTHER_COUNTRIES,
                label=gettext("Other countries (fewer than %(k)d each)") % {"k": first_cells(shown)[0].k},
                values=[s[1][(status, OTHER_COUNTRIES)] if s else None for s in shown],
            )
        )
    rows += _not_entered_row(status, country, shown)
    return VictimBreakdown(key=country, label=str(Dimension.COUNTRY.label), rows=rows)


def _not_entered_row(status: str, dimension: str, shown: list[PeriodCells | None]) -> list[CategoryRow]:
    """The part of the total whose category was left empty, as a row of its own — only
    where some column has one (a row of zeros and "—" would say nothing)."""
    values = [s[1][(status, dimension, NOT_ENTERED)] if s else None for s in shown]
    if not any(cell is not None and (cell.hidden or cell.value) for cell in values):
        return []
    return [CategoryRow(key=NOT_ENTERED, label=gettext("Not entered"), values=values, not_entered=True)]


#: A country's cell in a period where it is counted under "other countries".
_UNDER_OTHER = Cell(value=0, hidden=True, text="—")


def victims_summary(
    county: County,
    period: ReportingPeriod,
    *,
    suppressed: bool,
    institution: Institution | None = None,
    reference: PeriodReference | None = None,
    reporting: bool = True,
) -> VictimsSummary:
    """The period's victims figures, summed over the county's institutions (or one),
    with the previous period and the same period a year earlier beside each figure —
    each period's counts hidden by that period's own pattern (`cases.selectors.figures`).
    `reference`: what the caller read of the period already (read here otherwise)."""
    reference = reference or period_reference(county, period)
    comparison = reference.comparison.for_reader(suppressed=suppressed)
    periods = [period, *comparison.periods]
    age_groups = {county.pk: reference.age_groups}
    if institution is None:
        shown = period_cells(VICTIMS, periods, suppressed=suppressed, age_groups=age_groups)
    else:
        built = victim_figures(periods, institution, age_groups=age_groups)
        shown = [
            None if p is None else (built[p.pk], protected(built[p.pk], suppressed=suppressed))
            for p in periods
        ]
    categories = victim_categories(reference.age_groups)
    statuses = []
    for status in VictimStatus:
        dimensions = []
        for dimension, options in categories.items():
            rows = [
                CategoryRow(
                    key=value,
                    label=str(label),
                    values=[s[1][(status.value, dimension, value)] if s else None for s in shown],
                )
                for value, label in options
            ]
            rows += _not_entered_row(status.value, dimension, shown)
            dimensions.append(
                VictimBreakdown(key=dimension, label=str(Dimension(dimension).label), rows=rows)
            )
        dimensions.append(_countries(status.value, shown, suppressed))
        statuses.append(
            VictimStatusBlock(
                key=status.value,
                label=str(status.label),
                total=[s[1][(status.value, "total")] if s else None for s in shown],
                referred=[s[1][(status.value, "referred")] if s else None for s in shown],
                dimensions=dimensions,
                has_data=any(
                    (status.value, "total") in own for own in first_cells(shown)[0].contributions.values()
                ),
            )
        )
    return VictimsSummary(
        period=PeriodColumn.of(period),
        previous=period_column(comparison.previous),
        year_earlier=period_column(comparison.year_earlier),
        suppressed=suppressed,
        k=county.small_number_threshold,
        statuses=statuses,
        # Who reported (None unless `reporting`: the period report does not list them).
        reporting=reporting_institutions(county, period, DataKind.VICTIMS, reference=reference)
        if reporting
        else None,
    )
