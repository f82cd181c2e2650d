"""Reads of period submissions: the representative's to-do list and the completeness board.

A period's board lists the institutions that were members of the table during it, not
today's (`krat.membership.period_members`). A member institution without a submission
row has "not started": the selectors show it
with an unsaved `PeriodSubmission`, so reading never writes. Each selector runs a fixed
number of queries, whatever the number of institutions and periods.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Max, Prefetch, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from krat.collation import albanian
from krat.membership import member_in_period, period_members
from krat.models import (
    County,
    Institution,
    PeriodSubmission,
    ReminderStep,
    ReportingPeriod,
    SubmissionReminder,
    SubmissionState,
    User,
)
from krat.models.base import field_label
from krat.submissions.parts import COMPLETE, PartStatus, part_statuses
from krat.submissions.rules import can_edit_submission

if TYPE_CHECKING:
    from krat.selectors import DashboardPanel


class BoardState(models.TextChoices):
    """What the board and the to-do page show: the stored state, with "submitted" split
    by the deadline."""

    NOT_STARTED = "not_started", _("not started")
    DRAFT = "draft", _("draft")
    ON_TIME = "submitted_on_time", _("submitted on time")
    LATE = "submitted_late", _("submitted late")
    RETURNED = "returned", _("returned")
    APPROVED = "approved", _("approved")


def board_state(submission: PeriodSubmission) -> BoardState:
    if submission.state == SubmissionState.SUBMITTED:
        return BoardState.LATE if submission.is_late else BoardState.ON_TIME
    return BoardState(submission.state)


@dataclass
class SubmissionRow:
    """One institution's submission for one period, as the board and the to-do page show it."""

    period: ReportingPeriod
    institution: Institution
    submission: PeriodSubmission  # unsaved when the institution has not started
    state: BoardState
    parts: list[PartStatus]
    is_overdue: bool
    empty_sections: list[str] = field(default_factory=list)
    #: The day the institution's representatives were last reminded of this period (the
    #: board reads it; None: never, or not read).
    last_reminded: datetime.date | None = None

    @property
    def label(self) -> str:
        return str(self.state.label)

    @property
    def is_complete(self) -> bool:
        return self.submission.is_complete

    @property
    def is_started(self) -> bool:
        """Something is saved: the narrative, or figures of one of its parts."""
        return self.submission.pk is not None or self.state != BoardState.NOT_STARTED

    @property
    def missing_parts(self) -> list[PartStatus]:
        return [p for p in self.parts if p.is_missing]

    @property
    def is_editable(self) -> bool:
        """Open period and a state the institution may still change."""
        return self.submission.is_editable_state and not self.period.is_closed

    @property
    def missing_count(self) -> int:
        return len(self.empty_sections) + len(self.missing_parts)


def _rows(
    period_institutions: list[tuple[ReportingPeriod, Institution]],
    stored: dict[tuple[int, int], PeriodSubmission],
    today: datetime.date,
    *,
    hide_case_parts: bool = False,
) -> list[SubmissionRow]:
    submissions = []
    marks: dict[tuple[int, int], set[str]] = {}
    for period, institution in period_institutions:
        submission = stored.get((period.pk, institution.pk)) or PeriodSubmission(
            period=period, institution=institution
        )
        submission.period, submission.institution = period, institution
        submissions.append(submission)
        if submission.pk:
            marks[(period.pk, institution.pk)] = {
                m.part_key for m in submission.parts_nothing_to_report.all()
            }
    rows = []
    # Parts are asked per period, since a part's state depends on the period.
    by_period: dict[int, list[PeriodSubmission]] = {}
    for submission in submissions:
        by_period.setdefault(submission.period.pk, []).append(submission)
    statuses: dict[tuple[int, int], list[PartStatus]] = {}
    for period_id, group in by_period.items():
        period_marks = {s.institution_id: marks.get((period_id, s.institution_id), set()) for s in group}
        for institution_id, found in part_statuses(group, period_marks).items():
            statuses[(period_id, institution_id)] = found
    labels = {name: str(field_label(PeriodSubmission, name)) for name in _section_names()}
    for submission in submissions:
        key = (submission.period.pk, submission.institution.pk)
        shown = [s for s in statuses.get(key, []) if not (hide_case_parts and s.part.case_figures)]
        state = board_state(submission)
        if submission.pk is None and any(s.state == COMPLETE for s in shown):
            # Figures saved before the narrative was opened: the report is under way, not
            # "not started" (issue 20.1). No row is written by reading it. Only the parts
            # the reader is shown count: an observer must not see an open period's case
            # figures turn a report "started" (`krat.access.figures_published`).
            state = BoardState.DRAFT
        rows.append(
            SubmissionRow(
                period=submission.period,
                institution=submission.institution,
                submission=submission,
                state=state,
                parts=shown,
                is_overdue=not submission.is_complete and today > submission.period.deadline,
                empty_sections=[labels[name] for name in submission.empty_sections()],
            )
        )
    return rows


def _section_names() -> list[str]:
    from krat.models.submission import SECTIONS

    return SECTIONS


def _with_marks(queryset: QuerySet[PeriodSubmission]) -> QuerySet[PeriodSubmission]:
    return queryset.select_related("reviewed_by", "submitted_by").prefetch_related(
        Prefetch("parts_nothing_to_report")
    )


@dataclass
class Board:
    """The completeness board of one period."""

    period: ReportingPeriod
    rows: list[SubmissionRow]
    #: The parts that tell of case figures were left out for this reader (the period's
    #: figures are not published to them yet).
    case_parts_hidden: bool = False

    @property
    def total(self) -> int:
        return len(self.rows)

    @property
    def complete(self) -> int:
        return sum(1 for row in self.rows if row.is_complete)

    @property
    def percent(self) -> int:
        """Share of member institutions whose submission is submitted or approved."""
        return round(100 * self.complete / self.total) if self.total else 0

    @property
    def overdue(self) -> list[SubmissionRow]:
        return [row for row in self.rows if row.is_overdue]

    @property
    def incomplete(self) -> list[SubmissionRow]:
        """The institutions whose report is not in yet (they may be reminded)."""
        return [row for row in self.rows if not row.is_complete]

    def count(self, state: BoardState) -> int:
        return sum(1 for row in self.rows if row.state == state)

    def counts(self) -> list[tuple[str, int]]:
        return [(str(state.label), self.count(state)) for state in BoardState]


def submission_board(
    *, period: ReportingPeriod, today: datetime.date | None = None, hide_case_parts: bool = False
) -> Board:
    """Every institution expected to report for the period (a member of the table on a day
    of it, `krat.membership`) with its submission state. `hide_case_parts`: leave out the
    parts whose state tells of case figures (`SubmissionPart.case_figures`), for a reader
    to whom the period's figures are not published (`krat.access.figures_published`)."""
    today = today or timezone.localdate()
    members = list(period_members(period).select_related("county").order_by(albanian("name")))
    stored = {
        (period.pk, s.institution_id): s
        for s in _with_marks(period.submissions.filter(institution__in=[m.pk for m in members]))
    }
    rows = _rows([(period, m) for m in members], stored, today, hide_case_parts=hide_case_parts)
    reminded = last_reminded(period=period)
    for row in rows:
        row.last_reminded = reminded.get(row.institution.pk)
    return Board(period=period, rows=rows, case_parts_hidden=hide_case_parts)


def last_reminded(*, period: ReportingPeriod) -> dict[int, datetime.date]:
    """Institution id → the last day its representatives were reminded of `period` (before
    or after the deadline, or from the board). One query."""
    return dict(
        SubmissionReminder.objects.filter(period=period)
        .exclude(step=ReminderStep.CHAIR_MISSING)
        .values("institution_id")
        .annotate(last=Max("sent_on"))
        .values_list("institution_id", "last")
    )


def submission_todo(*, user: User, today: datetime.date | None = None) -> list[SubmissionRow]:
    """What the person's institution owes: each open period of the county it was a member
    of the table during, its state, deadline and what is still missing. Empty for someone
    who writes for no institution."""
    today = today or timezone.localdate()
    institution = user.institution if user.institution_id else None
    if institution is None or not can_edit_submission(user, institution):
        return []
    periods = list(
        ReportingPeriod.objects.filter(
            member_in_period(institution), county_id=institution.county_id, is_closed=False
        )
        .select_related("county")
        .order_by("deadline")
    )
    stored = {
        (s.period_id, institution.pk): s
        for s in _with_marks(PeriodSubmission.objects.filter(institution=institution, period__in=periods))
    }
    return _rows([(p, institution) for p in periods], stored, today)


def report_in_hand(*, user: User, today: datetime.date | None = None) -> SubmissionRow | None:
    """The report a representative is working on: of their institution's open periods, the
    first by deadline that is not in yet (else the first, submitted or approved), or None
    for someone who writes for no institution or has no open period. Their home page."""
    rows = submission_todo(user=user, today=today)
    return next((row for row in rows if not row.is_complete), rows[0] if rows else None)


def report_url(row: SubmissionRow) -> str:
    """The page of the row's report: the stored one, or the one to start."""
    if row.submission.pk:
        return reverse("krat:submission_detail", args=[row.submission.pk])
    return reverse("krat:submission_open", args=[row.period.pk, row.institution.pk])


def submission_board_row(
    *,
    period: ReportingPeriod,
    institution: Institution,
    today: datetime.date | None = None,
    hide_case_parts: bool = False,
) -> SubmissionRow:
    """One institution's row: its state, what is missing and its parts (`hide_case_parts`
    as for `submission_board`)."""
    today = today or timezone.localdate()
    found = _with_marks(PeriodSubmission.objects.filter(period=period, institution=institution)).first()
    stored = {(period.pk, institution.pk): found} if found else {}
    return _rows([(period, institution)], stored, today, hide_case_parts=hide_case_parts)[0]


def dashboard_panel(*, user: User, county: County, period: ReportingPeriod | None) -> DashboardPanel | None:
    """The dashboard card: a representative's own state, or the county's share complete."""
    from krat import access
    from krat.selectors import DashboardPanel

    context: dict[str, Any] = {"county": county, "period": period}
    own = user.institution if user.institution_id and user.county_id == county.pk else None
    if period is not None:
        if own is not None and not access.can_read_whole_county(user, county):
            context["row"] = submission_board_row(period=period, institution=own)
        elif access.can_read_whole_county(user, county):
            members = period_members(period)
            total = members.count()
            complete = PeriodSubmission.objects.filter(
                period=period,
                institution__in=members,
                state__in=[SubmissionState.SUBMITTED, SubmissionState.APPROVED],
            ).count()
            context.update(
                total=total, complete=complete, percent=round(100 * complete / total) if total else 0
            )
        else:
            return None
    return DashboardPanel(
        title=str(_("Period reports")), template="krat/submission_panel.html", context=context
    )
