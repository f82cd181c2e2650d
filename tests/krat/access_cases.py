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
