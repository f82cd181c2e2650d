"""Victims figures: the period's summary (with the comparisons), the categories of each
breakdown, an institution's grid as a reader sees it, and the earlier means the outlier
warnings compare with."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Avg, Sum

from cases.choices import Citizenship, Country, DataKind, Dimension, VictimStatus
from cases.models import VictimCount, VictimReport
from cases.selectors.age_groups import county_age_groups
from cases.selectors.comparison import comparison_periods, period_info
from cases.selectors.reporting import reporting_institutions
from krat.freshness import kept
from krat.models import County, Institution, ReportingPeriod
from krat.suppression import exact, present, suppress_breakdowns


def earlier_victim_means(*, period: ReportingPeriod, institution: Institution) -> dict[str, float]:
    """The mean total per status of the institution's reports in earlier periods."""
    rows = (
        VictimReport.objects.filter(institution=institution, period__start_date__lt=period.start_date)
        .values("status")
        .annotate(mean=Avg("total"))
    )
    return {row["status"]: float(row["mean"]) for row in rows}


def victim_categories(county: County) -> dict[str, list[tuple[str, str]]]:
    from cases.services.victims import victim_categories

    return victim_categories(county_age_groups(county))


def victim_grid_shown(stored: dict, categories: dict, k: int, *, suppressed: bool) -> list[dict]:
    """An institution's stored grid (`victim_grid_values`) as a reader sees it, status by
    status: {"status", "version", "total", "referred", "cells"}, each cell
    (dimension, category, Cell). With `suppressed`, small numbers are hidden along the
    lines `victims_summary` uses (each breakdown adds up to the total)."""
    statuses = []
    for status in VictimStatus.values:
        grid = stored.get(status) or {"total": 0, "referred": 0, "cells": {}, "version": None}
        total, referred, parts = _victim_cells(
            grid["total"], grid["referred"], grid["cells"], categories, k, suppressed
        )
        countries = parts[(Dimension.CITIZENSHIP, Citizenship.FOREIGN.value)]
        statuses.append(
            {
                "status": status,
                "version": grid["version"],
                "total": total,
                "referred": referred,
                "cells": [
                    (dimension, value, parts[dimension][value])
                    for dimension, options in categories.items()
                    for value, _label in options
                ]
                + [(Dimension.COUNTRY.value, code, countries[code]) for code in sorted(countries)],
            }
        )
    return statuses


def _victim_raw(county: County, period_ids: list[int], institution: Institution | None) -> tuple[dict, dict]:
    """(totals, cells) summed over institutions: totals[(period, status)] = (total, referred),
    cells[(period, status)][(dimension, category)] = count. Two queries."""
    reports = VictimReport.objects.filter(county=county, period_id__in=period_ids)
    cells_qs = VictimCount.objects.filter(report__county=county, report__period_id__in=period_ids)
    if institution is not None:
        reports = reports.filter(institution=institution)
        cells_qs = cells_qs.filter(report__institution=institution)
    totals = {
        (row["period_id"], row["status"]): (row["total"] or 0, row["referred"] or 0)
        for row in reports.values("period_id", "status").annotate(
            total=Sum("total"), referred=Sum("referred")
        )
    }
    cells: dict = defaultdict(dict)
    for row in cells_qs.values("report__period_id", "report__status", "dimension", "category").annotate(
        n=Sum("count")
    ):
        cells[(row["report__period_id"], row["report__status"])][(row["dimension"], row["category"])] = row[
            "n"
        ]
    return totals, cells


def _victim_cells(total: int, referred: int, cells: dict, categories: dict, k: int, suppressed: bool):
    breakdowns = {
        dimension: {value: cells.get((dimension, value), 0) for value, _label in options}
        for dimension, options in categories.items()
    }
    countries = {code: cells.get((Dimension.COUNTRY, code), 0) for code in Country.values}
    countries = {code: n for code, n in countries.items() if n}
    total_cell, parts = suppress_breakdowns(
        total,
        breakdowns,
        k,
        suppressed=suppressed,
        nested={(Dimension.CITIZENSHIP, Citizenship.FOREIGN.value): countries},
    )
    referred_cell = present({"r": referred}, [], k, suppressed=suppressed)["r"]
    return total_cell, referred_cell, parts


@kept("cases.victims_summary")
def victims_summary(
    county: County, period: ReportingPeriod, *, suppressed: bool, institution: Institution | None = None
) -> dict:
    """The period's victims figures, summed over the county's institutions (or one),
    with the previous period and the same period a year earlier beside each figure."""
    comparison = comparison_periods(period)
    periods = [period, *comparison.periods]
    ids = [p.pk for p in periods if p is not None]
    totals, cells = _victim_raw(county, ids, institution)
    categories = victim_categories(county)
    k = county.small_number_threshold
    statuses = []
    for status in VictimStatus:
        shown = []
        for p in periods:
            if p is None:
                shown.append(None)
                continue
            total, referred = totals.get((p.pk, status.value), (0, 0))
            shown.append(
                _victim_cells(total, referred, cells.get((p.pk, status.value), {}), categories, k, suppressed)
            )
        dimensions = []
        for dimension, options in categories.items():
            rows = [
                {
                    "key": value,
                    "label": str(label),
                    "values": [s[2][dimension][value] if s else None for s in shown],
                }
                for value, label in options
            ]
            dimensions.append({"key": dimension, "label": str(Dimension(dimension).label), "rows": rows})
        countries = sorted(
            {code for s in shown if s for code in s[2][(Dimension.CITIZENSHIP, Citizenship.FOREIGN.value)]}
        )
        dimensions.append(
            {
                "key": Dimension.COUNTRY.value,
                "label": str(Dimension.COUNTRY.label),
                "rows": [
                    {
                        "key": code,
                        "label": str(Country(code).label),
                        "values": [
                            s[2][(Dimension.CITIZENSHIP, Citizenship.FOREIGN.value)].get(code, exact(0))
                            if s
                            else None
                            for s in shown
                        ],
                    }
                    for code in countries
                ],
            }
        )
        statuses.append(
            {
                "key": status.value,
                "label": str(status.label),
                "total": [s[0] if s else None for s in shown],
                "referred": [s[1] if s else None for s in shown],
                "dimensions": dimensions,
                "has_data": any((p.pk, status.value) in totals for p in periods[:1]),
            }
        )
    return {
        "kind": DataKind.VICTIMS.value,
        "period": period_info(period),
        "previous": period_info(comparison.previous),
        "year_earlier": period_info(comparison.year_earlier),
        "suppressed": suppressed,
        "k": k,
        "statuses": statuses,
        "reporting": reporting_institutions(county, period, DataKind.VICTIMS),
    }
