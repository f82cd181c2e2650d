"""Reminder e-mails: before and after the deadline (cron), from the board (one click),
and the chair's list of institutions still missing after the deadline.

One service, `reminders_send`, serves both the `send_reminders` command and the board.
Each (period, institution, person, step) is logged in `SubmissionReminder`, whose
constraints keep a step from being sent twice; several due items for one person go in
one e-mail.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from krat.choices import Role
from krat.collation import albanian, sort_key
from krat.mail import send_templated_mail, site_url
from krat.membership import member_ids_by_period
from krat.models import (
    Institution,
    PeriodSubmission,
    ReminderStep,
    ReportingPeriod,
    SubmissionReminder,
    SubmissionState,
    User,
)


@dataclass
class ReminderRun:
    """What one run sent."""

    emails: int = 0
    items: int = 0
    chair_lists: int = 0

    @property
    def nothing_new(self) -> bool:
        return self.emails == 0 and self.chair_lists == 0


@dataclass(frozen=True)
class _Due:
    period: ReportingPeriod
    institution: Institution
    step: str


def _missing(periods: list[ReportingPeriod]) -> dict[int, list[Institution]]:
    """Per period, the institutions expected to report for it (members of the table on a
    day of it, as its board lists them) whose submission is not submitted or approved."""
    complete = set(
        PeriodSubmission.objects.filter(
            period__in=periods, state__in=[SubmissionState.SUBMITTED, SubmissionState.APPROVED]
        ).values_list("period_id", "institution_id")
    )
    members = member_ids_by_period(periods)
    institutions = list(
        Institution.objects.filter(pk__in=set().union(*members.values())).order_by(albanian("name"))
    )
    return {
        p.pk: [i for i in institutions if i.pk in members[p.pk] and (p.pk, i.pk) not in complete]
        for p in periods
    }


def _deliver(due: list[_Due], today: datetime.date) -> ReminderRun:
    """Send each representative one e-mail with all their new due items, and log them."""
    run = ReminderRun()
    if not due:
        return run
    people = defaultdict(list)
    for person in (
        User.objects.filter(
            institution__in={d.institution.pk for d in due}, role=Role.REPRESENTATIVE, is_active=True
        )
        .exclude(email="")
        .select_related("county")
    ):
        people[person.institution_id].append(person)
    sent = {
        (r.period_id, r.institution_id, r.person_id, r.step)
        for r in SubmissionReminder.objects.filter(
            period__in={d.period.pk for d in due}, step__in={d.step for d in due}
        ).exclude(step=ReminderStep.MANUAL, sent_on__lt=today)
    }
    per_person: dict[User, list[_Due]] = defaultdict(list)
    logs = []
    for item in due:
        for person in people[item.institution.pk]:
            if (item.period.pk, item.institution.pk, person.pk, item.step) in sent:
                continue
            per_person[person].append(item)
            logs.append(
                SubmissionReminder(
                    period=item.period,
                    institution=item.institution,
                    person=person,
                    step=item.step,
                    sent_on=today,
                )
            )
    SubmissionReminder.objects.bulk_create(logs)
    for person, items in per_person.items():
        assert person.county is not None  # a representative of a member institution has its county
        send_templated_mail(
            to=[person.email],
            template_prefix="email/submission_reminder",
            context={
                "person": str(person),
                "items": [
                    {
                        "period": item.period.label,
                        "institution": item.institution.name,
                        "deadline": item.period.deadline,
                        "overdue": today > item.period.deadline,
                    }
                    for item in sorted(items, key=lambda i: (i.period.deadline, sort_key(i.institution.name)))
                ],
                "url": site_url(reverse("krat:submission_todo", args=[person.county.slug])),
            },
            language="sq",
        )
    run.emails = len(per_person)
    run.items = len(logs)
    return run


def _chair_lists(periods: list[ReportingPeriod], missing: dict[int, list[Institution]], today) -> int:
    """Send each chair, once per period, the institutions still missing after the deadline."""
    periods = [p for p in periods if missing[p.pk]]
    if not periods:
        return 0
    chairs = defaultdict(list)
    for chair in User.objects.filter(
        county_id__in={p.county_id for p in periods}, role=Role.CHAIR, is_active=True
    ).exclude(email=""):
        chairs[chair.county_id].append(chair)
    sent = set(
        SubmissionReminder.objects.filter(period__in=periods, step=ReminderStep.CHAIR_MISSING).values_list(
            "period_id", "person_id"
        )
    )
    count = 0
    for period in periods:
        for chair in chairs[period.county_id]:
            if (period.pk, chair.pk) in sent:
                continue
            SubmissionReminder.objects.create(
                period=period, person=chair, step=ReminderStep.CHAIR_MISSING, sent_on=today
            )
            send_templated_mail(
                to=[chair.email],
                template_prefix="email/submission_missing",
                context={
                    "person": str(chair),
                    "period": period.label,
                    "deadline": period.deadline,
                    "institutions": [i.name for i in missing[period.pk]],
                    "url": site_url(reverse("krat:submission_board", args=[period.pk])),
                },
                language="sq",
            )
            count += 1
    return count


@transaction.atomic
def reminders_send(
    *,
    today: datetime.date | None = None,
    days_before: int = 3,
    days_after: int = 1,
    period: ReportingPeriod | None = None,
    institution: Institution | None = None,
) -> ReminderRun:
    """Send the reminders that are due today and were not sent before.

    Without `period` (the cron run): for every open period, representatives of
    institutions that have not submitted get one reminder from `days_before` days
    before the deadline and one from `days_after` days after it; from then on each
    chair gets, once, the list of the institutions still missing.
    With `period` (the board's buttons): every institution of that period that has not
    submitted — before the deadline as well as after — or only `institution`; each
    person at most once a day. Raises ValidationError for a closed period, or for an
    institution that has submitted or is not expected to report for the period.
    """
    today = today or timezone.localdate()
    if days_before < 0 or days_after < 0:
        raise ValidationError(_("The number of days cannot be negative."), code="negative_days")
    if period is not None:
        if period.is_closed:
            raise ValidationError(
                _("The period “%(period)s” is closed: nothing in it can be changed."),
                code="period_closed",
                params={"period": period.label},
            )
        late = _missing([period])[period.pk]
        if institution is not None:
            if institution.pk not in {i.pk for i in late}:
                raise ValidationError(
                    _(
                        "%(institution)s has nothing to be reminded of for “%(period)s”: its report is in, or it is not a member of the table in that period."
                    ),
                    code="nothing_missing",
                    params={"institution": institution.name, "period": period.label},
                )
            late = [i for i in late if i.pk == institution.pk]
        return _deliver([_Due(period, i, ReminderStep.MANUAL) for i in late], today)

    periods = list(ReportingPeriod.objects.filter(is_closed=False).select_related("county"))
    before = [p for p in periods if p.deadline - datetime.timedelta(days=days_before) <= today <= p.deadline]
    after = [p for p in periods if today >= p.deadline + datetime.timedelta(days=days_after)]
    missing = _missing(before + after)
    due = [_Due(p, i, ReminderStep.BEFORE_DEADLINE) for p in before for i in missing[p.pk]]
    due += [_Due(p, i, ReminderStep.AFTER_DEADLINE) for p in after for i in missing[p.pk]]
    run = _deliver(due, today)
    run.chair_lists = _chair_lists(after, missing, today)
    return run
