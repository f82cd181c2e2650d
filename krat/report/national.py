"""The national report: every county's figures of one period, the national totals and
their comparisons, as the national coordinator reads them (issue 21).

One read, `national_report(start)`, gives a frozen `NationalReport`: a row for every
county (one that has no period starting on `start` reads "not reported", never 0 and
never left out), each headline figure as a `krat.suppression.Cell` in the version for
sharing (what observers see), and the national totals, each summed over the counties
that gave it and saying how many did, beside the previous period's and the same
period's a year earlier. The page, the PDF, the workbook and the charts render it and
never reach the database.

**Small numbers.** A county's figure is hidden by the county's own pattern (its pages for
sharing show the same). The national total of a figure ties the counties' figures in one
line (the counties' cells add up to it), so a total beside a single hidden county cell
gives it away by subtraction. The visible county cells are published anyway (each
county's pages show them to the same readers), so the only cell the national table can
add to the pattern is the total: `national_total` keeps it only while every hidden
county cell keeps, against the line, the whole range its mark promises
(`krat.disclosure`'s criterion), and hides it otherwise.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from django.conf import settings
from django.db.models import Count, Max, Model
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from krat import access, contributions, generations
from krat.charts import Chart, Series, Tile, hbar_chart, tile_map
from krat.collation import albanian, sort_key
from krat.contributions import NationalSet, PeriodFigures
from krat.disclosure import Check
from krat.membership import member_ids_by_period
from krat.models import (
    County,
    FinalReport,
    Institution,
    PeriodSubmission,
    ReportingPeriod,
    SubmissionState,
    TableMembership,
)
from krat.suppression import (
    LEGEND,
    Cell,
    Line,
    Margin,
    audit_margins,
    exact,
    hidden_cell,
    no_value,
    protect_margins,
    remembered,
    unpublished,
)

#: The state of a county's period, as the national table prints it.
NOT_REPORTED = "not_reported"
OPEN = "open"
CLOSED = "closed"
FINALISED = "finalised"
#: The compared columns (`BreakdownComparison.key`).
PREVIOUS, YEAR_EARLIER = "previous", "year_earlier"
STATES = {
    NOT_REPORTED: gettext_lazy("not reported"),
    OPEN: gettext_lazy("open"),
    CLOSED: gettext_lazy("closed"),
    FINALISED: gettext_lazy("report finalised"),
}


def not_reported() -> Cell:
    """A figure of a county that did not report: printed "not reported", an empty
    spreadsheet cell, never 0 and never left out."""
    return Cell(value=None, text=_("not reported"))


@dataclass(frozen=True)
class Headline:
    """One headline figure: its key and its one name (locale/GLOSSARY.md)."""

    key: str
    label: str


@dataclass(frozen=True)
class CountyRow:
    """One county's line in the national table. `figures` follow `NationalReport.headlines`;
    `submitted`/`members` are its completeness (reports in of the members of its period's
    own dates), None when it did not report."""

    county: str
    slug: str
    county_pk: int
    period: str
    period_pk: int | None
    state: str
    finalised_at: datetime.datetime | None
    published: bool
    submitted: int | None
    members: int | None
    figures: tuple[Cell, ...]

    @property
    def reported(self) -> bool:
        return self.period_pk is not None

    @property
    def state_label(self) -> str:
        return str(STATES[self.state])

    def figure(self, key: str, headlines: Sequence[Headline]) -> Cell:
        return self.figures[[h.key for h in headlines].index(key)]


@dataclass(frozen=True)
class Sum:
    """A national total: `cell` (hidden when it would give away a hidden county cell;
    "—" when no county gave the figure) summed over `counted` of `of` counties."""

    cell: Cell
    counted: int
    of: int


@dataclass(frozen=True)
class Total:
    """One headline figure's national total, with the previous period's and the same
    period's a year earlier (None when there was no such period in any county)."""

    key: str
    label: str
    current: Sum
    previous: Sum | None
    year_earlier: Sum | None


@dataclass(frozen=True)
class Completeness:
    """Reports in and members over the counties that reported."""

    submitted: int
    members: int
    counted: int
    of: int


@dataclass(frozen=True)
class BreakdownComparison:
    """A breakdown's national totals in a compared period (the previous one, the same one
    a year earlier): `key` says which (PREVIOUS, YEAR_EARLIER) and `name` names it in the
    reader's language, `period` is its label, `totals` each category's
    (matched by label; "—" where that period has no such category) and `total` the
    figure's, protected with that period's sets; over `counted` of `of` counties."""

    key: str
    name: str
    period: str
    totals: tuple[Cell, ...]
    total: Cell
    counted: int
    of: int


@dataclass(frozen=True)
class BreakdownTable:
    """A breakdown of a headline figure with counties as rows (victims by sex, say):
    `rows` are (county, its cells by category, its total), `totals` the national total of
    each category and `total` the headline's national total, protected together;
    `comparisons` the same national totals in the previous period and a year earlier."""

    key: str
    title: str
    figure: str
    figure_label: str
    categories: tuple[str, ...]
    rows: tuple[tuple[str, tuple[Cell, ...], Cell], ...]
    totals: tuple[Cell, ...]
    total: Cell
    counted: int
    of: int
    comparisons: tuple[BreakdownComparison, ...] = ()


@dataclass(frozen=True)
class NationalReport:
    start: datetime.date
    label: str
    today: datetime.date
    headlines: tuple[Headline, ...]
    rows: tuple[CountyRow, ...]
    totals: tuple[Total, ...]
    completeness: Completeness
    breakdowns: tuple[BreakdownTable, ...]
    previous_start: datetime.date | None
    previous_label: str
    year_start: datetime.date
    year_label: str

    @property
    def has_data(self) -> bool:
        return any(row.reported for row in self.rows)

    @property
    def counties(self) -> int:
        return len(self.rows)

    @property
    def reported(self) -> int:
        return sum(row.reported for row in self.rows)

    @property
    def embargoed(self) -> bool:
        """Whether a county's period is still open, so that the national totals of the case
        figures wait for it (`_embargoed`)."""
        return any(row.reported and not row.published for row in self.rows)

    @property
    def pages(self) -> list[tuple[CountyRow, list[tuple[Total, Cell]]]]:
        """Each county with its figures beside the national totals (the PDF's county pages)."""
        return [(row, list(zip(self.totals, row.figures, strict=True))) for row in self.rows]

    def total(self, key: str) -> Total:
        return next(t for t in self.totals if t.key == key)

    def column(self, key: str) -> list[tuple[str, Cell]]:
        """(county, cell) of figure `key`, in the table's order."""
        index = [h.key for h in self.headlines].index(key)
        return [(row.county, row.figures[index]) for row in self.rows]


# --- The figures --------------------------------------------------------------------------------------


def headline_labels() -> dict[str, str]:
    """The headline figures, each under the one name it has everywhere: each app's
    (`krat.contributions.NationalFigures`), by their order."""
    labels: dict[str, str] = {}
    for figures in contributions.national_figures():
        labels.update(figures.labels())
    return labels


def _as_cell(value: Any) -> Cell:
    """An app's figure as a cell: a cell as it is (its key names it in its set, for the
    audit), a plain count (a count of the table's own work, never hidden) exact."""
    if isinstance(value, Cell):
        return value
    if value is None:
        return no_value()
    return exact(int(value))


def _figures(
    periods: list[ReportingPeriod], today: datetime.date
) -> tuple[dict[int, dict[str, Cell | int]], dict[int, list[NationalSet]]]:
    """Each app's figures of each period, as its pages show them for sharing, and the sets
    they come from (`NationalFigures.read_sets`) by period."""
    found: dict[int, dict[str, Cell | int]] = defaultdict(dict)
    sets: dict[int, list[NationalSet]] = defaultdict(list)
    if not periods:
        return found, sets
    for contributed in contributions.national_figures():
        if contributed.read_sets is not None:
            values_by_period, sets_by_period = contributed.read_sets(periods, today)
            for period_id, given in sets_by_period.items():
                sets[period_id].extend(given)
        else:
            values_by_period = _read(contributed, periods, today)
        for period_id, values in values_by_period.items():
            found[period_id].update(values)
    return found, sets


def _read(
    contributed: contributions.NationalFigures, periods: list[ReportingPeriod], today: datetime.date
) -> Mapping[int, PeriodFigures]:
    """`contributed.read(periods, today)`, kept under the generations of the models it
    declares when it declares them (`krat.generations.kept`). The key holds what else it
    reads: each period's id, version, dates and county threshold, the day and the
    language."""
    if not contributed.models:
        return contributed.read(periods, today)
    read = contributed.read
    return generations.kept(
        f"national:{read.__module__}.{read.__qualname__}",
        (
            [
                (p.pk, p.version, p.start_date, p.end_date, p.county_id, p.county.small_number_threshold)
                for p in periods
            ],
            today,
            translation.get_language(),
        ),
        models=contributed.models,
        counties={p.county_id for p in periods},
        compute=lambda: read(periods, today),
    )


def _periods(*starts: datetime.date | None) -> dict[datetime.date, list[ReportingPeriod]]:
    """The periods starting on each of `starts`, by start (one query)."""
    found: dict[datetime.date, list[ReportingPeriod]] = defaultdict(list)
    for period in (
        ReportingPeriod.objects.filter(start_date__in=[s for s in starts if s is not None])
        .select_related("county")
        .order_by(albanian("county__name"))
    ):
        found[period.start_date].append(period)
    return found


def _range(cell: Cell, k: int) -> tuple[int, float]:
    """What a hidden cell's mark promises: "< k" 1..k−1 (taken from 1: the attacker may know
    the count is not zero, which only narrows the ranges we check), "x" k or more."""
    if cell.value is not None and cell.value < k:
        return 1, k - 1
    return k, float("inf")


def national_total(parts: Sequence[tuple[Cell, int]]) -> Cell:
    """The sum of `parts` ((cell, the county's threshold k)), or the sum hidden.

    The attacker knows every visible county cell and the mark of every hidden one, and
    reads the total: the hidden cells add up to the total less the visible ones. On one
    line the range a hidden cell keeps is exact: from the remainder less every other
    hidden cell's most, to the remainder less their least, within its own mark. A "< k"
    must keep the whole of 1..k−1, an "x" at least k values (`krat.disclosure`'s
    criterion); else the total is hidden. No part: no value ("—", not 0)."""
    counted = [(cell, k) for cell, k in parts if cell.value is not None]
    if not counted:
        return no_value()
    total = sum(cell.value or 0 for cell, _k in counted)
    hidden = [(cell, k) for cell, k in counted if cell.hidden]
    if not hidden:
        return exact(total)
    threshold = max(k for _cell, k in counted)
    remainder = sum(cell.value or 0 for cell, _k in hidden)
    ranges = [_range(cell, k) for cell, k in hidden]
    for index, (_cell, k) in enumerate(hidden):
        low, high = ranges[index]
        others_low = sum(r[0] for j, r in enumerate(ranges) if j != index)
        others_high = sum(r[1] for j, r in enumerate(ranges) if j != index)
        least = max(low, remainder - others_high)
        most = min(high, remainder - others_low)
        keeps = (least <= 1 and most >= k - 1) if high == k - 1 else (most - least + 1 >= k)
        if not keeps:
            return hidden_cell(total, threshold)
    return exact(total)


def _sum(cells: Sequence[tuple[Cell, int]], of: int) -> Sum:
    return Sum(cell=national_total(cells), counted=sum(c.value is not None for c, _k in cells), of=of)


def _state(period: ReportingPeriod, finalised: dict[int, datetime.datetime]) -> str:
    if period.pk in finalised:
        return FINALISED
    return CLOSED if period.is_closed else OPEN


def _column_sums(
    periods: list[ReportingPeriod],
    headlines: Sequence[Headline],
    figures: Mapping[int, PeriodFigures],
    sets: dict[int, list[NationalSet]],
    of: int,
) -> tuple[dict[str, Sum], dict[Hashable, Cell], int]:
    """The national totals of another period (the comparisons), by the same rules: the
    totals that come with their sets and the breakdowns' margins, protected together
    against them. Also those margins (by ("part", breakdown, category)) and the number of
    counties whose sets they sum."""
    sums = {
        h.key: _sum(
            [(_as_cell(figures[p.pk].get(h.key)), p.county.small_number_threshold) for p in periods],
            of,
        )
        for h in headlines
    }
    given = {p.pk: sets[p.pk] for p in periods if p.pk in sets}
    protected = _embargoed(periods, _margins(given, {h.key: h.label for h in headlines}).protect())
    for h in headlines:
        if ("total", h.key) in protected:
            sums[h.key] = Sum(cell=protected[("total", h.key)], counted=sums[h.key].counted, of=of)
    return sums, protected, len(given)


def _embargoed(periods: Sequence[ReportingPeriod], margins: dict[Hashable, Cell]) -> dict[Hashable, Cell]:
    """The national margins of the case figures, or "not yet published" for each while a
    county's period of them is still open. A margin sums the counties whose period is
    published; read before and after one more county closes, the difference would be that
    county's figure, exact, where its pages print "< 3": so, as a county's own figures
    wait for its period to close (`krat.access.figures_published`), the national ones wait
    for every county's."""
    if all(access.period_published(period) for period in periods):
        return margins
    return {key: unpublished(key) for key in margins}


def _compared(
    table: BreakdownTable,
    key: str,
    name: str,
    period: str,
    column: tuple[dict[str, Sum], dict[Hashable, Cell], int] | None,
    of: int,
) -> tuple[BreakdownComparison, ...]:
    """`table`'s national totals in a compared period (none when there was no such period,
    or no county's figures of it are published)."""
    if column is None:
        return ()
    sums, protected, counted = column
    if not counted:
        return ()
    return (
        BreakdownComparison(
            key=key,
            name=name,
            period=period,
            totals=tuple(protected.get(("part", table.key, label), no_value()) for label in table.categories),
            total=sums[table.figure].cell if table.figure in sums else no_value(),
            counted=counted,
            of=of,
        ),
    )


@dataclass(frozen=True)
class _Margins:
    """What the national margins are protected against: the counties' sets (by (period,
    index)), the margins and their lines, and each breakdown's (title, figure, categories)."""

    sets: dict[Hashable, NationalSet]
    margins: list[Margin]
    lines: list[Line]
    kinds: dict[str, tuple[str, str, list[str]]]

    def protect(self) -> dict[Hashable, Cell]:
        """The margins protected against the sets; kept in Django's cache under the sets'
        fingerprints when they all have one, so the sets themselves are read only to build
        them (else `protect_margins` keeps them under a digest of the sets)."""
        fingerprints = tuple((name, s.fingerprint) for name, s in self.sets.items())
        if all(fingerprint for _name, fingerprint in fingerprints):
            return remembered(
                "national-margins", (fingerprints, tuple(self.margins), tuple(self.lines)), self._protect
            )
        return self._protect()

    def _protect(self) -> dict[Hashable, Cell]:
        return protect_margins({n: s.read() for n, s in self.sets.items()}, self.margins, self.lines)

    def audit(self, cells: dict[Hashable, Cell]) -> list[Check]:
        return audit_margins({n: s.read() for n, s in self.sets.items()}, self.margins, self.lines, cells)


def _margins(
    sets: dict[int, list[NationalSet]], labels: dict[str, str], *, breakdowns: bool = True
) -> _Margins:
    """The margins of the national tables: each headline's total over the counties' sets
    and, with `breakdowns`, each category's, with the line they make."""
    named: dict[Hashable, NationalSet] = {
        (pk, i): given for pk, found in sets.items() for i, given in enumerate(found)
    }
    margins: list[Margin] = []
    for headline in labels:
        parts: dict[Hashable, Hashable] = {
            name: s.totals[headline] for name, s in named.items() if headline in s.totals
        }
        if parts:
            margins.append(Margin(key=("total", headline), parts=parts))
    # Each breakdown's categories in the order the counties give them (by label: each
    # county has its own age groups), and the line they make up to the headline's total.
    kinds: dict[str, tuple[str, str, list[str]]] = {}
    for given in named.values():
        for b in given.breakdowns if breakdowns else ():
            _title, _figure, categories = kinds.setdefault(b.key, (b.title, b.figure, []))
            categories.extend(label for label, _key in b.parts if label not in categories)
    lines = []
    for key, (_title, figure, categories) in kinds.items():
        for label in categories:
            parts = {
                name: dict(b.parts)[label]
                for name, s in named.items()
                for b in s.breakdowns
                if b.key == key and label in dict(b.parts)
            }
            margins.append(Margin(key=("part", key, label), parts=parts))
        lines.append(Line([("part", key, label) for label in categories], ("total", figure)))
    return _Margins(sets=named, margins=margins, lines=lines, kinds=kinds)


def _protected(
    rows: Sequence[CountyRow],
    sets: dict[int, list[NationalSet]],
    labels: dict[str, str],
    of: int,
    *,
    embargo: Sequence[ReportingPeriod],
) -> tuple[dict[str, Cell], tuple[BreakdownTable, ...]]:
    """The national totals of the figures that come with their sets, and the breakdowns'
    tables, protected together (`krat.suppression.protect_margins`): a margin is hidden
    when it would tell more of a hidden county figure than its mark says; all of them are
    "not yet published" while one of the `embargo` periods is open (`_embargoed`)."""
    problem = _margins(sets, labels)
    kinds = problem.kinds
    cells = _embargoed(embargo, problem.protect())
    totals = {
        str(headline): cells[("total", headline)] for headline in labels if ("total", headline) in cells
    }
    tables = []
    for key, (title, figure, categories) in kinds.items():
        table_rows = []
        for row in rows:
            found = [s for s in sets.get(row.period_pk or 0, []) for b in s.breakdowns if b.key == key]
            shown: tuple[Cell, ...]
            if not row.reported:
                shown = tuple(not_reported() for _label in categories)
            elif not found:
                shown = tuple(unpublished() for _label in categories)
            else:
                parts = dict(next(b for b in found[0].breakdowns if b.key == key).parts)
                shown = tuple(
                    found[0].cells.get(parts[label], no_value()) if label in parts else no_value()
                    for label in categories
                )
            table_rows.append((row.county, shown, row.figures[list(labels).index(figure)]))
        tables.append(
            BreakdownTable(
                key=key,
                title=title,
                figure=figure,
                figure_label=labels.get(figure, figure),
                categories=tuple(categories),
                rows=tuple(table_rows),
                totals=tuple(cells[("part", key, label)] for label in categories),
                total=totals.get(figure, no_value()),
                counted=sum(1 for row in rows if row.period_pk in sets),
                of=of,
            )
        )
    return totals, tuple(tables)


def _start_before(start: datetime.date) -> datetime.date | None:
    return (
        ReportingPeriod.objects.filter(start_date__lt=start).aggregate(latest=Max("start_date")).get("latest")
    )


def _year_before(day: datetime.date) -> datetime.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


#: What the national report reads of the core; each app's `NationalFigures.models` adds
#: its own (`national_models`).
CORE_MODELS: tuple[type[Model], ...] = (
    County,
    ReportingPeriod,
    Institution,
    TableMembership,
    PeriodSubmission,
    FinalReport,
)


def national_models() -> tuple[type[Model], ...]:
    """Every model the national report reads: its key's generations (`national_report`)."""
    found = list(CORE_MODELS)
    for figures in contributions.national_figures():
        found += [model for model in figures.models if model not in found]
    return tuple(found)


def national_report(start: datetime.date, *, today: datetime.date | None = None) -> NationalReport:
    """Every county's headline figures of its period starting on `start` (the version for
    sharing), the national totals and their comparisons: a fixed number of queries,
    whatever the number of counties.

    Kept in Django's cache under the generations of every model it reads, in every county
    (`krat.generations.kept`, `national_models`): a write to any of them is read by the
    next report; the day and the language are in the key. The national pages, PDF and
    workbook all read it; it depends on no reader."""
    today = today or timezone.localdate()
    return generations.kept(
        "national-report",
        (start, today, translation.get_language()),
        models=national_models(),
        counties=None,
        compute=lambda: _national_report(start, today),
    )


def _national_report(start: datetime.date, today: datetime.date) -> NationalReport:
    headlines = tuple(Headline(key, label) for key, label in headline_labels().items())
    counties = list(County.objects.values_list("pk", "name", "slug"))
    of = len(counties)
    previous_start = _start_before(start)
    year_start = _year_before(start)
    by_start = _periods(start, previous_start, year_start)
    periods = by_start[start]
    previous_periods = by_start[previous_start] if previous_start else []
    year_periods = by_start[year_start]
    ids = [p.pk for p in periods]
    # Each period counts the members of its own dates (`krat.membership`), not today's.
    members = member_ids_by_period(periods)
    complete: dict[int, int] = defaultdict(int)
    for period_id, institution_id in PeriodSubmission.objects.filter(
        period_id__in=ids, state__in=[SubmissionState.SUBMITTED, SubmissionState.APPROVED]
    ).values_list("period_id", "institution_id"):
        complete[period_id] += institution_id in members[period_id]
    finalised = dict(
        FinalReport.objects.filter(period_id__in=ids)
        .values("period_id")
        .annotate(last=Max("created_at"))
        .values_list("period_id", "last")
    )
    # One read of every app's figures for the three periods (a fixed number of queries).
    figures, sets = _figures([*periods, *previous_periods, *year_periods], today)
    by_county = {p.county_id: p for p in periods}
    rows = []
    for pk, name, slug in counties:
        period = by_county.get(pk)
        if period is None:
            rows.append(
                CountyRow(
                    county=name,
                    slug=slug,
                    county_pk=pk,
                    period="",
                    period_pk=None,
                    state=NOT_REPORTED,
                    finalised_at=None,
                    published=False,
                    submitted=None,
                    members=None,
                    figures=tuple(not_reported() for _h in headlines),
                )
            )
            continue
        rows.append(
            CountyRow(
                county=name,
                slug=slug,
                county_pk=pk,
                period=period.label,
                period_pk=period.pk,
                state=_state(period, finalised),
                finalised_at=finalised.get(period.pk),
                # Its case figures read "not yet published" while it is open.
                published=access.period_published(period),
                submitted=complete[period.pk],
                members=len(members[period.pk]),
                figures=tuple(_as_cell(figures[period.pk].get(h.key)) for h in headlines),
            )
        )
    rows.sort(key=lambda row: sort_key(row.county))  # Albanian order (Durrës < Elbasan < Fier)
    thresholds = {p.county_id: p.county.small_number_threshold for p in periods}
    current = {
        h.key: _sum(
            [(row.figures[i], thresholds[row.county_pk]) for row in rows if row.reported],
            of,
        )
        for i, h in enumerate(headlines)
    }
    # The figures read with their sets (victims and their breakdowns, street children, the
    # labour office): their totals and the breakdowns' margins protected together.
    labels = {h.key: h.label for h in headlines}
    margins, breakdowns = _protected(
        rows, {p.pk: sets[p.pk] for p in periods if p.pk in sets}, labels, of, embargo=periods
    )
    for key, cell in margins.items():
        if key in current:
            current[key] = Sum(cell=cell, counted=current[key].counted, of=of)
    breakdowns = tuple(
        replace(b, total=current[b.figure].cell) if b.figure in current else b for b in breakdowns
    )
    previous_column = (
        _column_sums(previous_periods, headlines, figures, sets, of) if previous_periods else None
    )
    year_column = _column_sums(year_periods, headlines, figures, sets, of) if year_periods else None
    previous_label = previous_periods[0].label if previous_periods else ""
    year_label = year_periods[0].label if year_periods else ""
    breakdowns = tuple(
        replace(
            b,
            comparisons=(
                *_compared(b, PREVIOUS, str(_("Previous period")), previous_label, previous_column, of),
                *_compared(b, YEAR_EARLIER, str(_("A year earlier")), year_label, year_column, of),
            ),
        )
        for b in breakdowns
    )
    previous = previous_column[0] if previous_column else None
    year = year_column[0] if year_column else None
    totals = tuple(
        Total(
            key=h.key,
            label=h.label,
            current=current[h.key],
            previous=previous[h.key] if previous else None,
            year_earlier=year[h.key] if year else None,
        )
        for h in headlines
    )
    reported = [row for row in rows if row.reported]
    return NationalReport(
        start=start,
        label=periods[0].label if periods else "",
        today=today,
        headlines=headlines,
        rows=tuple(rows),
        totals=totals,
        completeness=Completeness(
            submitted=sum(row.submitted or 0 for row in reported),
            members=sum(row.members or 0 for row in reported),
            counted=len(reported),
            of=of,
        ),
        breakdowns=breakdowns,
        previous_start=previous_start,
        previous_label=previous_label,
        year_start=year_start,
        year_label=year_label,
    )


def national_audit(start: datetime.date, *, today: datetime.date | None = None) -> list[Check]:
    """The audit of the national tables as published (`national_report(start)`): every
    hidden count of the counties' sets and of the national margins, as an observer with a
    solver can bound it beside everything else published (`krat.disclosure`); for the
    period and for each compared one (its totals and its breakdowns' totals)."""
    today = today or timezone.localdate()
    report = national_report(start, today=today)
    columns: list[tuple[datetime.date | None, dict[Hashable, Cell]]] = [
        (
            start,
            {
                **{("total", t.key): t.current.cell for t in report.totals},
                **{
                    ("part", table.key, c): cell
                    for table in report.breakdowns
                    for c, cell in zip(table.categories, table.totals, strict=True)
                },
            },
        )
    ]
    for day, key, pick in (
        (report.previous_start, PREVIOUS, lambda t: t.previous),
        (report.year_start, YEAR_EARLIER, lambda t: t.year_earlier),
    ):
        published: dict[Hashable, Cell] = {
            ("total", t.key): pick(t).cell for t in report.totals if pick(t) is not None
        }
        for table in report.breakdowns:
            for compared in table.comparisons:
                if compared.key == key:
                    published.update(
                        {
                            ("part", table.key, c): cell
                            for c, cell in zip(table.categories, compared.totals, strict=True)
                        }
                    )
        columns.append((day, published))
    checks: list[Check] = []
    for day, published in columns:
        if day is None:
            continue
        periods = _periods(day)[day]
        _values, sets = _figures(periods, today)
        problem = _margins(dict(sets), {h.key: h.label for h in report.headlines})
        # A margin not printed (a category the period's table does not show) is not published.
        checks += problem.audit({m.key: published.get(m.key, unpublished()) for m in problem.margins})
    return checks


@dataclass(frozen=True)
class NationalPeriod:
    """The counties' periods of the same dates, as the list of national reports shows them."""

    start_date: datetime.date
    end_date: datetime.date
    counties: int  # how many counties have a period of these dates
    label: str  # a county's label of a period starting then ("" when none)


def national_periods() -> list[NationalPeriod]:
    """The distinct period dates of all counties, newest first, with a label (two queries)."""
    rows = (
        ReportingPeriod.objects.values("start_date", "end_date")
        .annotate(counties=Count("county", distinct=True))
        .order_by("-start_date", "end_date")
    )
    labels = dict(
        ReportingPeriod.objects.order_by(albanian("county__name"))
        .values_list("start_date", "label")
        .distinct()
    )
    return [NationalPeriod(**row, label=labels.get(row["start_date"], "")) for row in rows]


def current_start(today: datetime.date | None = None) -> datetime.date | None:
    """The start of the national readers' current period: the latest start on or before
    `today` of any county's period (the latest start of all when every one is ahead)."""
    today = today or timezone.localdate()
    latest = ReportingPeriod.objects.filter(start_date__lte=today).aggregate(latest=Max("start_date"))[
        "latest"
    ]
    if latest is None:
        latest = ReportingPeriod.objects.aggregate(latest=Max("start_date"))["latest"]
    return latest


# --- The pictures --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NationalCharts:
    """A bar chart per headline figure by county (`bars`: (headline, chart)), and the map
    of the counties shaded by the figure `shaded`."""

    bars: tuple[tuple[Headline, Chart], ...]
    shaded: Headline
    map: Chart
    map_title: str


#: The figure the map shades unless the reader chooses another.
DEFAULT_SHADED = "victims"


def shaded_headline(report: NationalReport, key: str | None) -> Headline:
    """The headline `key` if the report has it, else the default, else the first."""
    by_key = {h.key: h for h in report.headlines}
    return by_key.get(key or "") or by_key.get(DEFAULT_SHADED) or report.headlines[0]


def national_charts(report: NationalReport, *, shaded: str | None = None, width: int = 320) -> NationalCharts:
    """The report's pictures: each county's figure as its cell reads (a hidden, unpublished
    or unreported figure draws no bar and reads as in the table)."""
    names = [row.county for row in report.rows]
    bars = tuple(
        (
            headline,
            hbar_chart(
                names,
                [Series.of_cells(headline.label, [cell for _name, cell in report.column(headline.key)])],
                title=headline.label,
                stacked=False,
                width=width,
                row_height=16,
                label_width=96,
            ),
        )
        for headline in report.headlines
    )
    chosen = shaded_headline(report, shaded)
    tiles = [
        Tile(name=name, value=None if cell.hidden or cell.value is None else cell.value, text=str(cell))
        for name, cell in report.column(chosen.key)
    ]
    title = _("%(figure)s by county") % {"figure": chosen.label}
    return NationalCharts(bars=bars, shaded=chosen, map=tile_map(tiles, title=title), map_title=title)


@dataclass(frozen=True)
class Letterhead:
    """The national office's letterhead (settings `KRAT_NATIONAL_OFFICE_*`)."""

    name: str
    address: str
    phone: str
    email: str


def national_office() -> Letterhead:
    return Letterhead(
        name=settings.KRAT_NATIONAL_OFFICE_NAME,
        address=settings.KRAT_NATIONAL_OFFICE_ADDRESS,
        phone=settings.KRAT_NATIONAL_OFFICE_PHONE,
        email=settings.KRAT_NATIONAL_OFFICE_EMAIL,
    )


def page_context(report: NationalReport, *, shaded: str | None, full: bool) -> dict[str, Any]:
    """What the national home (`full=False`) and the national report page print: the report,
    its charts (the map shaded by `shaded`, the `?harta=` the reader chose) and the legend of
    the marks."""
    return {
        "report": report,
        "charts": national_charts(report, shaded=shaded),
        "start": report.start.isoformat(),
        "legend": LEGEND,
        "link_counties": True,
        "full": full,
    }
