"""Choice lists of the table's core."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class InstitutionKind(models.TextChoices):
    PREFECTURE = "prefecture", _("Prefecture")
    STATE_POLICE = "state_police", _("State Police")
    SOCIAL_SERVICES = "social_services", _("Regional social services")
    LABOUR_OFFICE = "labour_office", _("Labour office")
    EDUCATION = "education", _("Education directorate")
    HEALTH = "health", _("Health directorate")
    MUNICIPALITY = "municipality", _("Municipality")
    CHILD_PROTECTION_UNIT = "child_protection_unit", _("Child protection unit")
    NGO = "ngo", _("Non-governmental organisation")
    INTERNATIONAL = "international", _("International organisation")
    OTHER = "other", _("Other")


class Role(models.TextChoices):
    """What a person may do in the application; see `krat.access`."""

    SECRETARIAT = "secretariat", _("Secretariat")
    CHAIR = "chair", _("Chair")
    REPRESENTATIVE = "representative", _("Institution representative")
    OBSERVER = "observer", _("Observer (county)")
    NATIONAL_OBSERVER = "national_observer", _("Observer (national)")


COUNTY_ROLES = [Role.SECRETARIAT, Role.CHAIR, Role.REPRESENTATIVE, Role.OBSERVER]


class Position(models.TextChoices):
    """A person's place in the Prefect's yearly membership order."""

    NONE = "", _("No position in the membership order")
    REPRESENTATIVE = "representative", _("Representative")
    DEPUTY = "deputy", _("Deputy")


class Month(models.IntegerChoices):
    JANUARY = 1, _("January")
    FEBRUARY = 2, _("February")
    MARCH = 3, _("March")
    APRIL = 4, _("April")
    MAY = 5, _("May")
    JUNE = 6, _("June")
    JULY = 7, _("July")
    AUGUST = 8, _("August")
    SEPTEMBER = 9, _("September")
    OCTOBER = 10, _("October")
    NOVEMBER = 11, _("November")
    DECEMBER = 12, _("December")


def label_of(choices: type[models.Choices], value: object) -> str:
    """The label of `value` among `choices` in the active language, or the value itself
    when it is not one of them: what a model's `get_FOO_display()` gives, without what
    that costs on every call (it rebuilds the choices as a dict, hashing every lazy label,
    which translates it: a report of a few hundred rows spent milliseconds on it)."""
    member = choices._value2member_map_.get(value)
    return str(member.label) if member is not None else str(value)  # type: ignore[attr-defined]
