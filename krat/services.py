"""Writes of the table's core. Each validates the whole record before saving."""

from __future__ import annotations

from django.db import transaction

from krat.api.tokens import tokens_revoke_all
from krat.concurrency import save_versioned
from krat.models import County, Institution, ReportingPeriod, User


def institution_save(*, institution: Institution, expected_version: int | None) -> Institution:
    return save_versioned(institution, expected_version=expected_version)


def period_save(*, period: ReportingPeriod, expected_version: int | None) -> ReportingPeriod:
    return save_versioned(period, expected_version=expected_version)


def county_settings_save(*, county: County, expected_version: int | None) -> County:
    return save_versioned(county, expected_version=expected_version)


def person_save(*, person: User, expected_version: int | None, password: str | None) -> User:
    """Create or update a person; a new password is hashed, never stored as typed."""
    with transaction.atomic():
        if password:
            person.set_password(password)
        person = save_versioned(person, expected_version=expected_version)
        if password:
            tokens_revoke_all(user=person)
        return person


@transaction.atomic
def person_password_set(*, person: User, password: str) -> User:
    """Give `person` a new password, as they or an administrator typed it.

    Every page of KRAT that changes a password comes here or through `person_save`
    (the person's own change page, the admin's password page, the secretariat's person
    form): the person's API tokens are revoked with the old password, since whoever
    knew that may have made or copied them.
    """
    person.set_password(password)
    person.save(update_fields=["password"])
    tokens_revoke_all(user=person)
    return person


@transaction.atomic
def counties_load() -> int:
    """Create Albania's twelve counties and sixty-one municipalities; existing ones stay.

    Returns how many records were created, so a second run reports 0.
    """
    from krat.geography import COUNTIES, prefecture_name, slug_for
    from krat.models import Municipality

    created = 0
    for county_name, municipalities in COUNTIES.items():
        county, made = County.objects.get_or_create(
            slug=slug_for(county_name),
            defaults={"name": county_name, "prefecture_name": prefecture_name(county_name)},
        )
        created += made
        for municipality in municipalities:
            created += Municipality.objects.get_or_create(name=municipality, defaults={"county": county})[1]
    return created
