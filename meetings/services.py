"""Writes of the meetings app. Each validates before saving; the lock on approved
minutes is kept here, in one place (`_require_unlocked`)."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from krat import generations
from krat.concurrency import ChangedSinceReadError, StaleEditError, require_version, save_versioned
from krat.models import Institution, User
from meetings.choices import AttendanceStatus, MeetingStatus, MinutesStatus
from meetings.models import (
    MAX_POSITION,
    AgendaItem,
    Attachment,
    Attendance,
    Decision,
    Meeting,
    MinutesVersion,
)
from meetings.uploads import validate_upload


def _require_unlocked(meeting: Meeting) -> None:
    if meeting.is_locked:
        raise ValidationError(
            _("The minutes are approved and locked. The chair must reopen them before anything can change."),
            code="minutes_locked",
        )


def _require_held(meeting: Meeting, message: str) -> None:
    if not meeting.is_held:
        raise ValidationError(message, code="not_held")


def meeting_save(*, meeting: Meeting, expected_version: int | None) -> Meeting:
    """Plan a meeting or change its plan; a meeting with locked minutes is not changed."""
    if meeting.pk:
        stored = Meeting.objects.get(pk=meeting.pk)
        _require_unlocked(stored)
    return save_versioned(meeting, expected_version=expected_version)


def meeting_set_status(*, meeting: Meeting, status: str) -> Meeting:
    """Mark a meeting held or cancelled (or planned again). Held needs its date to have come."""
    _require_unlocked(meeting)
    if status not in MeetingStatus.values:
        raise ValidationError(_("Unknown meeting status."), code="status")
    if status != MeetingStatus.HELD and (meeting.attendances.exists() or meeting.decisions.exists()):
        raise ValidationError(
            _("This meeting already has attendance or decisions recorded; it stays held."),
            code="has_minutes",
        )
    meeting.status = status
    meeting.full_clean()
    meeting.version += 1
    meeting.save()
    return meeting


def agenda_item_save(*, item: AgendaItem, expected_version: int | None) -> AgendaItem:
    """Add an item at the end of the agenda (or at the place given) or change one."""
    _require_unlocked(item.meeting)
    if item.pk is None and not item.position:
        last = item.meeting.agenda_items.aggregate(last=Max("position"))["last"] or 0
        item.position = last + 1
    return save_versioned(item, expected_version=expected_version)


@transaction.atomic
def agenda_item_move(*, item: AgendaItem, up: bool) -> AgendaItem:
    """Swap `item` with its neighbour above (`up`) or below on the agenda, then number
    the agenda 1, 2, 3… (`_agenda_renumber`).

    The order numbers are unique per meeting and the rule is checked row by row, so the
    item parks on a free number first. The meeting's items are locked meanwhile, so that
    two moves at once do not both read the same order. At the top (or bottom) nothing moves.
    """
    _require_unlocked(item.meeting)
    items = list(item.meeting.agenda_items.select_for_update().order_by("position"))
    index = next(i for i, other in enumerate(items) if other.pk == item.pk)
    neighbour_index = index - 1 if up else index + 1
    if not 0 <= neighbour_index < len(items):
        return items[index]
    moving, neighbour = items[index], items[neighbour_index]
    used = {other.position for other in items}
    free = next(n for n in range(1, MAX_POSITION + 1) if n not in used)
    AgendaItem.objects.filter(pk=moving.pk).update(position=free)
    generations.changed(AgendaItem)  # QuerySet.update sends no signal
    moving.position, neighbour.position = neighbour.position, moving.position
    for changed in (neighbour, moving):
        _save_position(changed)
    _agenda_renumber(item.meeting)
    moving.refresh_from_db()
    return moving


@transaction.atomic
def agenda_reorder(*, meeting: Meeting, order: list[int]) -> None:
    """Put the agenda in `order` (every item's id, first to last): a drag on the meeting's
    page. An order that does not name exactly the meeting's items (one added or removed
    meanwhile, by someone else) is refused, and nothing moves.

    The items are numbered 1…n first, parked above n, then placed: each save lands on a
    free number under the row-by-row unique check."""
    _require_unlocked(meeting)
    _agenda_renumber(meeting)
    items = {item.pk: item for item in meeting.agenda_items.select_for_update()}
    if sorted(order) != sorted(items) or 2 * len(items) > MAX_POSITION:
        raise ValidationError(
            _("The agenda changed meanwhile: look at it again, then move the item."), code="agenda_changed"
        )
    moved = [(items[pk], number) for number, pk in enumerate(order, start=1) if items[pk].position != number]
    for item, _number in moved:
        AgendaItem.objects.filter(pk=item.pk).update(position=item.position + len(items))
    generations.changed(AgendaItem)  # QuerySet.update sends no signal
    for item, number in moved:
        item.position = number
        _save_position(item)


def _save_position(item: AgendaItem) -> None:
    # Each save bumps the version: an edit form opened before the order changed is refused.
    item.version += 1
    item.full_clean()
    item.save()


def _agenda_renumber(meeting: Meeting) -> None:
    """Number the agenda 1, 2, 3… in its order, as it prints (a removed item, or an order
    typed by hand before the arrows, left gaps). The order is unique and checked row by
    row, so the items moving up are saved from the last and those moving down from the
    first: each then lands on a free number (numbers are distinct, so only a run that
    starts at 0 moves up, by one)."""
    items = list(meeting.agenda_items.select_for_update().order_by("position"))
    targets = [(item, number) for number, item in enumerate(items, start=1) if item.position != number]
    for item, number in [
        *reversed([t for t in targets if t[1] > t[0].position]),
        *[t for t in targets if t[1] < t[0].position],
    ]:
        item.position = number
        _save_position(item)


@transaction.atomic
def agenda_item_delete(*, item: AgendaItem) -> None:
    _require_unlocked(item.meeting)
    if item.decisions.exists():
        raise ValidationError(
            _("Decisions refer to this agenda item; it cannot be removed."), code="item_has_decisions"
        )
    item.delete()
    _agenda_renumber(item.meeting)


def minutes_save(*, meeting: Meeting, expected_version: int | None) -> Meeting:
    """Save the minutes' texts (introduction, chair's remarks, guests) while they are a draft."""
    _require_unlocked(Meeting.objects.get(pk=meeting.pk))
    return save_versioned(meeting, expected_version=expected_version)


@dataclass(frozen=True)
class AttendanceRow:
    institution: Institution
    status: str  # "" removes a recorded attendance
    attendee: str = ""


@transaction.atomic
def attendance_record(
    *,
    meeting: Meeting,
    rows: list[AttendanceRow],
    guests: str | None = None,
    expected_version: int | None,
) -> None:
    """Record who came from each institution, for a meeting that has been held.

    The attendance sheet is one edit of the meeting: `expected_version` is the meeting's
    version the sheet was opened on; a sheet saved by someone else meanwhile refuses this
    one (`StaleEditError`), and one that gives no version is refused (`MissingVersionError`).
    """
    stored = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if stored.version != require_version(expected_version):
        raise StaleEditError([str(Attendance._meta.verbose_name_plural)])
    _require_unlocked(meeting)
    _require_held(meeting, _("Attendance can be recorded only for a meeting that has been held."))
    existing = {a.institution_id: a for a in meeting.attendances.all()}
    for row in rows:
        record = existing.get(row.institution.pk)
        if not row.status:
            if record is not None:
                record.delete()
            continue
        if record is None:
            record = Attendance(meeting=meeting, institution=row.institution)
        record.status = row.status
        record.attendee = row.attendee.strip() if row.status == AttendanceStatus.PRESENT else ""
        record.full_clean()
        record.save()
    guests_changed = guests is not None and guests != meeting.guests
    if guests is not None and guests_changed:
        meeting.guests = guests
        meeting.full_clean()
    meeting.version = stored.version + 1
    meeting.save()


def decision_save(*, decision: Decision, expected_version: int | None) -> Decision:
    """Record a decision of a held meeting, or change one while the minutes are a draft."""
    _require_unlocked(decision.meeting)
    return save_versioned(decision, expected_version=expected_version)


def decision_update_status(*, decision: Decision, expected_version: int | None) -> Decision:
    """Move a decision's follow-up on. Allowed on locked minutes: it is not part of them."""
    return save_versioned(decision, expected_version=expected_version, fields=["status", "status_note"])


@transaction.atomic
def minutes_approve(*, meeting: Meeting, user: User, expected_version: int | None) -> Meeting:
    """The chair approves the minutes, which locks them and stores their summary as the
    next version (`minutes_store`): what was approved is what prints from then on. What is
    approved is the version the chair read (`expected_version`), never one changed since."""
    stored = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if stored.version != require_version(expected_version):
        raise ChangedSinceReadError
    _require_held(stored, _("Only the minutes of a meeting that was held can be approved."))
    if stored.is_locked:
        raise ValidationError(_("The minutes are already approved."), code="already_approved")
    meeting.minutes_status = MinutesStatus.APPROVED
    meeting.approved_at = timezone.now()
    meeting.approved_by = user
    meeting.version += 1
    meeting.full_clean()
    meeting._change_reason = _("Minutes approved")
    meeting.save()
    minutes_store(meeting=meeting)
    return meeting


def minutes_store(*, meeting: Meeting) -> MinutesVersion:
    """Store the summary of approved minutes as their next version: the Albanian PDF with
    its checksum, and the data it was printed from.

    Called on approval; also, once, for minutes approved before versions were stored
    (`manage.py store_approved_minutes`), which then keep what they print that day.
    """
    from krat.pdf import render_pdf
    from meetings.selectors import meeting_summary

    if not meeting.is_locked or meeting.approved_by_id is None or meeting.approved_at is None:
        raise ValidationError(_("Only approved minutes are stored."), code="not_approved")
    if meeting.minutes_versions.filter(reopened_at__isnull=True).exists():
        raise ValidationError(_("The minutes are already approved."), code="already_approved")
    summary = meeting_summary(meeting)
    with translation.override("sq"):
        pdf = render_pdf("pdf/meeting_summary.html", {"summary": summary})
    number = (meeting.minutes_versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = MinutesVersion(
        meeting=meeting,
        number=number,
        approved_by=meeting.approved_by,
        approved_at=meeting.approved_at,
        language="sq",
        summary=summary.as_data(),
    )
    version.store(pdf)
    version.full_clean()
    version.save()
    return version


@transaction.atomic
def minutes_reopen(*, meeting: Meeting, user: User, reason: str) -> Meeting:
    """The chair reopens approved minutes for a change. The stored version is kept, closed
    with who reopened it, when and why; the reason also stays in the meeting's history."""
    if not meeting.is_locked:
        raise ValidationError(
            _("The minutes are not approved, so there is nothing to reopen."), code="not_locked"
        )
    reason = reason.strip()
    if not reason:
        raise ValidationError(
            {"reason": ValidationError(_("Say why the approved minutes must change."), code="no_reason")}
        )
    now = timezone.now()
    for version in meeting.minutes_versions.select_for_update().filter(reopened_at__isnull=True):
        version.reopened_at, version.reopened_by, version.reopen_reason = now, user, reason[:100]
        version.full_clean()
        version.save(update_fields=["reopened_at", "reopened_by", "reopen_reason"])
    meeting.minutes_status = MinutesStatus.DRAFT
    meeting.approved_at = None
    meeting.approved_by = None
    meeting.version += 1
    meeting.full_clean()
    meeting._change_reason = reason[:100]
    meeting.save()
    return meeting


def attachment_add(*, meeting: Meeting, title: str, upload: UploadedFile, user: User) -> Attachment:
    """Attach a checked document to a meeting."""
    content_type = validate_upload(upload)
    # validate_upload refused a file without a name (it has no extension) or a size.
    assert upload.name is not None and upload.size is not None
    attachment = Attachment(
        meeting=meeting,
        title=title.strip() or upload.name,
        original_name=upload.name[:200],
        content_type=content_type,
        size=upload.size,
        uploaded_by=user,
    )
    attachment.file.save(upload.name, upload, save=False)
    try:
        attachment.full_clean()
        attachment.save()
    except Exception:
        attachment.file.delete(save=False)
        raise
    return attachment


def attachment_delete(*, attachment: Attachment) -> None:
    """Take a document off the meeting. The file stays where it is: the history keeps the
    removed row, with its path, and a removal must not lose the document itself."""
    attachment.delete()


def invitation_recipients(meeting: Meeting) -> list[str]:
    """The e-mail addresses of the invited institutions and their active representatives,
    and those written beside the other invited actors."""
    institutions = list(meeting.invited_institutions.all())
    addresses = {i.contact_email for i in institutions if i.contact_email}
    addresses |= set(meeting.other_invitee_addresses)
    addresses |= set(
        User.objects.filter(institution__in=institutions, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    return sorted(addresses)


def invitations_send(*, meeting: Meeting) -> int:
    """E-mail the invitation in Albanian, with the agenda and an .ics file, to each recipient
    (one message each, so nobody sees the others' addresses). Returns how many were sent."""
    from krat.mail import send_templated_mail
    from meetings.selectors import meeting_calendar, meeting_summary

    if meeting.status != MeetingStatus.PLANNED:
        raise ValidationError(_("Invitations go out only for a planned meeting."), code="not_planned")
    recipients = invitation_recipients(meeting)
    if not recipients:
        raise ValidationError(
            _("No invited institution or actor has an e-mail address or a representative with one."),
            code="no_recipients",
        )
    summary = meeting_summary(meeting)
    ics = meeting_calendar(meeting)
    for address in recipients:
        send_templated_mail(
            to=[address],
            template_prefix="meetings/email/invitation",
            context={"summary": summary},
            language="sq",
            attachments=[("takimi.ics", ics, "text/calendar")],
        )
    meeting.invitations_sent_at = timezone.now()
    meeting.save(update_fields=["invitations_sent_at"])
    return len(recipients)
