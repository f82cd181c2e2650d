"""Choice lists of the period data. Every breakdown has an explicit "unknown"."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from krat.choices import InstitutionKind

if TYPE_CHECKING:
    from cases.models import AgeGroup
    from krat.models.base import StrOrPromise

UNKNOWN = "unknown"
# The most one institution can count in one cell for one period of one county: far above
# what any county records (Albania identifies a few hundred victims a year), low enough that
# a typing mistake (an extra zero or three) is refused instead of filling a report.
MAX_COUNT = 10_000
# Ages where the county's age groups start and end.
MAX_AGE = 120


class DataKind(models.TextChoices):
    VICTIMS = "victims", _("Victims of trafficking")
    STREET_CHILDREN = "street_children", _("Children in street situations")
    EMPLOYMENT = "employment", _("Employment of vulnerable people")


# Keyed by DataKind, looked up by its value (a DataKind is the str it names).
DEFAULT_REPORTING_KINDS: dict[str, list[InstitutionKind]] = {
    DataKind.VICTIMS: [
        InstitutionKind.STATE_POLICE,
        InstitutionKind.SOCIAL_SERVICES,
        InstitutionKind.NGO,
        InstitutionKind.INTERNATIONAL,
    ],
    DataKind.STREET_CHILDREN: [
        InstitutionKind.CHILD_PROTECTION_UNIT,
        InstitutionKind.MUNICIPALITY,
        InstitutionKind.STATE_POLICE,
        InstitutionKind.SOCIAL_SERVICES,
    ],
    DataKind.EMPLOYMENT: [InstitutionKind.LABOUR_OFFICE],
}


class VictimStatus(models.TextChoices):
    """As Albania's National Referral Mechanism distinguishes them."""

    VICTIM = "victim", _("Identified victim")
    POTENTIAL = "potential", _("Potential victim")


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    UNKNOWN = UNKNOWN, _("Unknown")


class Exploitation(models.TextChoices):
    SEXUAL = "sexual", _("Sexual exploitation")
    LABOUR = "labour", _("Labour exploitation")
    BEGGING = "begging", _("Forced begging")
    CRIMINALITY = "criminality", _("Forced criminality")
    MARRIAGE = "marriage", _("Forced marriage")
    OTHER = "other", _("Other form")
    UNKNOWN = UNKNOWN, _("Unknown")


class Citizenship(models.TextChoices):
    ALBANIAN = "albanian", pgettext_lazy("citizenship", "Albanian")
    FOREIGN = "foreign", _("Foreign")
    UNKNOWN = UNKNOWN, _("Unknown")


class Movement(models.TextChoices):
    INTERNAL = "internal", _("Internal")
    CROSS_BORDER = "cross_border", _("Cross-border")
    UNKNOWN = UNKNOWN, _("Unknown")


class IdentifiedBy(models.TextChoices):
    POLICE = "police", _("Police")
    SOCIAL_SERVICES = "social_services", _("Social services")
    MOBILE_UNIT = "mobile_unit", _("Mobile identification unit")
    NGO = "ngo", _("NGO")
    SELF_REFERRAL = "self", _("Self-referral")
    UNKNOWN = UNKNOWN, _("Unknown")


class Dimension(models.TextChoices):
    """The independent breakdowns of one victims total (like DHIS2 disaggregations)."""

    SEX = "sex", _("Sex")
    AGE = "age", _("Age group")
    EXPLOITATION = "exploitation", _("Form of exploitation")
    CITIZENSHIP = "citizenship", _("Citizenship")
    MOVEMENT = "movement", _("Internal or cross-border")
    IDENTIFIED_BY = "identified_by", _("Identified by")
    COUNTRY = "country", _("Foreign victims by country")


FIXED_DIMENSIONS = {
    Dimension.SEX: Sex,
    Dimension.EXPLOITATION: Exploitation,
    Dimension.CITIZENSHIP: Citizenship,
    Dimension.MOVEMENT: Movement,
    Dimension.IDENTIFIED_BY: IdentifiedBy,
}


def victim_categories(age_groups: Sequence[AgeGroup]) -> dict[str, list[tuple[str, StrOrPromise]]]:
    """Every breakdown's categories of the victims grid as (value, label), "unknown" last:
    the fixed ones and the county's age groups (by id)."""
    categories: dict[str, list[tuple[str, StrOrPromise]]] = {
        dimension: [(str(value), label) for value, label in choices.choices]
        for dimension, choices in FIXED_DIMENSIONS.items()
    }
    categories[Dimension.AGE] = [(str(g.pk), g.label) for g in age_groups] + [(UNKNOWN, _("Unknown"))]
    ordered: dict[str, list[tuple[str, StrOrPromise]]] = {}
    for dimension in Dimension.values:
        if dimension in categories:
            ordered[dimension] = categories[dimension]
    return ordered


class Country(models.TextChoices):
    """Countries of citizenship of foreign victims seen in the region, and "other"."""

    XK = "XK", _("Kosovo")
    MK = "MK", _("North Macedonia")
    ME = "ME", _("Montenegro")
    RS = "RS", _("Serbia")
    GR = "GR", _("Greece")
    IT = "IT", _("Italy")
    TR = "TR", _("Türkiye")
    UA = "UA", _("Ukraine")
    MD = "MD", _("Moldova")
    RO = "RO", _("Romania")
    BG = "BG", _("Bulgaria")
    SY = "SY", _("Syria")
    AF = "AF", _("Afghanistan")
    PK = "PK", _("Pakistan")
    BD = "BD", _("Bangladesh")
    IN = "IN", _("India")
    NP = "NP", _("Nepal")
    PH = "PH", _("Philippines")
    NG = "NG", _("Nigeria")
    MA = "MA", _("Morocco")
    OTHER = "other", _("Other country")
    UNKNOWN = UNKNOWN, _("Unknown country")


class StreetActivity(models.TextChoices):
    BEGGING = "begging", _("Begging")
    SELLING = "selling", _("Selling")
    WITH_FAMILY = "with_family", _("With family members")
    OTHER = "other", _("Other")


class StreetAction(models.TextChoices):
    RETURNED_TO_FAMILY = "returned", _("Returned to the family")
    CHILD_PROTECTION_UNIT = "cpu", _("Referred to the child protection unit")
    SOCIAL_SERVICES = "social_services", _("Referred to social services or a shelter")
    MUNICIPALITY_OF_ORIGIN = "origin", _("Handed to the municipality of origin")


class Accompanied(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    UNKNOWN = UNKNOWN, _("Unknown")


class VulnerableGroup(models.TextChoices):
    ECONOMIC_AID = "economic_aid", _("On economic aid")
    TRAFFICKING_SURVIVOR = "survivor", _("Trafficking survivors")
    ROMA_EGYPTIAN = "roma_egyptian", _("Roma and Egyptian communities")
    DISABILITY = "disability", _("People with disabilities")
    OTHER = "other", _("Other vulnerable groups")
