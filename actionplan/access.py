"""Who may do what in the action plan and the calendar, built on `krat.access`.

Everyone of the county reads the plan and the calendar; the secretariat writes the
plan; the lead institution's representatives record its activities' progress;
partners' representatives comment; representatives manage the events their own
institution organises.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from actionplan.models import ActionPlan, Activity, AwarenessEvent
from krat import access
from krat.models import County, Institution, User


def plan_for_user(user: User, pk: int, *, manage: bool = False) -> ActionPlan:
    plan = get_object_or_404(ActionPlan.objects.select_related("county"), pk=pk)
    access.require_readable(user, plan.county)
    if manage:
        access.require(access.can_manage_county(user, plan.county))
    return plan


def activity_for_user(user: User, pk: int, *, manage: bool = False) -> Activity:
    activity = get_object_or_404(
        Activity.objects.select_related("plan__county", "objective__pillar", "lead_institution"), pk=pk
    )
    access.require_readable(user, activity.plan.county)
    if manage:
        access.require(access.can_manage_county(user, activity.plan.county))
    return activity


def can_record_progress(user: User, activity: Activity) -> bool:
    """The lead institution's representatives and the county's secretariat."""
    return records_progress_for(user, county=activity.plan.county, lead_id=activity.lead_institution_id)


def records_progress_for(user: User, *, county: County, lead_id: int) -> bool:
    """`can_record_progress` for a row of a plan list, without fetching the activity."""
    if access.can_manage_county(user, county):
        return True
    return user.is_authenticated and user.is_representative and user.institution_id == lead_id


def can_comment(user: User, activity: Activity, partner_ids: set[int]) -> bool:
    """Representatives of a partner institution, and the secretariat."""
    if access.can_manage_county(user, activity.plan.county):
        return True
    return user.is_authenticated and user.is_representative and user.institution_id in partner_ids


def can_create_event(user: User, county: County) -> bool:
    if access.can_manage_county(user, county):
        return True
    return user.is_authenticated and user.is_representative and user.county_id == county.pk


def event_organiser_for(user: User, county: County) -> Institution | None:
    """The institution a new event of `user` is fixed to (None: the secretariat chooses)."""
    if access.can_manage_county(user, county):
        return None
    return user.institution


def can_edit_event(user: User, event: AwarenessEvent) -> bool:
    return access.can_write_for_institution(user, event.organiser)


def event_for_user(user: User, pk: int, *, edit: bool = False) -> AwarenessEvent:
    event = get_object_or_404(
        AwarenessEvent.objects.select_related("county", "organiser", "municipality", "activity"), pk=pk
    )
    access.require_readable(user, event.county)
    if edit:
        access.require(can_edit_event(user, event))
    return event
