"""Reads of the period coordination report and the national report: bounded queries.

The core writes three sections of the period report (the summary, the institutions and
the annex); the apps contribute the others through `krat.contributions` (each app's
`report.py`), and `period_report` composes them in order, giving each builder one
`ReportContext`. The preview page, the PDF and the workbook all render its output, so
they never reach the database themselves.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from krat import contributions, generations
from krat.choices import Role, label_of
from krat.collation import albanian, sort_key
from krat.contributions import ReportContext, ReportSection
from krat.membership import period_members
from krat.models import (
    County,
    FinalReport,
    Institution,
    PartNothingToReport,
    PeriodReport,
    PeriodSubmission,
    ReportingPeriod,
    SubmissionState,
    TableMembership,
    User,
)

# The national report lives in its own module; its reads are re-exported here.
from krat.report.national import headline_labels as headline_labels
from krat.report.national import national_periods as national_periods
from krat.report.national import national_report as national_report
from krat.spreadsheets import Sheet
from krat.submissions.selectors import Board, SubmissionRow, board_state, submission_board


def _chair_name(county: County) -> str:
    chair = (
        User.objects.filter(county=county, role=Role.CHAIR, is_active=True)
        .order_by(albanian("last_name"), albanian("first_name"), "pk")
        .first()
    )
    if chair is None:
        return ""
    name = chair.get_full_name() or chair.username
    return f"{name}, {chair.job_title}" if chair.job_title else name


def _day(value: datetime.date | None) -> datetime.date | None:
    """A date as a date cell (shown 25.04.2018), or an empty cell."""
    return value or None


# --- 1. Summary -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Summary:
    text: str
    version: int | None
    has_data: bool


def _stored_report(period: ReportingPeriod) -> PeriodReport | None:
    """The period's saved summary: read with the period when the view selected it
    (`select_related("coordination_report")`), else here."""
    try:
        return period.coordination_report
    except PeriodReport.DoesNotExist:
        return None


def _summary(context: ReportContext) -> Summary:
    stored = _stored_report(context.period)
    return Summary(
        text=stored.summary if stored else "",
        version=stored.version if stored else None,
        has_data=bool(stored and stored.summary.strip()),
    )


# --- 2. Institutions ------------------------------------------------------------------------


@dataclass(frozen=True)
class InstitutionRow:
    name: str
    state: str
    state_label: str
    submitted_at: datetime.datetime | None  # local time
    overdue: bool


@dataclass(frozen=True)
class StateCount:
    label: str
    count: int


@dataclass(frozen=True)
class Institutions:
    rows: list[InstitutionRow]
    total: int
    complete: int
    percent: int
    counts: list[StateCount]
    has_data: bool


def _submissions(context: ReportContext) -> list[PeriodSubmission]:
    """Every submission of the period with its institution (one query): the institutions'
    states and the annex's narratives both read them."""
    submissions: list[PeriodSubmission] = context.once(
        "krat.submissions",
        lambda: [
            _with_period(s, context.period)
            for s in PeriodSubmission.objects.filter(period=context.period).select_related("institution")
        ],
    )
    return submissions


def _with_period(submission: PeriodSubmission, period: ReportingPeriod) -> PeriodSubmission:
    submission.period = period  # read already: its deadline says whether it came late
    return submission


def _board(context: ReportContext) -> Board:
    """The completeness board's states without the parts (the report shows no part): the
    period's members, each with its submission or an unsaved one (two queries)."""
    period = context.period
    members = list(period_members(period).order_by(albanian("name")))
    stored = {s.institution_id: s for s in _submissions(context)}
    rows = []
    for institution in members:
        submission = stored.get(institution.pk) or PeriodSubmission(period=period, institution=institution)
        rows.append(
            SubmissionRow(
                period=period,
                institution=institution,
                submission=submission,
                state=board_state(submission),
                parts=[],
                is_overdue=not submission.is_complete and context.today > period.deadline,
            )
        )
    return Board(period=period, rows=rows)


def _institutions(context: ReportContext) -> Institutions:
    board = _board(context)
    rows = [
        InstitutionRow(
            name=row.institution.name,
            state=str(row.state),
            state_label=row.label,
            submitted_at=timezone.localtime(row.submission.submitted_at)
            if row.submission.submitted_at
            else None,
            overdue=row.is_overdue,
        )
        for row in board.rows
    ]
    return Institutions(
        rows=rows,
        total=board.total,
        complete=board.complete,
        percent=board.percent,
        counts=[StateCount(label=label, count=n) for label, n in board.counts() if n],
        has_data=bool(rows),
    )


def _institution_sheets(data: Institutions) -> list[Sheet]:
    return [
        Sheet(
            title=_("Institutions"),
            headers=[_("Institution"), _("State"), _("Submitted at")],
            rows=[
                [r.name, r.state_label, _day(r.submitted_at.date()) if r.submitted_at else ""]
                for r in data.rows
            ],
        )
    ]


# --- Annex ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Narrative:
    label: str
    text: str
    nothing: bool


@dataclass(frozen=True)
class AnnexRow:
    institution: str
    state_label: str
    sections: list[Narrative]


@dataclass(frozen=True)
class Annex:
    rows: list[AnnexRow]
    has_data: bool


def _annex(context: ReportContext) -> Annex:
    submitted = sorted(
        (
            s
            for s in _submissions(context)
            if s.state in (SubmissionState.SUBMITTED, SubmissionState.APPROVED)
        ),
        key=lambda s: sort_key(s.institution.name),
    )
    rows = [
        AnnexRow(
            institution=submission.institution.name,
            state_label=label_of(SubmissionState, submission.state),
            sections=[
                Narrative(label=label, text=text, nothing=nothing)
                for _name, label, text, nothing in submission.sections()
            ],
        )
        for submission in submitted
    ]
    return Annex(rows=rows, has_data=bool(rows))


#: The core's own sections; the apps' come between them (`krat.contributions`).
CORE_SECTIONS = (
    ReportSection(
        key="summary",
        order=10,
        title=lambda: _("Summary of the secretariat"),
        build=_summary,
        template="krat/report_section_summary.html",
        models=(PeriodReport,),
    ),
    ReportSection(
        key="institutions",
        order=20,
        title=lambda: _("Member institutions and their submissions"),
        build=_institutions,
        template="krat/report_section_institutions.html",
        sheets=_institution_sheets,
        models=(Institution, TableMembership, PeriodSubmission),
    ),
    ReportSection(
        key="annex",
        order=90,
        title=lambda: _("Annex: narratives of the institutions"),
        build=_annex,
        template="krat/report_section_annex.html",
        models=(Institution, PeriodSubmission, PartNothingToReport),
        new_page=True,
    ),
)


def sections() -> list[ReportSection]:
    """The report's sections in the order it reads (the core's and the apps')."""
    return contributions.report_sections(CORE_SECTIONS)


def section_titles() -> dict[str, str]:
    """The section headings by key, translated in the active language."""
    return {section.key: section.title() for section in sections()}


# --- The whole report -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FinalVersion:
    """One finalised version of a period's report as the preview lists it, without its PDF
    (`size` is the PDF's length in bytes). `created_by_name`: who finalised it, first and
    last name; `shared`: made for sharing (small numbers hidden), else the table's version
    with exact figures; `language`: the PDF's ("sq", "en")."""

    pk: int
    number: int
    created_at: datetime.datetime
    created_by_name: str
    reason: str
    shared: bool
    language: str
    sha256: str
    size: int


def final_versions(period: ReportingPeriod, *, exact: bool) -> list[FinalVersion]:
    """The period's finalised versions, newest first; the table's versions (made with
    exact figures) only when the reader sees exact figures (`exact`). One query."""
    versions = FinalReport.objects.filter(period=period)
    if not exact:
        versions = versions.filter(shared=True)
    rows = versions.order_by("-number").values_list(
        "pk",
        "number",
        "created_at",
        "created_by__first_name",
        "created_by__last_name",
        "reason",
        "shared",
        "language",
        "sha256",
        "size",
    )
    return [
        FinalVersion(
            pk=pk,
            number=number,
            created_at=created_at,
            created_by_name=f"{first} {last}",
            reason=reason,
            shared=shared,
            language=language,
            sha256=sha256,
            size=size,
        )
        for pk, number, created_at, first, last, reason, shared, language, sha256, size in rows
    ]


@dataclass(frozen=True)
class CountyHeading:
    """The county as the report's cover, headers and file name name it; `k`: its
    small-number threshold (counts from 1 to k−1 are hidden when the report is shared)."""

    pk: int
    name: str
    slug: str
    prefecture_name: str
    prefecture_address: str
    k: int


@dataclass(frozen=True)
class PeriodHeading:
    """The period as the report's cover and headers name it: its label, first and last day,
    the institutions' deadline and whether it is closed."""

    pk: int
    label: str
    start: datetime.date
    end: datetime.date
    deadline: datetime.date
    is_closed: bool


@dataclass(frozen=True)
class SectionHeading:
    """A section as the contents list it: its key (the anchor), number (from 1) and title;
    the template that writes its body and whether the PDF starts it on a new page
    (`krat.contributions.ReportSection`)."""

    key: str
    number: int
    title: str
    template: str
    new_page: bool


@dataclass(frozen=True)
class SectionBody:
    """A section as the report's body writes it (`templates/krat/report_body.html`): its
    heading, then its template given its data."""

    heading: SectionHeading
    data: Any


@dataclass(frozen=True)
class CoordinationReport:
    """Everything the coordination report of one period shows, in order (`period_report`).

    `sections` are the contents, in the order the report reads; `data[key]` is each
    section's data, what its builder returns (`krat.contributions.ReportSection.build`: a
    frozen dataclass with `has_data`); `chair` the chair's name and job title ("" when the
    county has none); `today` the report's date; `shared` whether small numbers are hidden."""

    county: CountyHeading
    period: PeriodHeading
    chair: str
    today: datetime.date
    shared: bool
    sections: tuple[SectionHeading, ...]
    data: Mapping[str, Any]

    @property
    def numbers(self) -> dict[str, int]:
        """Each section's number by key (the headings print it)."""
        return {s.key: s.number for s in self.sections}

    @property
    def titles(self) -> dict[str, str]:
        """Each section's title by key, in the language the report was built in."""
        return {s.key: s.title for s in self.sections}

    @property
    def body(self) -> list[SectionBody]:
        """Each section with its data, in order: what the preview and the PDF write."""
        return [SectionBody(heading=s, data=self.data[s.key]) for s in self.sections]

    @property
    def new_pages(self) -> list[str]:
        """The keys of the sections the PDF starts on a new page."""
        return [s.key for s in self.sections if s.new_page]


def period_report(
    county: County,
    period: ReportingPeriod,
    *,
    shared: bool,
    published: bool = True,
    today: datetime.date | None = None,
    kept: bool = False,
) -> CoordinationReport:
    """Everything the coordination report of `period` shows, in order (`CoordinationReport`).

    `shared=True` applies the county's small-number rule to every count table. A section
    without data carries `has_data=False` and prints "no data reported"; nothing here
    raises for an empty period. `published=False` (`krat.access.figures_published`): the
    period's case figures are not the reader's yet; their sections say so and give none.
    A fixed number of queries, whatever the data.

    `kept=True` (the preview page): each section that names the models it reads takes its
    data from Django's cache, kept under their generations in the county
    (`krat.generations.kept`). What is printed, exported or signed is built afresh.
    """
    today = today or timezone.localdate()
    context = ReportContext(
        county=county,
        period=period,
        shared=shared,
        published=published,
        today=today,
        periods=tuple(ReportingPeriod.objects.filter(county=county).order_by("start_date")),
    )
    found = sections()
    return CoordinationReport(
        county=CountyHeading(
            pk=county.pk,
            name=county.name,
            slug=county.slug,
            prefecture_name=county.prefecture_name,
            prefecture_address=county.prefecture_address,
            k=county.small_number_threshold,
        ),
        period=PeriodHeading(
            pk=period.pk,
            label=period.label,
            start=period.start_date,
            end=period.end_date,
            deadline=period.deadline,
            is_closed=period.is_closed,
        ),
        chair=_chair_name(county),
        today=today,
        shared=shared,
        sections=tuple(
            SectionHeading(key=s.key, number=i + 1, title=s.title(), template=s.template, new_page=s.new_page)
            for i, s in enumerate(found)
        ),
        data=_built(found, context, kept=kept),
    )


def _built(sections: list[ReportSection], context: ReportContext, *, kept: bool) -> dict[str, Any]:
    """Each section's `build(context)` by key, or what was kept of it (see `period_report`;
    one read of the cache for them all). The key holds what else it depends on: the
    county's and the period's ids, the period's version (the county and its other periods
    through the generations of `County` and `ReportingPeriod`), whether small numbers are
    hidden and the figures published to the reader, the day and the language."""
    if not kept:
        return {section.key: section.build(context) for section in sections}
    county, period = context.county, context.period
    inputs = (
        county.pk,
        period.pk,
        period.version,
        context.shared,
        context.published,
        context.today,
        translation.get_language(),
    )
    wanted = [s for s in sections if s.models]
    values = generations.kept_many(
        [
            generations.Kept(
                name=f"report-section:{section.key}",
                inputs=inputs,
                models=(*section.models, County, ReportingPeriod),
                counties=[county.pk],
                compute=functools.partial(section.build, context),
            )
            for section in wanted
        ]
    )
    found = dict(zip([s.key for s in wanted], values, strict=True))
    return {
        section.key: found[section.key] if section.key in found else section.build(context)
        for section in sections
    }


def finalise_gaps(period: ReportingPeriod) -> list[str]:
    """What the period's report lacks, for the chair to read before finalising: the member
    institutions whose report is not in (as of the period's own membership), an empty
    summary of the secretariat, a period still open (its figures may still change).
    Finalising stays allowed; the chair decides with this in front of them."""
    gaps: list[str] = []
    board = submission_board(period=period)
    if board.complete < board.total:
        gaps.append(
            ngettext(
                "Only %(complete)d of %(total)d member institution has submitted its report.",
                "Only %(complete)d of %(total)d member institutions have submitted their report.",
                board.total,
            )
            % {"complete": board.complete, "total": board.total}
        )
    stored = _stored_report(period)
    if stored is None or not stored.summary.strip():
        gaps.append(_("The secretariat's summary is empty."))
    if not period.is_closed:
        gaps.append(_("The period is still open: institutions can still change their figures."))
    return gaps
