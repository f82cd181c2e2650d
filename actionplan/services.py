"""Writes of the action plan and the calendar. Each validates the whole record first."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from actionplan.choices import DEFAULT_PILLARS, TargetGroupCode
from actionplan.models import (
    ActionPlan,
    Activity,
    ActivityProgress,
    AwarenessEvent,
    Objective,
    Pillar,
    ProgressComment,
    TargetGroup,
)
from krat import access, generations
from krat.concurrency import save_versioned
from krat.models import Institution, ReportingPeriod, User


def target_groups_ensure() -> None:
    """Create any missing row of the fixed target-group list (the migration does it too)."""
    existing = set(TargetGroup.objects.values_list("code", flat=True))
    TargetGroup.objects.bulk_create(
        [TargetGroup(code=code) for code in TargetGroupCode.values if code not in existing]
    )
    generations.changed(TargetGroup)  # bulk_create sends no signal


@transaction.atomic
def plan_save(*, plan: ActionPlan, expected_version: int | None) -> ActionPlan:
    """Create or update a plan; a new plan starts with the four usual pillars."""
    is_new = plan.pk is None
    save_versioned(plan, expected_version=expected_version)
    if is_new:
        for position, name in enumerate(DEFAULT_PILLARS, start=1):
            Pillar.objects.create(plan=plan, name=name, position=position)
    return plan


def pillar_save(*, pillar: Pillar, expected_version: int | None = None) -> Pillar:
    return save_versioned(pillar, expected_version=expected_version)


def objective_save(*, objective: Objective, expected_version: int | None = None) -> Objective:
    return save_versioned(objective, expected_version=expected_version)


def _check_partners(
    activity_county_id: int, partners: Iterable[Institution], field: str = "partners"
) -> None:
    if any(partner.county_id != activity_county_id for partner in partners):
        raise ValidationError(
            {field: _("A partner institution belongs to another county.")}, code="partner_other_county"
        )


@transaction.atomic
def activity_save(
    *, activity: Activity, expected_version: int | None, partners: Iterable[Institution] | None = None
) -> Activity:
    """Create or update an activity; `partners`, when given, replaces its partner list."""
    if activity.objective_id:
        activity.plan_id = activity.objective.pillar.plan_id
    save_versioned(activity, expected_version=expected_version)
    if partners is not None:
        partners = list(partners)
        _check_partners(activity.plan.county_id, partners)
        activity.partners.set(partners)
    return activity


def progress_save(
    *, progress: ActivityProgress, expected_version: int | None, user: User | None
) -> ActivityProgress:
    """Record or correct an activity's progress for one period (refused once it is closed);
    `user` None for progress that no person entered (the demo's)."""
    progress.updated_by = user
    return save_versioned(progress, expected_version=expected_version)


def comment_add(*, activity: Activity, period: ReportingPeriod, user: User, text: str) -> ProgressComment:
    """A partner's comment, signed with its institution (the secretariat signs as such)."""
    institution = None if access.can_manage_county(user, activity.plan.county) else user.institution
    comment = ProgressComment(
        activity=activity, period=period, institution=institution, author=user, text=text
    )
    comment.full_clean()
    comment.save()
    return comment


@transaction.atomic
def event_save(
    *,
    event: AwarenessEvent,
    expected_version: int | None,
    partners: Iterable[Institution] | None = None,
    target_groups: Iterable[TargetGroup] | None = None,
) -> AwarenessEvent:
    save_versioned(event, expected_version=expected_version)
    if partners is not None:
        partners = list(partners)
        _check_partners(event.county_id, partners)
        event.partners.set(partners)
    if target_groups is not None:
        event.target_groups.set(list(target_groups))
    return event
