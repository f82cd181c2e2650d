"""Writes of the table's core. Each validates the whole record before saving."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from krat import access
from krat.api.tokens import tokens_revoke_all
from krat.concurrency import save_versioned
from krat.models import County, Institution, ReportingPeriod, User


def institution_save(*, institution: Institution, expected_version: int | None) -> Institution:
    return save_versioned(institution, expected_version=expected_version)


def period_save(*, period: ReportingPeriod, expected_version: int | None) -> ReportingPeriod:
    return save_versioned(period, expected_version=expected_version)


def county_settings_save(*, county: County, expected_version: int | None) -> County:
    return save_versioned(county, expected_version=expected_version)


def person_save(*, person: User, expected_version: int | None, password: str | None, by: User) -> User:
    """Create or update a representative or county observer as `by`; a new password is
    hashed, never stored as typed.

    The account as stored must be one `by` may manage (a chair, a secretariat, an
    administrator is refused however the request was made), and so must the account as
    it will be saved: no other role, no administration-site rights, no other county.
    """
    with transaction.atomic():
        if person.pk is not None:
            stored = User.objects.select_for_update(of=("self",)).select_related("county").get(pk=person.pk)
            if not access.can_manage_person(by, stored):
                raise PermissionDenied
        if not access.can_manage_person(by, person):
            if person.role not in access.COUNTY_MANAGED_ROLES:
                message = _("This role is given by an administrator, not on the people pages.")
                raise ValidationError({"role": ValidationError(message, code="role_not_managed")})
            raise PermissionDenied
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


def person_unlock(*, person: User, by: User) -> int:
    """Forget `person`'s failed log-ins, so that a lock on them lifts now; `by` is the
    secretariat of their county (or a superuser), and only for accounts it manages.

    Every kind of lock on the person goes (everywhere and at each address), with their
    failures' share of an address's count; a lock on an address for other user names stays.
    The unlock is kept in the person's change history, with who did it. Returns how many
    attempt rows were forgotten.
    """
    from axes.handlers.proxy import AxesProxyHandler

    with transaction.atomic():
        stored = User.objects.select_for_update(of=("self",)).select_related("county").get(pk=person.pk)
        if not access.can_manage_person(by, stored):
            raise PermissionDenied
        forgotten = AxesProxyHandler.reset_attempts(username=stored.username)
        if not forgotten:
            raise ValidationError(
                _("No failed log-in is recorded for this person."), code="nothing_to_unlock"
            )
        # simple-history writes a history row on save; saving the unchanged row (its version
        # too, so an open edit form stays valid) records the unlock and its author.
        stored._change_reason = _("Log-in unlocked: the failed attempts were forgotten.")
        stored._history_user = by
        stored.save(update_fields=["version"])
    return forgotten


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
