"""The period figures as an attacker sees them, and the one pattern of hidden counts each
period gets, whatever page, export, chart or API resource shows it.

Each kind of figures of a period is one `krat.disclosure.Figures`: the county's counts,
what ties them (every breakdown adds up to its total; every street intervention met at
least one child; nobody is employed without being referred), which counts are never
published, and each reporting institution's own part (a representative sees theirs
exactly). `protected` hides what `krat.suppression.protect` chooses for it, once per
period: the previous-period and year-earlier columns of a page are those periods' own
patterns, so no column shows a count another page hides.

Each builder reads the periods it is given in a fixed number of queries, whatever their
number and county; the solver runs on what was read.
"""

from __future__ import annotations

import datetime
import hashlib
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from django.db import connection
from django.db.models import Max
from django.utils.translation import get_language

from cases import choices
from cases.choices import (
    MAX_COUNT,
    UNKNOWN,
    Accompanied,
    Citizenship,
    Country,
    Dimension,
    Sex,
    StreetAction,
    StreetActivity,
    VictimStatus,
    victim_categories,
)
from cases.models import AgeGroup, EmploymentFunnel, StreetChildCount, VictimCount, VictimReport
from cases.selectors.age_groups import age_groups_of
from krat import access, caching, disclosure, suppression
from krat.collation import sort_key
from krat.disclosure import AtMost, Figures, Line
from krat.models import County, Institution, ReportingPeriod
from krat.suppression import PATTERN_TIMEOUT, Cell, cells_of, protect

if TYPE_CHECKING:
    from krat.models.base import StrOrPromise

VICTIMS, STREET, EMPLOYMENT = "victims", "street", "employment"
#: The foreign victims of the countries with fewer than k, together (for sharing).
OTHER_COUNTRIES = "other_countries"
#: The part of a victims total whose category in a breakdown was not entered (a cell left
#: empty has no value: it is counted here, never as 0 of a category).
NOT_ENTERED = "not_entered"

#: Counts by figure key: a period's sums, or one institution's own part of them.
Counts = dict[Hashable, int]
#: Each period's institutions' own parts, as read: period id → institution id → counts.
OwnByPeriod = defaultdict[int, defaultdict[int, Counts]]
#: What anyone knows of a figure before it is shown: (at least, at most or None).
Known = dict[Hashable, tuple[int, int | None]]
#: A period's figures and the cells a reader is shown of them.
PeriodCells = tuple[Figures, dict[Hashable, Cell]]


def protected(figures: Figures, *, suppressed: bool) -> dict[Hashable, Cell]:
    """Every published figure as a cell: the protected pattern when `suppressed`, exact
    otherwise. The pattern depends on the figures alone (the same period, the same cells)."""
    return cells_of(figures, protect(figures) if suppressed else set())


def _add(target: Counts, key: Hashable, n: int) -> None:
    target[key] = target.get(key, 0) + n


def _absent(
    values: Mapping[Hashable, int], own: Mapping[int, Counts], keys: Iterable[Hashable] | None = None
) -> frozenset[Hashable]:
    """The figures (of `keys`, else every one) that no institution entered: no value."""
    entered = {key for figures in own.values() for key in figures}
    return frozenset(key for key in (values if keys is None else keys) if key not in entered)


def _periods_by_pk(periods: Iterable[ReportingPeriod | None]) -> dict[int, ReportingPeriod]:
    return {p.pk: p for p in periods if p is not None}


def _counties(periods: dict[int, ReportingPeriod]) -> dict[int, County]:
    """Each period's county, one instance per county: the instances the periods already
    hold (a page's period, the national report's), the others in one query."""
    found: dict[int, County] = {}
    for period in periods.values():
        if ReportingPeriod.county.is_cached(period):
            found.setdefault(period.county_id, period.county)
    missing = {p.county_id for p in periods.values()} - found.keys()
    if missing:
        found.update(County.objects.in_bulk(missing))
    return found


def _age_groups(
    counties: dict[int, County], given: Mapping[int, list[AgeGroup]] | None
) -> dict[int, list[AgeGroup]]:
    """Each county's age groups: those `given` (by county id: what the caller has read
    already), the others in one query."""
    found = {pk: groups for pk, groups in (given or {}).items() if pk in counties}
    missing = [county for pk, county in counties.items() if pk not in found]
    if missing:
        found.update(age_groups_of(missing))
    return found


# --- Victims -----------------------------------------------------------------------------------


def victim_dimensions(age_groups: Sequence[AgeGroup]) -> dict[str, list[str]]:
    """Each breakdown's categories (the fixed ones, the county's age groups, "unknown" last)."""
    return {
        dimension: [value for value, _label in options]
        for dimension, options in victim_categories(age_groups).items()
    }


def victim_figures(
    periods: Iterable[ReportingPeriod | None],
    institution: Institution | None = None,
    *,
    age_groups: Mapping[int, list[AgeGroup]] | None = None,
) -> dict[int, Figures]:
    """The victims figures of each period (both statuses), two queries for all of them (and
    one for the counties' age groups not given in `age_groups`, by county id).

    Keys: (status, "total"), (status, "referred"), (status, dimension, category),
    (status, dimension, "not_entered") — the part of the total whose category was left
    empty —, (status, "country", code) — published for sharing only for a country with k
    or more, the others together under (status, "other_countries"). A figure no
    institution entered has no value (`Figures.absent`).
    """
    by_pk = _periods_by_pk(periods)
    if not by_pk:
        return {}
    reports = VictimReport.objects.filter(period_id__in=by_pk)
    cells = VictimCount.objects.filter(report__period_id__in=by_pk)
    if institution is not None:
        reports = reports.filter(institution=institution)
        cells = cells.filter(report__institution=institution)
    own: OwnByPeriod = defaultdict(lambda: defaultdict(dict))  # period → institution → key → n
    for row in reports.filter(total__isnull=False).values(
        "period_id", "institution_id", "status", "total", "referred"
    ):
        mine = own[row["period_id"]][row["institution_id"]]
        _add(mine, (row["status"], "total"), row["total"])
        if row["referred"] is not None:
            _add(mine, (row["status"], "referred"), row["referred"])
    for cell in cells.values(
        "report__period_id", "report__institution_id", "report__status", "dimension", "category", "count"
    ):
        key = (cell["report__status"], cell["dimension"], cell["category"])
        _add(own[cell["report__period_id"]][cell["report__institution_id"]], key, cell["count"])
    counties = _counties(by_pk)
    groups = _age_groups(counties, age_groups)
    return {
        pk: _victim_figures(
            period, counties[period.county_id], own[pk], victim_dimensions(groups[period.county_id])
        )
        for pk, period in by_pk.items()
    }


def _not_entered(own: Mapping[int, Counts], dimensions: dict[str, list[str]]) -> None:
    """Each institution's part of its totals whose category was left empty, breakdown by
    breakdown (and foreign victims whose country was left empty), so that every
    breakdown still adds up to its total. Only a part of one or more is kept: where the
    cells entered add up to the total, those left empty could only be 0."""
    foreign = (Dimension.CITIZENSHIP.value, Citizenship.FOREIGN.value)
    for figures in own.values():
        for status in VictimStatus.values:
            total = figures.get((status, "total"))
            if total is None:
                continue
            rests = {
                dimension: total
                - sum(figures.get((status, dimension, category), 0) for category in categories)
                for dimension, categories in dimensions.items()
            }
            countries = sum(
                figures.get((status, Dimension.COUNTRY.value, code), 0) for code in Country.values
            )
            rests[Dimension.COUNTRY.value] = figures.get((status, *foreign), 0) - countries
            for dimension, rest in rests.items():
                if rest:
                    figures[(status, dimension, NOT_ENTERED)] = rest


def _shows_not_entered(known: Known, key: Hashable, values: Mapping[Hashable, int]) -> None:
    """A "not entered" part is kept only when it holds someone (`_not_entered`): shown at
    all, it says "one or more", which the attacker knows too."""
    if values[key]:
        known[key] = (1, None)


def _victim_figures(
    period: ReportingPeriod, county: County, own: Mapping[int, Counts], dimensions: dict[str, list[str]]
) -> Figures:
    _not_entered(own, dimensions)
    sums: Counts = {}
    for figures in own.values():
        for key, n in figures.items():
            _add(sums, key, n)
    values: Counts = {}
    lines: list[Line] = []
    bounds: list[AtMost] = []
    known: Known = {}
    unpublished: set[Hashable] = set()
    k = county.small_number_threshold
    foreign = (Dimension.CITIZENSHIP.value, Citizenship.FOREIGN.value)
    for status in VictimStatus.values:
        total, referred = (status, "total"), (status, "referred")
        values[total] = sums.get(total, 0)
        values[referred] = sums.get(referred, 0)
        bounds.append(AtMost([referred], [total]))
        for dimension, categories in dimensions.items():
            keys = [(status, dimension, category) for category in [*categories, NOT_ENTERED]]
            values.update({key: sums.get(key, 0) for key in keys})
            lines.append(Line(keys, total))
            _shows_not_entered(known, keys[-1], values)
        # Foreign victims by country: for sharing, a country with fewer than k is counted
        # under "other countries" (listing it would say "at least one from there").
        countries = [(status, Dimension.COUNTRY.value, code) for code in Country.values]
        values.update({key: sums.get(key, 0) for key in countries})
        few = [key for key in countries if values[key] < k]
        other = (status, OTHER_COUNTRIES)
        values[other] = sum(values[key] for key in few)
        for figures in own.values():
            if any(key in figures for key in few):
                figures[other] = sum(figures.get(key, 0) for key in few)
        unpublished.update(few)
        known.update(dict.fromkeys(few, (0, k - 1)))
        country_rest = (status, Dimension.COUNTRY.value, NOT_ENTERED)
        values[country_rest] = sums.get(country_rest, 0)
        _shows_not_entered(known, country_rest, values)
        lines.append(
            Line([*(key for key in countries if key not in few), other, country_rest], (status, *foreign))
        )
        lines.append(Line(few, other))
    return Figures(
        name=(VICTIMS, period.pk),
        values=values,
        lines=tuple(lines),
        bounds=tuple(bounds),
        k=k,
        unpublished=frozenset(unpublished),
        contributions={inst: dict(figures) for inst, figures in own.items()},
        known=known,
        absent=_absent(values, own),
    )


# --- Children in street situations ----------------------------------------------------------------

#: The breakdowns of the children whose interventions are counted too (unpublished, except
#: the origins met in two or more interventions): each intervention sits in one category.
STREET_DIMENSIONS = ("month", "place", "origin", "activity", "action", "accompanied")
#: Listed only when something happened there (a place, a municipality of origin).
LISTED_WHEN_MET = ("place", "origin")


def street_months(period: ReportingPeriod) -> list[str]:
    months, day = [], period.start_date.replace(day=1)
    while day <= period.end_date:
        months.append(f"{day.year}-{day.month:02d}")
        day = (day + datetime.timedelta(days=32)).replace(day=1)
    return months


def street_figures(
    periods: Iterable[ReportingPeriod | None], *, age_groups: Mapping[int, list[AgeGroup]] | None = None
) -> dict[int, Figures]:
    """The street-children figures of each period, two queries for all of them (and one for
    the counties' age groups not given in `age_groups`, by county id).

    Keys: "total" (children), "interventions", (dimension, category) children for month,
    place, origin (a name, or "unknown"), activity, action, accompanied, sex and age (an
    age group's id or "unknown"), ("sa", "<sex>:<age>") for the sex × age table, and
    ("int", dimension, category) the interventions of each category — published only for
    the origins met in two or more interventions (the "origins that repeat"). A sex or
    age count that no intervention entered has no value (`Figures.absent`); the others
    count interventions and the children they met, so none of them is ever missing.
    """
    by_pk = _periods_by_pk(periods)
    if not by_pk:
        return {}
    # One row per child count, with its intervention (every intervention met a child).
    counts = StreetChildCount.objects.filter(intervention__period_id__in=by_pk).values(
        "intervention_id",
        "intervention__period_id",
        "intervention__institution_id",
        "intervention__date",
        "intervention__place",
        "intervention__origin__name",
        "intervention__activity",
        "intervention__action",
        "intervention__accompanied",
        "intervention__children",
        "sex",
        "age_group_id",
        "count",
    )
    counties = _counties(by_pk)
    groups = _age_groups(counties, age_groups)
    own: OwnByPeriod = defaultdict(lambda: defaultdict(dict))
    seen: set[int] = set()
    for row in counts:
        mine = own[row["intervention__period_id"]][row["intervention__institution_id"]]
        if row["intervention_id"] not in seen:
            seen.add(row["intervention_id"])
            date, children = row["intervention__date"], row["intervention__children"]
            categories = {
                "month": f"{date.year}-{date.month:02d}",
                "place": row["intervention__place"],
                "origin": row["intervention__origin__name"] or UNKNOWN,
                "activity": row["intervention__activity"],
                "action": row["intervention__action"],
                "accompanied": row["intervention__accompanied"],
            }
            _add(mine, "total", children)
            _add(mine, "interventions", 1)
            for dimension, category in categories.items():
                _add(mine, (dimension, category), children)
                _add(mine, ("int", dimension, category), 1)
        # A count entered, 0 included (a cell left empty has no row: no value).
        age = str(row["age_group_id"]) if row["age_group_id"] else UNKNOWN
        _add(mine, ("sa", f"{row['sex']}:{age}"), row["count"])
        _add(mine, ("sex", row["sex"]), row["count"])
        _add(mine, ("age", age), row["count"])
    return {
        pk: _street_figures(
            period, counties[period.county_id], own[pk], [g for g in groups[period.county_id] if g.is_child]
        )
        for pk, period in by_pk.items()
    }


def street_categories(
    period: ReportingPeriod, county: Mapping[Hashable, int], child_groups: Iterable[AgeGroup]
) -> dict[str, list[str]]:
    """Each breakdown's categories in the order the summary shows them."""

    def met(dimension: str) -> list[str]:
        found = {key[1]: n for key, n in county.items() if isinstance(key, tuple) and key[0] == dimension}
        return sorted(found, key=lambda name: (-found[name], sort_key(name)))

    return {
        "month": street_months(period),
        "place": met("place"),
        "origin": met("origin"),
        "activity": list(StreetActivity.values),
        "action": list(StreetAction.values),
        "accompanied": list(Accompanied.values),
        "sex": list(Sex.values),
        "age": [str(g.pk) for g in child_groups] + [UNKNOWN],
    }


def _repeats(values: Mapping[Hashable, int], origin: str, k: int) -> bool:
    """An origin "repeats" (listed with its interventions, for sharing) when it was met in
    k or more interventions (two at least): listing an origin met in fewer would say "at
    least 2" of a count shown "< k" (and of its children, at least as many)."""
    return values[("int", "origin", origin)] >= max(2, k)


def _street_figures(
    period: ReportingPeriod, county: County, own: Mapping[int, Counts], child_groups: list[AgeGroup]
) -> Figures:
    sums: Counts = {}
    for figures in own.values():
        for key, n in figures.items():
            _add(sums, key, n)
    k = county.small_number_threshold
    categories = street_categories(period, sums, child_groups)
    values: Counts = {"total": sums.get("total", 0), "interventions": sums.get("interventions", 0)}
    lines: list[Line] = []
    unpublished: set[Hashable] = set()
    known: Known = {}
    bounds = [AtMost(["interventions"], ["total"]), AtMost(["total"], ["interventions"], MAX_COUNT)]
    for dimension, options in categories.items():
        keys = [(dimension, option) for option in options]
        values.update({key: sums.get(key, 0) for key in keys})
        lines.append(Line(keys, "total"))
        if dimension not in STREET_DIMENSIONS:
            continue
        met = [("int", dimension, option) for option in options]
        values.update({key: sums.get(key, 0) for key in met})
        lines.append(Line(met, "interventions"))
        for option in options:
            children, interventions = (dimension, option), ("int", dimension, option)
            bounds += [AtMost([interventions], [children]), AtMost([children], [interventions], MAX_COUNT)]
            repeated = dimension == "origin" and option != UNKNOWN and _repeats(values, option, k)
            if not repeated:
                unpublished.add(interventions)
            if repeated:
                known[interventions] = (max(2, k), None)
            elif dimension == "origin" and option != UNKNOWN:
                known[interventions] = (1, max(2, k) - 1)  # met, and not listed as repeating
            elif dimension in LISTED_WHEN_MET:
                known[interventions] = (1, None)
    ages = categories["age"]
    values.update({("sa", f"{s}:{a}"): sums.get(("sa", f"{s}:{a}"), 0) for s in Sex.values for a in ages})
    lines += [Line([("sa", f"{s}:{a}") for a in ages], ("sex", s)) for s in Sex.values]
    lines += [Line([("sa", f"{s}:{a}") for s in Sex.values], ("age", a)) for a in ages]
    entered_only = [key for key in values if isinstance(key, tuple) and key[0] in ("sa", "sex", "age")]
    # A period in which no institution recorded an intervention has no street figures at
    # all: its counts are no value, not 0 (a comparison column prints "—").
    absent = _absent(values, own, entered_only) if own else frozenset(values)
    return Figures(
        name=(STREET, period.pk),
        values=values,
        lines=tuple(lines),
        bounds=tuple(bounds),
        k=county.small_number_threshold,
        unpublished=frozenset(unpublished),
        contributions={inst: dict(figures) for inst, figures in own.items()},
        known=known,
        absent=absent,
    )


# --- Employment ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EmploymentFigures(Figures):
    """A period's employment figures, and for each stage (and "assessed") the grid rows
    that left it empty while entering another (`rows_without_value`): its total covers
    only the rows that have a value. A stage no row entered is not counted (its total has
    no value at all). Rows of the grid, not people: never a figure of the set."""

    rows_without_value: Mapping[str, int] = field(default_factory=dict)


def employment_figures(
    periods: Iterable[ReportingPeriod | None],
    institution: Institution | None = None,
    *,
    age_groups: Mapping[int, list[AgeGroup]] | None = None,
) -> dict[int, Figures]:
    """The employment path of each period, one query for all of them (and one for the
    counties' age groups not given in `age_groups`, by county id).

    Keys: (stage, breakdown, category), ("total", stage) and ("total", "assessed"); the
    path's order (nobody interviewed without being received, …) binds every category
    where both stages are entered. A stage left empty has no value: it adds nothing, and
    a figure no row entered has no value (`Figures.absent`). Each period's rows that left
    a stage empty are counted too (`EmploymentFigures.rows_without_value`).
    """
    from cases.selectors.employment import EMPLOYMENT_BREAKDOWNS, OUTCOMES, employment_breakdowns

    by_pk = _periods_by_pk(periods)
    if not by_pk:
        return {}
    rows = EmploymentFunnel.objects.filter(period_id__in=by_pk)
    if institution is not None:
        rows = rows.filter(institution=institution)
    own: OwnByPeriod = defaultdict(lambda: defaultdict(dict))
    # Per period, the rows that left each stage empty, and the stages some row entered.
    empty: defaultdict[int, Counter[str]] = defaultdict(Counter)
    entered: defaultdict[int, set[str]] = defaultdict(set)
    for row in rows.values(
        "period_id", "institution_id", *EMPLOYMENT_BREAKDOWNS.values(), *EmploymentFunnel.STAGES
    ):
        mine = own[row["period_id"]][row["institution_id"]]
        found = {stage for stage in EmploymentFunnel.STAGES if row[stage] is not None}
        if any(stage in found for stage in OUTCOMES):
            found.add("assessed")
        entered[row["period_id"]] |= found
        empty[row["period_id"]].update(stage for stage in EmploymentFunnel.STAGES if stage not in found)
        if not all(stage in found for stage in OUTCOMES):
            empty[row["period_id"]]["assessed"] += 1
        for dimension, field_name in EMPLOYMENT_BREAKDOWNS.items():
            category = UNKNOWN if row[field_name] is None else str(row[field_name])
            for stage in EmploymentFunnel.STAGES:
                if row[stage] is not None:
                    _add(mine, (stage, dimension, category), row[stage])
    counties = _counties(by_pk)
    groups = _age_groups(counties, age_groups)
    return {
        pk: _employment_figures(
            period,
            counties[period.county_id],
            own[pk],
            employment_breakdowns(groups[period.county_id]),
            rows_without_value={stage: n for stage, n in empty[pk].items() if stage in entered[pk]},
        )
        for pk, period in by_pk.items()
    }


def employment_totals(figures: Counts) -> None:
    """Add each stage's total and "assessed" to one institution's or the county's figures
    (a total of nothing entered is left out: no value)."""
    from cases.selectors.employment import OUTCOMES

    for stage in EmploymentFunnel.STAGES:
        # Every employment key is a tuple: (stage, breakdown, category) or ("total", stage).
        entered = [
            n for key, n in figures.items() if isinstance(key, tuple) and key[0] == stage and key[1] == "sex"
        ]
        if entered:
            figures[("total", stage)] = sum(entered)
    outcomes = [figures[("total", s)] for s in OUTCOMES if ("total", s) in figures]
    if outcomes:
        figures[("total", "assessed")] = sum(outcomes)


def _employment_figures(
    period: ReportingPeriod,
    county: County,
    own: Mapping[int, Counts],
    dims: Mapping[str, Iterable[object]],
    rows_without_value: Mapping[str, int] | None = None,
) -> EmploymentFigures:
    from cases.selectors.employment import OUTCOMES

    for figures in own.values():
        employment_totals(figures)
    sums: Counts = {}
    for figures in own.values():
        for key, n in figures.items():
            _add(sums, key, n)
    values: Counts = {}
    lines: list[Line] = []
    bounds: list[AtMost] = []
    for stage in EmploymentFunnel.STAGES:
        values[("total", stage)] = sums.get(("total", stage), 0)
        for dimension, options in dims.items():
            keys = [(stage, dimension, str(option)) for option in options]
            values.update({key: sums.get(key, 0) for key in keys})
            lines.append(Line(keys, ("total", stage)))
    values[("total", "assessed")] = sums.get(("total", "assessed"), 0)
    lines.append(Line([("total", s) for s in OUTCOMES], ("total", "assessed")))
    cells: list[tuple[str, ...]] = [("total",)] + [
        (dimension, str(option)) for dimension, options in dims.items() for option in options
    ]
    for cell in cells:
        for smaller, larger in EmploymentFunnel.BOUNDS:
            bound = AtMost([_stage_key(stage, cell) for stage in smaller], [_stage_key(larger, cell)])
            # A stage bounds the next only where both are entered: the bound is known only
            # where every institution's figures keep it.
            if all(_keeps(bound, figures) for figures in own.values()):
                bounds.append(bound)
    return EmploymentFigures(
        name=(EMPLOYMENT, period.pk),
        values=values,
        lines=tuple(lines),
        bounds=tuple(bounds),
        k=county.small_number_threshold,
        contributions={inst: dict(figures) for inst, figures in own.items()},
        absent=_absent(values, own),
        rows_without_value=dict(rows_without_value or {}),
    )


def _keeps(bound: AtMost, figures: Mapping[Hashable, int]) -> bool:
    small = sum(figures.get(key, 0) for key in bound.small)
    return small <= bound.factor * sum(figures.get(key, 0) for key in bound.large)


def _stage_key(stage: str, cell: tuple[str, ...]) -> tuple[str, ...]:
    return ("total", stage) if cell == ("total",) else (stage, *cell)


# --- The patterns of the periods --------------------------------------------------------------------


class _Builder(Protocol):
    def __call__(
        self,
        periods: Iterable[ReportingPeriod | None],
        *,
        age_groups: Mapping[int, list[AgeGroup]] | None = None,
    ) -> dict[int, Figures]: ...


BUILDERS: dict[str, _Builder] = {
    VICTIMS: victim_figures,
    STREET: street_figures,
    EMPLOYMENT: employment_figures,
}


def period_cells(
    kind: str,
    periods: Sequence[ReportingPeriod | None],
    *,
    suppressed: bool,
    age_groups: Mapping[int, list[AgeGroup]] | None = None,
) -> list[PeriodCells | None]:
    """Each period's figures of `kind` and their cells (None for a missing period), protected
    when `suppressed`; `age_groups` as the builders take them."""
    built = BUILDERS[kind]([p for p in periods if p is not None], age_groups=age_groups)
    return [
        None if period is None else (built[period.pk], protected(built[period.pk], suppressed=suppressed))
        for period in periods
    ]


def first_cells(shown: Sequence[PeriodCells | None]) -> PeriodCells:
    """The cells of the page's own period, first in `shown` and never missing."""
    first = shown[0]
    if first is None:
        raise ValueError("the page's own period is missing")
    return first


def _given(cells: list[PeriodCells | None]) -> list[PeriodCells]:
    """The cells of periods that were all given (`period_cells` has None only for a missing one)."""
    given = [c for c in cells if c is not None]
    if len(given) != len(cells):
        raise ValueError("a period is missing")
    return given


def headline_cells(periods: list[ReportingPeriod]) -> dict[int, dict[str, Cell]]:
    """The national report's figures of each county's period, hidden by each period's own
    pattern (what the county's pages show for sharing): victims, potential victims,
    children in street situations, people received and employed by the labour office."""
    return {pk: found.cells for pk, found in headline_sets(periods).items()}


#: Where each headline figure is in its set: (kind, key).
HEADLINES = {
    "victims": (VICTIMS, (VictimStatus.VICTIM.value, "total")),
    "potential": (VICTIMS, (VictimStatus.POTENTIAL.value, "total")),
    "children": (STREET, "total"),
    "received": (EMPLOYMENT, ("total", "received")),
    "employed": (EMPLOYMENT, ("total", "employed")),
}


@dataclass(frozen=True)
class Headlines:
    """A period's headline cells, the sets they come from ({kind: (figures, cells)}) and
    its victims breakdowns' categories ({dimension: [(category, label)]})."""

    cells: dict[str, Cell]
    sets: dict[str, PeriodCells]
    categories: dict[str, list[tuple[str, StrOrPromise]]]


def headline_sets(
    periods: list[ReportingPeriod], *, age_groups: Mapping[int, list[AgeGroup]] | None = None
) -> dict[int, Headlines]:
    """`headline_cells` with the sets they come from: the national report protects its
    totals against them. `age_groups` by county id, as `_age_groups` takes them."""
    age_groups = _age_groups(_counties(_periods_by_pk(periods)), age_groups)  # once for the three kinds
    # No period is missing here, so every entry has its cells.
    kinds = {
        kind: _given(period_cells(kind, periods, suppressed=True, age_groups=age_groups))
        for kind in (VICTIMS, STREET, EMPLOYMENT)
    }
    found = {}
    for index, period in enumerate(periods):
        sets = {kind: shown[index] for kind, shown in kinds.items()}
        found[period.pk] = Headlines(
            cells={key: sets[kind][1][at] for key, (kind, at) in HEADLINES.items()},
            sets=sets,
            categories=victim_categories(age_groups[period.county_id]),
        )
    return found


@dataclass(frozen=True)
class PublishedHeadlines:
    """A published period's headlines as the national report reads them, and as Django's
    cache keeps them: the headline `cells`, the victims set's cells (its breakdowns are
    printed by county) and the breakdowns' `categories` ({dimension: [(category, label)]},
    labels as text). `fingerprint` names everything they depend on (`_fingerprint`); the
    sets they come from are kept apart under it (`published_sets`)."""

    cells: dict[str, Cell]
    victims: dict[Hashable, Cell]
    categories: dict[str, list[tuple[str, str]]]
    fingerprint: str


def published_headlines(
    periods: list[ReportingPeriod], *, built: dict[int, dict[str, PeriodCells]] | None = None
) -> dict[int, PublishedHeadlines]:
    """`headline_sets` of published periods (`krat.access.period_published`), each kept in
    Django's cache: the national pages read every county's three periods, and building and
    protecting their sets is most of their cost.

    A closed period accepts no write (`cases.services.reporting.check_writable`; the admin
    cannot change its records either), so its headlines change only with the period itself
    (reopened and closed again: a new `version`), its county's threshold, its age groups,
    the language of the labels or the code: all in the key (`_fingerprint`). ValueError for
    a period still open. One query for the age groups, one for the periods' last saves, and
    the figures' queries for the periods not kept. `built`, when given, receives the sets
    of the periods built here (`published_sets` reads them without building them again)."""
    if any(not access.period_published(p) for p in periods):
        raise ValueError("only a published period's headlines are kept")
    counties = _counties(_periods_by_pk(periods))
    age_groups = _age_groups(counties, None)
    saved = _last_saved(periods)
    keys = {
        period.pk: _fingerprint(period, counties[period.county_id], age_groups, saved.get(period.pk))
        for period in periods
    }
    kept = caching.get_many(f"krat:cases-headlines:{key}" for key in keys.values())
    found = {
        pk: kept[f"krat:cases-headlines:{key}"]
        for pk, key in keys.items()
        if f"krat:cases-headlines:{key}" in kept
    }
    missing = [period for period in periods if period.pk not in found]
    if missing:
        made = headline_sets(missing, age_groups=age_groups)
        kept_now = {pk: _published(headlines, keys[pk]) for pk, headlines in made.items()}
        sets = {pk: _observer_sets(headlines) for pk, headlines in made.items()}
        caching.set_many(
            {
                **{f"krat:cases-headlines:{keys[pk]}": kept for pk, kept in kept_now.items()},
                **{f"krat:cases-sets:{keys[pk]}": found_sets for pk, found_sets in sets.items()},
            },
            PATTERN_TIMEOUT,
        )
        found.update(kept_now)
        if built is not None:
            built.update(sets)
    return found


def published_sets(
    periods: list[ReportingPeriod], fingerprints: Mapping[int, str]
) -> dict[int, dict[str, PeriodCells]]:
    """The sets published periods' headlines come from ({kind: (figures, cells)}, by
    period), as `published_headlines` kept them under their `fingerprints`, or built again
    (one read of the cache; the figures' queries for those not kept). Without the
    institutions' own parts: the national tables are audited for the observer, who holds
    none. Kept apart from the headlines (35 kB a period against 4 kB): only the national
    margins read them, and only when those are not kept either."""
    keys = {period.pk: f"krat:cases-sets:{fingerprints[period.pk]}" for period in periods}
    kept = caching.get_many(keys.values())
    found: dict[int, dict[str, PeriodCells]] = {pk: kept[key] for pk, key in keys.items() if key in kept}
    missing = [period for period in periods if period.pk not in found]
    if missing:
        made = {pk: _observer_sets(headlines) for pk, headlines in headline_sets(missing).items()}
        caching.set_many({keys[pk]: sets for pk, sets in made.items()}, PATTERN_TIMEOUT)
        found.update(made)
    return found


def _observer_sets(headlines: Headlines) -> dict[str, PeriodCells]:
    return {
        kind: (replace(figures, contributions={}), cells) for kind, (figures, cells) in headlines.sets.items()
    }


def _published(headlines: Headlines, fingerprint: str) -> PublishedHeadlines:
    return PublishedHeadlines(
        cells=headlines.cells,
        victims=dict(headlines.sets[VICTIMS][1]),
        categories={
            dimension: [(category, str(label)) for category, label in categories]
            for dimension, categories in headlines.categories.items()
        },
        fingerprint=fingerprint,
    )


#: The code a published period's headlines come from: a changed rule is a new key. Not only
#: this module: the breakdowns and the employment path's stages and bounds it reads, and the
#: protection with the attacker's ranges it is checked against (`krat.disclosure`), which a
#: county page runs afresh: kept headlines of the old rule would sit beside its new pattern.
CODE_FILES = (
    Path(__file__),
    Path(__file__).with_name("employment.py"),  # (imports this module: named by its file)
    Path(__file__).with_name("age_groups.py"),
    Path(choices.__file__),
    Path(choices.__file__).with_name("models.py"),
    Path(suppression.__file__),
    Path(disclosure.__file__),
)


def _code_digest(files: Iterable[Path] = CODE_FILES) -> str:
    return caching.source_digest(*files)


_CODE = _code_digest()


def _last_saved(periods: Iterable[ReportingPeriod]) -> dict[int, datetime.datetime]:
    """When each period was last saved (its history's newest entry), by id, in one query."""
    return dict(
        ReportingPeriod.history.filter(id__in=[p.pk for p in periods])
        .order_by()
        .values("id")
        .annotate(last=Max("history_date"))
        .values_list("id", "last")
    )


def _fingerprint(
    period: ReportingPeriod,
    county: County,
    age_groups: Mapping[int, list[AgeGroup]],
    saved: datetime.datetime | None = None,
) -> str:
    """A digest of everything a published period's headlines depend on besides its records,
    which a closed period keeps as they are; `saved` is when the period was last saved
    (`_last_saved`)."""
    parts = (
        _CODE,
        # Two databases may share one cache (the benchmark's scales, a restored copy beside
        # the live one, a copy of the same name on another server), and their ids name
        # different periods.
        connection.settings_dict["HOST"],
        connection.settings_dict["PORT"],
        connection.settings_dict["NAME"],
        period.pk,
        period.version,
        # A database restored from a backup (or flushed and loaded again) gives the same ids
        # and versions again, to other figures: the time of the period's last save is not
        # given again.
        saved,
        period.start_date,
        period.end_date,
        county.pk,
        county.small_number_threshold,
        [(g.pk, g.min_age, g.max_age) for g in age_groups[county.pk]],
        get_language(),
    )
    return hashlib.sha256(repr(parts).encode()).hexdigest()
