"""Who may do what with a meeting: the rules of `krat.access` applied to meeting records.

Each helper fetches the record with what its pages need, answers 404 when the record's
county is not the user's to see, and 403 when the user may see it but not do this.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from krat import access
from krat.models import User
from meetings.models import AgendaItem, Attachment, Decision, Meeting, MinutesVersion


def meeting_for_user(user: User, pk: int, *, manage: bool = False, chair: bool = False) -> Meeting:
    meeting = get_object_or_404(
        Meeting.objects.select_related("county", "chair", "period", "approved_by", "action_plan"), pk=pk
    )
    access.require_readable(user, meeting.county)
    if manage:
        access.require(access.can_manage_county(user, meeting.county))
    if chair:
        access.require(access.can_chair(user, meeting.county))
    return meeting


def agenda_item_for_user(user: User, pk: int, *, manage: bool = False) -> AgendaItem:
    item = get_object_or_404(AgendaItem.objects.select_related("meeting__county"), pk=pk)
    access.require_readable(user, item.meeting.county)
    if manage:
        access.require(access.can_manage_county(user, item.meeting.county))
    return item


def can_update_decision_status(user: User, decision: Decision) -> bool:
    """The secretariat, and the representatives of the institution responsible."""
    return access.can_write_for_institution(user, decision.responsible)


def decision_for_user(user: User, pk: int, *, manage: bool = False, follow_up: bool = False) -> Decision:
    decision = get_object_or_404(
        Decision.objects.select_related("meeting__county", "responsible__county", "agenda_item"), pk=pk
    )
    access.require_readable(user, decision.meeting.county)
    if manage:
        access.require(access.can_manage_county(user, decision.meeting.county))
    if follow_up:
        access.require(can_update_decision_status(user, decision))
    return decision


def attachment_for_user(user: User, pk: int, *, manage: bool = False) -> Attachment:
    attachment = get_object_or_404(Attachment.objects.select_related("meeting__county"), pk=pk)
    access.require_readable(user, attachment.meeting.county)
    if manage:
        access.require(access.can_manage_county(user, attachment.meeting.county))
    return attachment


def minutes_version_for_user(user: User, pk: int) -> MinutesVersion:
    """A stored version of approved minutes: whoever may read the meeting may read it."""
    version = get_object_or_404(MinutesVersion.objects.select_related("meeting__county"), pk=pk)
    access.require_readable(user, version.meeting.county)
    return version
