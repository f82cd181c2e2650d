"""Pages of the meetings app: thin function views over `services` and `selectors`."""

from meetings.views.documents import (
    attachment_create,
    attachment_delete,
    attachment_download,
    invitation_pdf,
    meeting_ics,
    summary_pdf,
    summary_print,
)
from meetings.views.minutes import (
    agenda_item_create,
    agenda_item_delete,
    agenda_item_edit,
    attendance_edit,
    decision_create,
    decision_edit,
    decision_status,
    minutes_approve,
    minutes_edit,
    minutes_reopen,
)
from meetings.views.planning import (
    decisions_xlsx,
    invitations_send,
    meeting_create,
    meeting_detail,
    meeting_edit,
    meeting_list,
    meeting_status,
)

__all__ = [
    "agenda_item_create",
    "agenda_item_delete",
    "agenda_item_edit",
    "attachment_create",
    "attachment_delete",
    "attachment_download",
    "attendance_edit",
    "decision_create",
    "decision_edit",
    "decision_status",
    "decisions_xlsx",
    "invitation_pdf",
    "invitations_send",
    "meeting_create",
    "meeting_detail",
    "meeting_edit",
    "meeting_ics",
    "meeting_list",
    "meeting_status",
    "minutes_approve",
    "minutes_edit",
    "minutes_reopen",
    "summary_pdf",
    "summary_print",
]
