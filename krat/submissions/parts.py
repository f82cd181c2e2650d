"""The structured parts of a period submission that other apps contribute.

An app registers a part once, at start-up (in its `AppConfig.ready`):

    register_part(SubmissionPart(
        key="actionplan.progress",
        title=_("Action plan progress"),
        applies_to=lambda institution: ...,          # does this institution report it?
        state=lambda submission: "complete" | "missing" | "nothing_to_report",
        url=lambda submission: reverse(...),         # where the institution fills it in
        states=None,                                 # optional bulk form, see below
    ))

`state` gets a `PeriodSubmission` whose `period` and `institution` are set; on the
board it may be unsaved (the institution has not started). A representative may mark
an applicable part "nothing to report" (`PartNothingToReport`); that mark wins over
`state`. The board calls `states(submissions) -> {institution_id: state}` once when a
part gives it, else `state` once per institution (a query each: give `states`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from krat.models import Institution, PeriodSubmission
    from krat.models.base import StrOrPromise

COMPLETE = "complete"
MISSING = "missing"
NOTHING_TO_REPORT = "nothing_to_report"
PART_STATES = (COMPLETE, MISSING, NOTHING_TO_REPORT)


@dataclass(frozen=True)
class SubmissionPart:
    key: str
    title: StrOrPromise
    applies_to: Callable[[Institution], bool]
    state: Callable[[PeriodSubmission], str]
    url: Callable[[PeriodSubmission], str]
    states: Callable[[list[PeriodSubmission]], dict[int, str]] | None = None
    # Bulk form of applies_to for one period's submissions: the institution ids it applies to.
    applicable: Callable[[list[PeriodSubmission]], set[int]] | None = None
    # Whether the part's state tells of case figures ("entered", "nothing to report": an
    # institution's victims, say). Such a state is a case figure under the publication rule
    # (`krat.access.figures_published`): a reader watching the board of an open period
    # would otherwise see an institution's part turn from missing to entered.
    case_figures: bool = False


_registry: dict[str, SubmissionPart] = {}


def register_part(part: SubmissionPart) -> SubmissionPart:
    """Add (or replace, by key) a part; returns it so it can serve as a decorator result."""
    _registry[part.key] = part
    return part


def unregister_part(key: str) -> None:
    _registry.pop(key, None)


def registered_parts() -> list[SubmissionPart]:
    return list(_registry.values())


def part(key: str) -> SubmissionPart | None:
    return _registry.get(key)


def parts_for(institution: Institution) -> list[SubmissionPart]:
    """The registered parts that apply to `institution`, in registration order."""
    return [p for p in _registry.values() if p.applies_to(institution)]


@dataclass
class PartStatus:
    part: SubmissionPart
    state: str
    url: str

    @property
    def is_missing(self) -> bool:
        return self.state == MISSING

    @property
    def is_nothing_to_report(self) -> bool:
        return self.state == NOTHING_TO_REPORT


def part_statuses(
    submissions: Iterable[PeriodSubmission], marked: dict[int, set[str]]
) -> dict[int, list[PartStatus]]:
    """Each submission's applicable parts with their state, keyed by institution id.

    `marked` maps an institution id to the part keys marked "nothing to report".
    Bounded: one call per part when the part gives `states`.
    """
    submissions = list(submissions)
    result: dict[int, list[PartStatus]] = {s.institution_id: [] for s in submissions}
    for p in registered_parts():
        if p.applicable is not None:
            ids = p.applicable(submissions) if submissions else set()
            applicable = [s for s in submissions if s.institution_id in ids]
        else:
            applicable = [s for s in submissions if p.applies_to(s.institution)]
        if not applicable:
            continue
        bulk = p.states(applicable) if p.states is not None else None
        for submission in applicable:
            state = bulk.get(submission.institution_id, MISSING) if bulk is not None else p.state(submission)
            if state not in PART_STATES:
                state = MISSING
            # "Nothing to report" stands for a part with nothing in it: figures entered after
            # the mark was set are what the part holds (the county's tables count them).
            if state != COMPLETE and p.key in marked.get(submission.institution_id, set()):
                state = NOTHING_TO_REPORT
            result[submission.institution_id].append(PartStatus(part=p, state=state, url=p.url(submission)))
    return result
