"""The counties' age groups as the reads use them: one county's, or several counties' in one
query. They are created with their county (`cases.services.settings.county_defaults_create`):
a read never creates them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from cases.models import AgeGroup
from krat.models import County


class AgeGroupsMissing(LookupError):
    """A county without age groups: it was not made by `krat.services.county_create`."""

    def __init__(self, county: County | int) -> None:
        name = county.slug if isinstance(county, County) else f"#{county}"
        super().__init__(
            f"County {name} has no age groups: they are created with the county "
            "(krat.services.county_create; migration cases 0004 for counties made before it)."
        )


def age_groups_for(county: County) -> list[AgeGroup]:
    """The county's age groups, youngest first (one query)."""
    groups = list(AgeGroup.objects.filter(county=county).order_by("min_age"))
    if not groups:
        raise AgeGroupsMissing(county)
    return groups


def age_groups_of(counties: Iterable[County]) -> dict[int, list[AgeGroup]]:
    """Each county's age groups (`age_groups_for`), read in one query for all of them."""
    pks = {county.pk for county in counties}
    found: dict[int, list[AgeGroup]] = defaultdict(list)
    for group in AgeGroup.objects.filter(county_id__in=pks).order_by("min_age"):
        found[group.county_id].append(group)
    for pk in pks - found.keys():
        raise AgeGroupsMissing(pk)
    return dict(found)
