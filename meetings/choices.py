"""Choice lists of the meetings app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Body(models.TextChoices):
    """Which body meets: the working-level Technical Table or the KRAT itself."""

    TECHNICAL_TABLE = "technical_table", _("Technical Table")
    PLENARY = "plenary", _("KRAT plenary")


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class MinutesStatus(models.TextChoices):
    """Draft minutes are edited; approved minutes are locked until the chair reopens them."""

    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("Present")
    ABSENT = "absent", _("Absent")
    EXCUSED = "excused", _("Excused")


class DecisionStatus(models.TextChoices):
    """A decision stays on later agendas until it is done or closed."""

    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CLOSED = "closed", _("Closed")


FINISHED_DECISION_STATUSES = [DecisionStatus.DONE, DecisionStatus.CLOSED]
