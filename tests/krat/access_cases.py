"""Access cases of the core's period-submission URLs, and the records they need."""

from __future__ import annotations

import datetime

from django.utils import timezone

from krat.choices import Role
from krat.membership import period_members
from krat.models import (
    DownloadLog,
    FinalReport,
    Institution,
    PeriodReport,
    PeriodSubmission,
    ReportingPeriod,
    SubmissionState,
)
from tests.access import (
    POINT_2,
    Reference,
    Rows,
    Seen,
    Serve,
    UrlCase,
    action,
    form,
    in_context,
    links,
    page,
    pks,
)
from tests.factories import PeriodFactory
from tests.world import (
    CHAIRS,
    COUNTY_READERS,
    EXACT_READERS,
    MANAGERS,
    NATIONAL,
    WHOLE_COUNTY_READERS,
    World,
)

FILLED = {
    "situation_assessment": "Situata është e qetë.",
    "action_plan": "U zbatuan masat e planit.",
    "cooperation": "Bashkëpunim me shërbimin social.",
    "results": "Dy raste të identifikuara.",
    "problems": "Mungesë stafi.",
    "proposals": "Më shumë trajnime.",
}


def make_submission(
    period: ReportingPeriod, institution: Institution, state: str = SubmissionState.DRAFT, **fields
) -> PeriodSubmission:
    """A submission in `state`, with the timestamps its state needs (for tests only)."""
    at = timezone.make_aware(datetime.datetime.combine(period.deadline, datetime.time(9)))
    values = {**FILLED, **fields}
    if state in (SubmissionState.SUBMITTED, SubmissionState.APPROVED):
        values.setdefault("submitted_at", at)
    if state in (SubmissionState.RETURNED, SubmissionState.APPROVED):
        values.setdefault("reviewed_at", at)
    return PeriodSubmission.objects.create(period=period, institution=institution, state=state, **values)


def build(world: World) -> None:
    later = PeriodFactory(
        county=world.own,
        label="Maj – Gusht 2018",
        start_date=datetime.date(2018, 5, 1),
        end_date=datetime.date(2018, 8, 31),
        deadline=datetime.date(2018, 9, 10),
    )
    last = PeriodFactory(
        county=world.own,
        label="Shtator – Dhjetor 2018",
        start_date=datetime.date(2018, 9, 1),
        end_date=datetime.date(2018, 12, 31),
        deadline=datetime.date(2019, 1, 10),
    )
    world.extra["later_period"] = later
    world.extra["draft"] = make_submission(world.period, world.own_institution, SubmissionState.DRAFT)
    world.extra["submitted"] = make_submission(later, world.own_institution, SubmissionState.SUBMITTED)
    world.extra["approved"] = make_submission(last, world.own_institution, SubmissionState.APPROVED)
    world.extra["other_draft"] = make_submission(world.period, world.other_institution, SubmissionState.DRAFT)
    DownloadLog.objects.create(
        county=world.own, user=world.users["secretariat"], what="Raporti", path=f"/{world.own.slug}/"
    )
    _build_report(world)


def _build_report(world: World) -> None:
    """The period report's summary and two finalised versions (tiny stand-in PDFs): one made
    for the table (exact figures), one for sharing (small numbers hidden)."""
    PeriodReport.objects.create(period=world.period, summary="Përmbledhja e sekretariatit.")
    for number, shared in ((1, False), (2, True)):
        pdf = f"%PDF-1.4 stand-in {number}".encode()
        world.extra["shared_report" if shared else "final_report"] = FinalReport.objects.create(
            period=world.period,
            number=number,
            shared=shared,
            reason="" if number == 1 else "Për ndarje",
            created_by=world.users["chair"],
            sha256=FinalReport.checksum(pdf),
            size=len(pdf),
            pdf=pdf,
        )


OWN_READERS = frozenset(WHOLE_COUNTY_READERS | {"representative"})
WRITERS = frozenset({"secretariat", "representative", "superuser"})


def _pk(key: str):
    return lambda w: {"pk": w.extra[key].pk}


def _period_pk(w: World) -> dict:
    return {"pk": w.period.pk}


def _todo(seen: Seen) -> set:
    """A representative's open periods of their own county, for their institution."""
    user = seen.user
    if user.role != Role.REPRESENTATIVE or user.county_id != seen.page_county.pk:
        return set()
    periods = ReportingPeriod.objects.filter(county=seen.page_county, is_closed=False)
    return {(period.pk, user.institution_id) for period in periods}


def _members(seen: Seen) -> set:
    """The institutions the period's board lists: its members (all of the world's, since 2010)."""
    return pks(period_members(seen.world.period))


def _final_versions(seen: Seen) -> set:
    """Exact readers see every version; everyone else only those made for sharing."""
    finals = FinalReport.objects.filter(period=seen.world.period)
    return pks(finals if seen.exact(seen.world.own) else finals.filter(shared=True))


def _national_starts(seen: Seen) -> set:
    return {start.isoformat() for start in ReportingPeriod.objects.values_list("start_date", flat=True)}


CASES: dict[str, UrlCase] = {
    "krat:submission_todo": page(
        COUNTY_READERS,
        lambda w: {"slug": w.own.slug},
        rows=Rows(in_context("rows", lambda row: (row.period.pk, row.institution.pk)), _todo),
    ),
    "krat:submission_board_current": page(WHOLE_COUNTY_READERS, lambda w: {"slug": w.own.slug}, status=302),
    "krat:submission_board": page(
        WHOLE_COUNTY_READERS, _period_pk, rows=Rows(links("krat:submission_open", "institution_pk"), _members)
    ),
    "krat:submission_remind": action(MANAGERS, _period_pk),
    # GET shows the report (a redirect to it); POST opens it for those who write for the institution.
    "krat:submission_open": UrlCase(
        methods={"get": Serve(OWN_READERS, 302), "post": Serve(WRITERS, 302)},
        kwargs=lambda w: {"pk": w.period.pk, "institution_pk": w.own_institution.pk},
    ),
    # Mixed ids: the own period with another county's institution is nobody's report.
    "krat:submission_open other-county-institution": UrlCase(
        methods={"get": Serve(frozenset(), 302), "post": Serve(frozenset(), 302)},
        kwargs=lambda w: {"pk": w.period.pk, "institution_pk": w.foreign_institution.pk},
        refused=404,
        other_county=True,
    ),
    "krat:submission_detail": page(OWN_READERS, _pk("draft")),
    "krat:submission_edit": form(WRITERS, _pk("draft")),
    # The form's autosave (a script's JSON): an empty body is refused (400); an ended
    # session gets 401, so the page keeps what was typed.
    "krat:submission_autosave": action(WRITERS, _pk("draft"), status=400, status_for={"anonymous": 401}),
    "krat:submission_return": action(MANAGERS, _pk("submitted")),
    "krat:submission_approve": action(MANAGERS, _pk("submitted")),
    "krat:submission_reopen": action(MANAGERS, _pk("approved")),
}


# --- The period coordination report (issue 7) ----------------------------------------------------


def _start(w: World) -> dict:
    return {"start": w.period.start_date.isoformat()}


CASES.update(
    {
        "krat:report_preview": page(
            WHOLE_COUNTY_READERS,
            _period_pk,
            rows=Rows(links("krat:final_report_download"), _final_versions),
            note=POINT_2,
        ),
        "krat:report_pdf": page(WHOLE_COUNTY_READERS, _period_pk),
        "krat:report_xlsx": page(WHOLE_COUNTY_READERS, _period_pk),
        "krat:report_summary_edit": form(MANAGERS, _period_pk),
        "krat:report_finalise": action(CHAIRS, _period_pk),
        # A version made for the table holds exact figures: never an observer's.
        "krat:final_report_download": page(
            EXACT_READERS,
            _pk("final_report"),
            # Not told it exists: a version made for the table is never an observer's (issue 14).
            status_for={"observer": 404, "national_observer": 404},
        ),
        "krat:final_report_download shared": page(WHOLE_COUNTY_READERS, _pk("shared_report")),
        "krat:national_report_list": page(
            NATIONAL, rows=Rows(links("krat:national_report", "start"), _national_starts)
        ),
        "krat:national_report": page(NATIONAL, _start, county_record=False),
        "krat:national_report_pdf": page(NATIONAL, _start, county_record=False),
        "krat:national_report_xlsx": page(NATIONAL, _start, county_record=False),
    }
)


# A write naming another county's record (see tests/access.py, Reference).
REFERENCES = [
    Reference("krat:person_edit", "institution", lambda w: w.foreign_institution.pk),
]
