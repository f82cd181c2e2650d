"""The counties' age groups as the reads use them: one county's (through the services, which
create the defaults on first use) and several counties' in one query."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from cases.models import AgeGroup
from krat.models import County


def county_age_groups(county: County) -> list[AgeGroup]:
    from cases.services.settings import age_groups_for

    return age_groups_for(county)


def age_groups_of(counties: Iterable[County]) -> dict[int, list[AgeGroup]]:
    """Each county's age groups (`age_groups_for`), read in one query for all of them."""
    from cases.services.settings import age_groups_for

    counties = {county.pk: county for county in counties}
    found: dict[int, list[AgeGroup]] = defaultdict(list)
    for group in AgeGroup.objects.filter(county_id__in=counties).order_by("min_age"):
        found[group.county_id].append(group)
    return {pk: found.get(pk) or age_groups_for(county) for pk, county in counties.items()}
