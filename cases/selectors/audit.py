"""The audit of what one reader can obtain for a period (issue 15): every hidden count's
range as the attacker with a solver finds it, and whether it reveals more than its mark.

`gather` reads what the reader can reach with the very selectors the pages, exports,
charts and API use — the period summaries (with their previous-period and year-earlier
columns and charts), the dashboard card, the period report for sharing, the national
report — and collects every count they show by the figure it names (`Cell.key`). A count
shown in one place and hidden in another counts as shown. `audit_period` then rebuilds
each set of figures (`cases.selectors.figures`), treats what the reader never sees as
unknown, and asks `krat.disclosure` for every hidden count's range: for an observer and
for whoever receives the report for sharing, as they are; for a representative, with
their own institution's figures known exactly (they see them on their pages).
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Hashable
from dataclasses import dataclass, field, replace

from cases.selectors.employment import employment_summary
from cases.selectors.figures import BUILDERS
from cases.selectors.reporting import PeriodReference, period_reference
from cases.selectors.street import street_children_summary
from cases.selectors.victims import victims_summary
from krat.disclosure import LARGE, SMALL, Check, Figures, Judge, Reader, hidden_keys
from krat.models import County, Institution, ReportingPeriod
from krat.suppression import Cell

#: The readers the audit knows: an observer of the county, a national observer, a
#: representative of an institution ("representative:<id>"), the report for sharing.
READERS = ("observer", "national", "sharing")
#: What a reader obtains: {figures name: {key: the number shown, or the mark of a hidden one}}.
Found = dict[tuple[str, int], dict[Hashable, int | str]]


@dataclass(frozen=True)
class Audit:
    """The audit of one period for one reader: each hidden count's range (`checks`)."""

    reader: str
    period: int
    checks: list[Check] = field(default_factory=list)
    figures: int = 0  # sets of figures audited

    @property
    def failures(self) -> list[Check]:
        return [check for check in self.checks if not check.ok]

    @property
    def ok(self) -> bool:
        return not self.failures


def collect(shown: object, found: Found | None = None) -> Found:
    """Every named count in `shown` (dicts, lists, tuples, dataclasses, cells), as {figures name: {key:
    number or mark}}; a count shown anywhere counts as shown."""
    found = defaultdict(dict) if found is None else found
    stack: list[object] = [shown]
    while stack:
        item = stack.pop()
        if isinstance(item, Cell):
            if item.key is None or item.value is None:  # item.is_empty
                continue  # no value: the figures say so themselves (`Figures.absent`)
            # A shown count's key is (its figures' name, its key in them): `krat.suppression.cells_of`.
            assert isinstance(item.key, tuple)
            name, key = item.key
            mark = (SMALL if item.text.startswith("<") else LARGE) if item.hidden else item.value
            if not isinstance(found[name].get(key), int):
                found[name][key] = mark
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif dataclasses.is_dataclass(item) and not isinstance(item, type):
            stack.extend(getattr(item, f.name) for f in dataclasses.fields(item))
        elif isinstance(item, list | tuple):
            stack.extend(item)
    return found


def gather(
    county: County, period: ReportingPeriod, reader: str, *, reference: PeriodReference | None = None
) -> Found:
    """What `reader` can obtain of the period's figures, by the selectors that publish them
    (`reference`: what the caller read of the period already)."""
    from cases.selectors.dashboard import _shared as dashboard_figures

    reference = reference or period_reference(county, period)
    found: Found = defaultdict(dict)
    if reader == "sharing":
        from cases.report import period_data_sections

        collect(period_data_sections(county, period, shared=True, reference=reference), found)
        return found
    # The pages, their exports and the API's street summary show these (hidden for every
    # reader who does not see exact figures); the dashboard card shows the period's totals.
    for read in (victims_summary, street_children_summary, employment_summary):
        collect(read(county, period, suppressed=True, reference=reference), found)
    collect(dashboard_figures(county, period), found)
    if reader == "national":
        from krat.report.selectors import national_report

        collect(national_report(period.start_date).rows, found)
    return found


def audit_period(county: County, period: ReportingPeriod, reader: str) -> Audit:
    """Every hidden count the reader can obtain for the period, with its attacker range.

    `reader`: "observer", "national", "sharing" or "representative:<institution id>"
    (their institution's own figures known exactly, as their pages show them)."""
    institution = _institution(county, reader)
    reference = period_reference(county, period)
    found = gather(county, period, "observer" if institution is not None else reader, reference=reference)
    periods = {p.pk: p for p in [period, *reference.comparison.periods] if p is not None}
    for name in found:  # the national report may name another county's period
        if name[1] not in periods:
            periods[name[1]] = ReportingPeriod.objects.select_related("county").get(pk=name[1])
    by_kind: dict[str, list[ReportingPeriod]] = defaultdict(list)
    for kind, pk in found:
        by_kind[kind].append(periods[pk])
    checks: list[Check] = []
    count = 0
    for kind, wanted in sorted(by_kind.items()):
        for pk, figures in sorted(
            BUILDERS[kind](wanted, age_groups={county.pk: reference.age_groups}).items()
        ):
            marks = found[(kind, pk)]
            # What the reader never sees is unknown to them.
            unseen = frozenset(key for key in figures.values if key not in marks)
            figures = replace(figures, unpublished=figures.unpublished | unseen)
            who = _reader(figures, reader, institution)
            count += 1
            if not who.others:
                continue  # they know every figure of the set already: nothing to learn
            judge = Judge(figures, marks, who)
            checks += [replace(judge.check(key), key=(figures.name, key)) for key in hidden_keys(marks)]
    return Audit(reader=reader, period=period.pk, checks=checks, figures=count)


def _institution(county: County, reader: str) -> Institution | None:
    if reader.startswith("representative:"):
        return Institution.objects.get(county=county, pk=int(reader.split(":", 1)[1]))
    if reader not in READERS:
        raise ValueError(f"unknown reader {reader!r}")
    return None


def _reader(figures: Figures, reader: str, institution: Institution | None) -> Reader:
    if institution is None:
        return Reader(reader)
    own = figures.contributions.get(institution.pk, {})
    others = any(pk != institution.pk for pk in figures.contributions)
    return Reader(reader, own={key: n for key, n in own.items() if n}, others=others)
