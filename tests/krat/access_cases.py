"""Access cases of the core's period-submission URLs, and the records they need."""

from __future__ import annotations

import datetime

from django.utils import timezone

from krat.models import Institution, PeriodSubmission, ReportingPeriod, SubmissionState
from tests.access import UrlCase
from tests.factories import PeriodFactory
from tests.world import COUNTY_READERS, MANAGERS, WHOLE_COUNTY_READERS, World

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
    world.extra["draft"] = make_submission(world.period, world.own_institution, SubmissionState.DRAFT)
    world.extra["submitted"] = make_submission(later, world.own_institution, SubmissionState.SUBMITTED)
    world.extra["approved"] = make_submission(last, world.own_institution, SubmissionState.APPROVED)
    _build_report(world)


def _build_report(world: World) -> None:
    """The period report's summary and a finalised version made for the table (exact
    figures, not for sharing; a tiny stand-in PDF)."""
    from krat.models import FinalReport, PeriodReport

    PeriodReport.objects.create(period=world.period, summary="Përmbledhja e sekretariatit.")

    pdf = b"%PDF-1.4 stand-in"
    world.extra["final_report"] = FinalReport.objects.create(
        period=world.period,
        number=1,
        created_by=world.users["chair"],
        sha256=FinalReport.checksum(pdf),
        size=len(pdf),
        pdf=pdf,
        shared=False,
    )


OWN_READERS = frozenset(WHOLE_COUNTY_READERS | {"representative"})
WRITERS = frozenset({"secretariat", "representative"})


def _pk(key: str):
    return lambda w: {"pk": w.extra[key].pk}


CASES: dict[str, UrlCase] = {
    "krat:submission_todo": UrlCase(allowed=COUNTY_READERS, kwargs=lambda w: {"slug": w.own.slug}),
    "krat:submission_board_current": UrlCase(
        allowed=WHOLE_COUNTY_READERS, kwargs=lambda w: {"slug": w.own.slug}, ok_status=302
    ),
    "krat:submission_board": UrlCase(allowed=WHOLE_COUNTY_READERS, kwargs=lambda w: {"pk": w.period.pk}),
    "krat:submission_remind": UrlCase(
        allowed=MANAGERS, kwargs=lambda w: {"pk": w.period.pk}, method="post", ok_status=302
    ),
    "krat:submission_open": UrlCase(
        allowed=OWN_READERS,
        kwargs=lambda w: {"pk": w.period.pk, "institution_pk": w.own_institution.pk},
        ok_status=302,
    ),
    "krat:submission_detail": UrlCase(allowed=OWN_READERS, kwargs=_pk("draft")),
    "krat:submission_edit": UrlCase(allowed=WRITERS, kwargs=_pk("draft")),
    "krat:submission_return": UrlCase(
        allowed=MANAGERS, kwargs=_pk("submitted"), method="post", ok_status=302
    ),
    "krat:submission_approve": UrlCase(
        allowed=MANAGERS, kwargs=_pk("submitted"), method="post", ok_status=302
    ),
    "krat:submission_reopen": UrlCase(allowed=MANAGERS, kwargs=_pk("approved"), method="post", ok_status=302),
}


# --- The period coordination report (issue 7) ----------------------------------------------------

NATIONAL = frozenset({"national_observer"})
EXACT_READERS = frozenset({"secretariat", "chair"})


def _period_pk(w: World) -> dict:
    return {"pk": w.period.pk}


def _start(w: World) -> dict:
    return {"start": w.period.start_date.isoformat()}


CASES.update(
    {
        "krat:report_preview": UrlCase(allowed=WHOLE_COUNTY_READERS, kwargs=_period_pk),
        "krat:report_pdf": UrlCase(allowed=WHOLE_COUNTY_READERS, kwargs=_period_pk),
        "krat:report_xlsx": UrlCase(allowed=WHOLE_COUNTY_READERS, kwargs=_period_pk),
        "krat:report_summary_edit": UrlCase(allowed=MANAGERS, kwargs=_period_pk),
        "krat:report_finalise": UrlCase(
            allowed=frozenset({"chair"}), kwargs=_period_pk, method="post", ok_status=302
        ),
        # The world's version is the table's (exact figures): never to an observer (issue 14).
        "krat:final_report_download": UrlCase(allowed=EXACT_READERS, kwargs=_pk("final_report")),
        "krat:national_report_list": UrlCase(allowed=NATIONAL),
        "krat:national_report": UrlCase(allowed=NATIONAL, kwargs=_start),
        "krat:national_report_pdf": UrlCase(allowed=NATIONAL, kwargs=_start),
        "krat:national_report_xlsx": UrlCase(allowed=NATIONAL, kwargs=_start),
    }
)
