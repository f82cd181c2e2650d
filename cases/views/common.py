"""What every period page shares: its context (the county's periods to switch between, the
section, the legend of hidden numbers) and whether the reader sees small numbers hidden."""

from __future__ import annotations

from cases.selectors.exact import sees_exact
from krat.suppression import LEGEND


def _periods(county):
    # "county" too: the related manager reads it on every row (a query each when deferred).
    return list(county.periods.order_by("-start_date").only("pk", "label", "start_date", "county"))


def page_context(request, period, section: str, **extra) -> dict:
    return {
        "county": period.county,
        "period": period,
        "periods": _periods(period.county),
        "section": section,
        "legend": LEGEND,
        **extra,
    }


def suppressed_for(request, county) -> bool:
    return not sees_exact(request.user, county)
