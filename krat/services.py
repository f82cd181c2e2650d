"""Writes of the table's core. Each validates the whole record before saving."""

from __future__ import annotations

import datetime

from django.apps import apps as django_apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from krat import access
from krat.api.tokens import tokens_revoke_all
from krat.concurrency import save_versioned
from krat.models import County, Institution, ReportingPeriod, TableMembership, User


def institution_save(
    *,
    institution: Institution,
    expected_version: int | None,
    member_since: datetime.date | None = None,
    reference: str = "",
) -> Institution:
    """Create or update an institution.

    One named a member of the Technical Table (the new institution's form asks) gets a
    membership from `member_since`, with the order that decided it (`reference`). One
    made inactive leaves the table: its open membership ends today (`membership_end`), so
    that it is not counted from tomorrow and still is for the days it sat.
    """
    with transaction.atomic():
        institution = save_versioned(institution, expected_version=expected_version)
        if member_since is not None:
            membership_start(institution=institution, start_date=member_since, reference=reference)
        if not institution.is_active and institution.memberships.filter(end_date__isnull=True).exists():
            membership_end(institution=institution, end_date=timezone.localdate())
        return institution


def _lock(institution: Institution) -> None:
    """Hold the institution's row until the transaction ends: two writes of its memberships
    wait for each other, so each one's overlap check sees the other's result."""
    list(Institution.objects.select_for_update().filter(pk=institution.pk).values_list("pk"))


Span = tuple[datetime.date, datetime.date | None]  # first and last day; None: no end yet


def _within(span: Span | None, start: datetime.date, end: datetime.date) -> Span | None:
    """The days of `span` inside [start, end], or None when there are none."""
    if span is None:
        return None
    first, last = max(span[0], start), min(span[1] or end, end)
    return (first, last) if first <= last else None


def _refuse_change_to_closed_periods(
    institution: Institution, before: Span | None, after: Span | None
) -> None:
    """A closed period's members are settled: its board, reminders and report counted them.
    Refuse a membership change (`before` → `after`) that would change who was a member on
    any day of a closed period of the county; it must be reopened first."""
    touched = [
        period
        for period in ReportingPeriod.objects.filter(
            county_id=institution.county_id, is_closed=True
        ).order_by("start_date")
        if _within(before, period.start_date, period.end_date)
        != _within(after, period.start_date, period.end_date)
    ]
    if touched:
        raise ValidationError(
            _(
                "This would change who was a member of the table in the closed period “%(period)s”, "
                "whose board and report counted its members. Reopen the period first, or choose dates after it."
            ),
            code="closed_period_members",
            params={"period": touched[0].label},
        )


@transaction.atomic
def membership_save(*, membership: TableMembership, expected_version: int | None) -> TableMembership:
    """Record a membership of the Technical Table or correct one (its dates, its orders).
    Refused when it would change the members of a closed period."""
    _lock(membership.institution)
    stored = (
        TableMembership.objects.filter(pk=membership.pk).values_list("start_date", "end_date").first()
        if membership.pk
        else None
    )
    _refuse_change_to_closed_periods(
        membership.institution, stored, (membership.start_date, membership.end_date)
    )
    return save_versioned(membership, expected_version=expected_version)


@transaction.atomic
def membership_start(
    *,
    institution: Institution,
    start_date: datetime.date,
    end_date: datetime.date | None = None,
    reference: str = "",
) -> TableMembership:
    """Make `institution` a member of the table from `start_date` (until `end_date`, or
    with no end). Refused if it is already a member on one of those days."""
    _lock(institution)
    membership = TableMembership(
        institution=institution, start_date=start_date, end_date=end_date, reference=reference
    )
    membership.full_clean()
    _refuse_change_to_closed_periods(institution, None, (start_date, end_date))
    membership.save()
    return membership


@transaction.atomic
def membership_end(
    *, institution: Institution, end_date: datetime.date, end_reference: str = ""
) -> TableMembership:
    """End the institution's open membership: `end_date` is its last day as a member."""
    _lock(institution)
    membership = institution.memberships.filter(end_date__isnull=True).first()
    if membership is None:
        raise ValidationError(
            _("%(institution)s is not a member of the Technical Table with no end date."),
            code="not_member",
            params={"institution": institution.name},
        )
    if end_date < membership.start_date:
        raise ValidationError(
            _("The membership starts on %(start)s: it cannot end before that."),
            code="end_before_start",
            params={"start": date_format(membership.start_date, "SHORT_DATE_FORMAT")},
        )
    _refuse_change_to_closed_periods(
        institution, (membership.start_date, None), (membership.start_date, end_date)
    )
    membership.end_date = end_date
    membership.end_reference = end_reference or membership.end_reference
    membership.version += 1
    membership.full_clean()
    membership.save()
    return membership


def period_save(*, period: ReportingPeriod, expected_version: int | None) -> ReportingPeriod:
    return save_versioned(period, expected_version=expected_version)


def county_create(*, county: County) -> County:
    """Create `county` (unsaved) with what each app keeps for every county (`county_defaults_ensure`):
    a county never exists without them, so reading them never has to create them."""
    if county.pk is not None:
        raise ValueError("county_create takes a county that is not saved yet")
    with transaction.atomic():
        county.full_clean()
        county.save()
        county_defaults_ensure(county=county)
    return county


def county_defaults_ensure(*, county: County) -> None:
    """Create what each app keeps for every county and `county` lacks.

    An app declares it as a `county_created(county)` method on its `AppConfig` (the core
    imports no app); it creates only what is missing, so calling it again changes nothing."""
    for config in django_apps.get_app_configs():
        created = getattr(config, "county_created", None)
        if created is not None:
            created(county)


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
        forgotten: int = AxesProxyHandler.reset_attempts(username=stored.username)
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
        county = County.objects.filter(slug=slug_for(county_name)).first()
        if county is None:
            county = county_create(
                county=County(
                    name=county_name, slug=slug_for(county_name), prefecture_name=prefecture_name(county_name)
                )
            )
            created += 1
        for municipality in municipalities:
            created += Municipality.objects.get_or_create(name=municipality, defaults={"county": county})[1]
    return created
