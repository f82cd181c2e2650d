"""Choice lists of the action plan and the awareness calendar."""

from django.db import models
from django.utils.translation import gettext_lazy as _

# The four pillars of Albania's anti-trafficking plans, as a new plan starts with them.
DEFAULT_PILLARS = ["Parandalimi", "Mbrojtja", "Ndjekja penale", "Koordinimi/Bashkëpunimi"]


class ProgressStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    DELAYED = "delayed", _("Delayed")
    CANCELLED = "cancelled", _("Cancelled")


class ActivityState(models.TextChoices):
    """Where an activity stands on a given day: the four parts add up to the whole plan."""

    DONE = "done", _("Done")
    ON_TRACK = "on_track", _("On track")
    OVERDUE = "overdue", _("Overdue")
    CANCELLED = "cancelled", _("Cancelled")


class EventStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class TargetGroupCode(models.TextChoices):
    PUPILS = "pupils", _("Pupils")
    PARENTS = "parents", _("Parents")
    TEACHERS = "teachers", _("Teachers")
    ROMA_EGYPTIAN = "roma_egyptian", _("Roma and Egyptian communities")
    TOURISTS = "tourists", _("Tourists")
    EMPLOYERS = "employers", _("Employers")
    JOBSEEKERS = "jobseekers", _("Jobseekers and families on economic aid")
    YOUTH = "youth", _("Young people")
    PROFESSIONALS = "professionals", _("Front-line professionals")
    GENERAL_PUBLIC = "general_public", _("General public")
