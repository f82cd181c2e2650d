"""Who sees exact figures (`sees_exact`): the one question the pages, the exports, the API
and the dashboard ask before they hide small numbers."""

from __future__ import annotations

from krat.models import County, Institution


def sees_exact(user, county: County, institution: Institution | None = None) -> bool:
    """The secretariat and the chair see exact figures; a representative sees its own
    institution's figures exact; everyone else sees small numbers hidden."""
    from krat import access

    if access.can_manage_county(user, county) or access.can_chair(user, county):
        return True
    return institution is not None and user.is_representative and user.institution_id == institution.pk
