"""The county's period data settings and age groups: created with the county
(`county_defaults_create`, which `krat.services.county_create` calls through the app's
`AppConfig.county_created`), read by `cases.selectors`, and saved together (age groups only
while no figure uses them)."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cases.choices import MAX_AGE, Dimension
from cases.models import AgeGroup, CasesSettings, EmploymentFunnel, StreetChildCount, VictimCount
from cases.selectors.age_groups import age_groups_for
from krat import generations
from krat.concurrency import save_versioned
from krat.models import County

DEFAULT_AGE_GROUPS = [(0, 13), (14, 17), (18, 24), (25, None)]


def county_defaults_create(*, county: County) -> None:
    """The county's settings (every kind reports what it does by default) and age groups
    (0–13, 14–17, 18–24, 25+), each created if the county has none: a second call changes
    nothing."""
    with transaction.atomic():
        if not CasesSettings.objects.filter(county=county).exists():
            settings = CasesSettings(county=county)
            settings.full_clean()
            settings.save()
        if not AgeGroup.objects.filter(county=county).exists():
            groups = [AgeGroup(county=county, min_age=low, max_age=high) for low, high in DEFAULT_AGE_GROUPS]
            for group in groups:
                group.full_clean()
            AgeGroup.objects.bulk_create(groups)
            generations.changed(AgeGroup, county.pk)  # bulk_create sends no signal


def settings_save(
    *, settings: CasesSettings, expected_version: int | None, bounds: Sequence[int] | None
) -> CasesSettings:
    """Save the period data settings and, when they changed, the age groups: both or neither."""
    with transaction.atomic():
        save_versioned(settings, expected_version=expected_version)
        current = [g.min_age for g in age_groups_for(settings.county)]
        if bounds and list(bounds) != current:
            age_groups_set(county=settings.county, bounds=bounds)
    return settings


def age_groups_set(*, county: County, bounds: Sequence[int]) -> list[AgeGroup]:
    """Replace the county's age groups by groups starting at `bounds` (the last is open).

    Refused once any figure uses the current groups: old figures keep their meaning.
    """
    starts = sorted(set(bounds))
    if not starts or starts[0] != 0 or any(b < 0 or b > MAX_AGE for b in starts):
        raise ValidationError(
            _("Give the ages where groups start, beginning with 0, such as “0, 14, 18, 25”."),
            code="bad_bounds",
        )
    current = AgeGroup.objects.filter(county=county)
    used = (
        StreetChildCount.objects.filter(age_group__in=current).exists()
        or EmploymentFunnel.objects.filter(age_group__in=current).exists()
        or VictimCount.objects.filter(report__county=county, dimension=Dimension.AGE, count__gt=0).exists()
    )
    if used:
        raise ValidationError(
            _("The age groups are already used by recorded figures and cannot be changed."),
            code="groups_used",
        )
    with transaction.atomic():
        VictimCount.objects.filter(report__county=county, dimension=Dimension.AGE).delete()
        current.delete()
        ends = [b - 1 for b in starts[1:]] + [None]
        AgeGroup.objects.bulk_create(
            [
                AgeGroup(county=county, min_age=low, max_age=high)
                for low, high in zip(starts, ends, strict=True)
            ]
        )
        generations.changed(AgeGroup, county.pk)  # bulk_create sends no signal
    return age_groups_for(county)
