"""Who may read and write what: the one place the role rules live.

Views never test roles themselves: they call `county_for_user` (or an app's own
`<model>_for_user` built on these predicates), which answers 404 when the county is
not the user's to see — so nobody learns that another county's record exists — and
403 when they may see it but not do what they asked.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from krat.choices import Role

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from krat.models import County, FinalReport, Institution, ReportingPeriod, User


def is_national(user: User) -> bool:
    return user.is_authenticated and user.is_national


def visible_counties(user: User) -> QuerySet[County]:
    from krat.models import County

    if not user.is_authenticated:
        return County.objects.none()
    if is_national(user):
        return County.objects.all()
    if user.county_id is None:
        return County.objects.none()
    return County.objects.filter(pk=user.county_id)


def can_read_county(user: User, county: County) -> bool:
    return user.is_authenticated and (is_national(user) or user.county_id == county.pk)


def can_manage_county(user: User, county: County) -> bool:
    """The secretariat runs the county's table; a superuser may stand in anywhere."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return user.role == Role.SECRETARIAT and user.county_id == county.pk


# The accounts the people pages make and change: a county's representatives and observers.
# The secretariat, the chair and national observers are made by a superuser in the
# administration site, so that the person who prepares a report cannot give themselves (or
# a colleague) the power to sign it, nor take over the account of the person who signs.
COUNTY_MANAGED_ROLES = (Role.REPRESENTATIVE, Role.OBSERVER)


def is_county_managed(person: User) -> bool:
    """Whether `person`'s account is one a county's people pages may change at all:
    a representative or county observer who holds no administration-site rights."""
    return (
        person.county_id is not None
        and person.role in COUNTY_MANAGED_ROLES
        and not person.is_staff
        and not person.is_superuser
    )


def can_manage_person(user: User, person: User) -> bool:
    """Edit, deactivate, set the password of, or unlock `person`: the secretariat of their
    county (or a superuser standing in), for accounts of the roles it manages only."""
    # is_county_managed checks that person has a county; the second test says so to mypy.
    return is_county_managed(person) and person.county is not None and can_manage_county(user, person.county)


def can_read_whole_county(user: User, county: County) -> bool:
    """Secretariat, chair and observers read everything; representatives what is shared."""
    return can_read_county(user, county) and user.role != Role.REPRESENTATIVE


def can_chair(user: User, county: County) -> bool:
    """The Secretary General approves, signs and reopens."""
    return user.is_authenticated and (
        user.is_superuser or (user.role == Role.CHAIR and user.county_id == county.pk)
    )


def sees_exact_figures(user: User, county: County, institution: Institution | None = None) -> bool:
    """Whether `user` reads the case figures of `county` exact, small numbers shown.

    The one rule every page, export, PDF, API resource and finalised report asks:
    the table sees exact figures — the county's secretariat and its chair (and a
    superuser standing in) — and a representative sees its own institution's figures
    exact (`institution`, when the figures are one institution's), nothing else.
    Everyone else, the county's observer and the national observers above all, reads
    the version for sharing, small numbers hidden: what they may pass on is exactly
    what they are given, so nothing they hold says "2" where a shared report says "< 3".
    """
    if can_manage_county(user, county) or can_chair(user, county):
        return True
    return (
        institution is not None
        and user.is_authenticated
        and user.role == Role.REPRESENTATIVE
        and user.county_id == county.pk
        and institution.county_id == county.pk
        and user.institution_id == institution.pk
    )


def period_published(period: ReportingPeriod) -> bool:
    """Whether `period`'s case figures are published to every reader of its county: once
    the period is closed (`ReportingPeriod.is_closed`, after which no write is accepted,
    `cases.services.reporting.check_writable`). The half of `figures_published` that does
    not depend on the reader: what the version for sharing (small numbers hidden) asks of
    every period it shows, the compared ones too."""
    return period.is_closed


def figures_published(user: User, period: ReportingPeriod, institution: Institution | None = None) -> bool:
    """Whether `user` may be given any case figure of `period` (victims, street children,
    employment: counts, breakdowns, comparisons, and who has reported), of the county, or
    of `institution` alone when the figures are one institution's.

    The one rule every page, export, API resource, dashboard card and report asks before
    it gives case figures of a period to a reader. Small-number suppression protects one
    snapshot only: a reader who does not see exact figures (an observer, a national
    observer, a representative reading the county) could download an open period's
    figures, wait for one more entry and download again — the difference is the new
    record (a count of 1 and its sex, exploitation and citizenship, and "who has reported"
    names its institution). So, as in DHIS2's data approval (a higher level sees a
    period's data only once it is approved), those readers get a period's figures only
    when it is published: closed (`period_published`), when they can no longer change.
    Those who see the figures exact (`sees_exact_figures`: the secretariat, the chair, a
    representative for its own institution) read them as they are entered.
    """
    return period_published(period) or sees_exact_figures(user, period.county, institution)


def can_read_final_report(user: User, final: FinalReport) -> bool:
    """A finalised report: its county's whole-county readers, and the table's version
    (made with exact figures, `shared=False`) only to those who see exact figures."""
    county = final.period.county
    return can_read_whole_county(user, county) and (final.shared or sees_exact_figures(user, county))


def can_write_for_institution(user: User, institution: Institution) -> bool:
    """The institution's own representatives, and the secretariat of its county."""
    if can_manage_county(user, institution.county):
        return True
    return user.role == Role.REPRESENTATIVE and user.institution_id == institution.pk


def county_for_user(user: User, slug: str, *, manage: bool = False) -> County:
    """The county at `slug` if the user may read it (404 otherwise); 403 if `manage`
    is asked for and the user may not manage it."""
    county = get_object_or_404(visible_counties(user), slug=slug)
    if manage and not can_manage_county(user, county):
        raise PermissionDenied
    return county


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def person_for_manager(user: User, pk: int) -> User:
    """The person `pk` for a page that changes their account: 404 when their county is not
    the user's to see (or they have none), 403 when the user may see them but not change
    this account (a chair, a secretariat colleague, an administrator)."""
    from krat.models import User

    person = get_object_or_404(
        User.objects.select_related("county", "institution"), pk=pk, county__isnull=False
    )
    assert person.county is not None  # county__isnull=False above
    require_readable(user, person.county)
    require(can_manage_person(user, person))
    return person


def require_readable(user: User, county: County) -> None:
    """404 for a record in a county the user cannot see."""
    if not can_read_county(user, county):
        raise Http404


def can_read_history(user: User, county: County) -> bool:
    """A record's change history: the secretariat and the chair of its county."""
    return can_manage_county(user, county) or can_chair(user, county)
