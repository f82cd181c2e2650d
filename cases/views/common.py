"""What every period page shares: its context (the county's periods to switch between, the
section, the legend of hidden numbers), whether the reader sees small numbers hidden, and
the shape of a summary page."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpResponse
from django.shortcuts import render

from cases import access as cases_access
from cases.views.exports import may_export
from krat import access
from krat.http import AuthenticatedHttpRequest
from krat.suppression import LEGEND, UNPUBLISHED_NOTE


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
        "unpublished_note": UNPUBLISHED_NOTE,
        **extra,
    }


def published_for(request, period) -> bool:
    """Whether the reader is given the county's figures of `period` (`krat.access.figures_published`)."""
    return access.figures_published(request.user, period)


def suppressed_for(request, county) -> bool:
    return not access.sees_exact_figures(request.user, county)


def summary_page(
    request: AuthenticatedHttpRequest, period, *, section: str, data: str, read_summary: Callable, **extra
) -> HttpResponse:
    """A period's summary of `data` (`cases/<section>_summary.html`), with the reader's entry
    links; no figure (and no "who has reported") of a period not yet published to the
    reader, only the sentence that says when it will be."""
    suppressed = suppressed_for(request, period.county)
    published = published_for(request, period)
    summary = read_summary(period.county, period, suppressed=suppressed) if published else None
    return render(
        request,
        f"cases/{section}_summary.html",
        page_context(
            request,
            period,
            section,
            summary=summary,
            suppressed=suppressed,
            unpublished=not published,
            exports=may_export(request, period),
            entry=cases_access.entry_institutions(request.user, period, data),
            **extra,
        ),
    )
