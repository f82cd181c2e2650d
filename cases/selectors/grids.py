"""The grids as the institutions entered them, for the entry pages and the API: victims and
employment grids of one or several (period, institution) pairs, in bounded queries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import reduce
from operator import or_
from types import MappingProxyType

from django.db.models import Q

from cases.choices import VictimStatus
from cases.models import EmploymentFunnel, VictimReport
from krat.models import Institution, ReportingPeriod


def grids_q(keys: Iterable[tuple[int, int]]) -> Q:
    """The records (or their history) of these (period id, institution id) grids."""
    return reduce(
        or_, (Q(period_id=period, institution_id=institution) for period, institution in keys), Q(pk__in=[])
    )


@dataclass(frozen=True)
class StoredVictimGrid:
    """One status of an institution's victims grid as stored: its total and those referred
    to services or a shelter (None: left empty, no value), its version (None: never saved)
    and each count entered by (breakdown, category); a cell left empty is absent, never 0."""

    total: int | None
    referred: int | None
    version: int | None
    cells: Mapping[tuple[str, str], int]


#: A status never saved: nothing entered, no version.
NEVER_SAVED = StoredVictimGrid(total=None, referred=None, version=None, cells=MappingProxyType({}))


def victim_grid_values(*, period: ReportingPeriod, institution: Institution) -> dict[str, StoredVictimGrid]:
    """The stored grid of one institution, by status (a status never saved is absent)."""
    return victim_grids_values([(period.pk, institution.pk)]).get((period.pk, institution.pk), {})


def victim_grid_versions(*, period: ReportingPeriod, institution: Institution) -> dict[str, int]:
    """Each status's stored version in one institution's grid (0: never saved), as the
    grid's pages send it back to lock their save."""
    stored = dict(
        VictimReport.objects.filter(period=period, institution=institution).values_list("status", "version")
    )
    return {status: stored.get(status, 0) for status in VictimStatus.values}


def victim_grids_values(
    keys: Iterable[tuple[int, int]],
) -> dict[tuple[int, int], dict[str, StoredVictimGrid]]:
    """The stored grids of several (period id, institution id), as `victim_grid_values`
    gives one; two queries however many."""
    reports = VictimReport.objects.filter(grids_q(keys)).prefetch_related("cells")
    result: dict[tuple[int, int], dict[str, StoredVictimGrid]] = defaultdict(dict)
    for report in reports:
        result[(report.period_id, report.institution_id)][report.status] = StoredVictimGrid(
            total=report.total,
            referred=report.referred,
            version=report.version,
            cells={(c.dimension, c.category): c.count for c in report.cells.all()},
        )
    return result


def employment_rows(period: ReportingPeriod, institution: Institution) -> list[EmploymentFunnel]:
    return employment_grids_rows([(period.pk, institution.pk)]).get((period.pk, institution.pk), [])


def employment_grids_rows(keys: Iterable[tuple[int, int]]) -> dict[tuple[int, int], list[EmploymentFunnel]]:
    """The rows of several (period id, institution id) employment grids, in one query."""
    rows = (
        EmploymentFunnel.objects.filter(grids_q(keys))
        .select_related("age_group")
        .order_by("group", "sex", "age_group__min_age", "pk")
    )
    result: dict[tuple[int, int], list[EmploymentFunnel]] = defaultdict(list)
    for row in rows:
        result[(row.period_id, row.institution_id)].append(row)
    return result
