"""Who may read, edit and review a period submission, built on `krat.access`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from krat import access
from krat.choices import Role

if TYPE_CHECKING:
    from krat.models import County, Institution, User


def can_read_submission(user: User, institution: Institution) -> bool:
    """Whole-county readers see every submission; representatives their institution's."""
    county = institution.county
    if access.can_read_whole_county(user, county):
        return True
    return access.can_read_county(user, county) and user.institution_id == institution.pk


def can_edit_submission(user: User, institution: Institution) -> bool:
    """The institution's representatives and deputies, and the secretariat on their behalf."""
    return access.can_write_for_institution(user, institution)


def can_review(user: User, county: County) -> bool:
    """Return, approve and reopen: the secretariat only, never a representative."""
    return access.can_manage_county(user, county) and user.role != Role.REPRESENTATIVE
