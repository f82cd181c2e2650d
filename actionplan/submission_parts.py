"""The action-plan part of a period submission: progress on every activity the
institution leads in the plan of the period's year."""

from __future__ import annotations

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from actionplan.models import Activity
from krat.submissions.parts import COMPLETE, MISSING, SubmissionPart, register_part


def _led_activities(period):
    years = range(period.start_date.year, period.end_date.year + 1)
    return Activity.objects.filter(plan__county_id=period.county_id, plan__year__in=years)


def applicable(submissions) -> set[int]:
    ids = [s.institution_id for s in submissions]
    led = _led_activities(submissions[0].period).filter(lead_institution_id__in=ids)
    return set(led.order_by().values_list("lead_institution_id", flat=True).distinct())


def states(submissions) -> dict[int, str]:
    period = submissions[0].period
    counts = (
        _led_activities(period)
        .filter(lead_institution_id__in=[s.institution_id for s in submissions])
        .values("lead_institution_id")
        .annotate(
            total=Count("pk"), reported=Count("progress_reports", filter=Q(progress_reports__period=period))
        )
    )
    done = {row["lead_institution_id"]: row["reported"] >= row["total"] for row in counts}
    return {s.institution_id: COMPLETE if done.get(s.institution_id, True) else MISSING for s in submissions}


def url(submission) -> str:
    """The county's plans, where the institution opens the plan of the period's year (the
    period goes along, so that the plan opens on it)."""
    return reverse("actionplan:plan_list", args=[submission.period.county.slug]) + (
        f"?periudha={submission.period_id}"
    )


def register() -> None:
    register_part(
        SubmissionPart(
            key="actionplan.progress",
            title=_("Action plan progress"),
            applies_to=lambda institution: Activity.objects.filter(lead_institution=institution).exists(),
            state=lambda submission: states([submission])[submission.institution_id],
            states=states,
            applicable=applicable,
            url=url,
        )
    )
