"""The download log: every export, PDF or API read that carries case figures is recorded."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet

from krat.http import AuthenticatedHttpRequest
from krat.models import County, DownloadLog, ReportingPeriod


@dataclass(frozen=True)
class Carried:
    """The figures of one county's period that a download carried, exact or with small
    numbers hidden (`suppressed`)."""

    county_id: int
    period_id: int
    suppressed: bool

    @classmethod
    def of(cls, period: ReportingPeriod, *, suppressed: bool) -> Carried:
        return cls(county_id=period.county_id, period_id=period.pk, suppressed=suppressed)


def log_download(
    request: AuthenticatedHttpRequest,
    *,
    county: County,
    what: str,
    period: ReportingPeriod | None = None,
    suppressed: bool = False,
) -> DownloadLog:
    """Record that the signed-in person downloaded `what` (a short, translated label)."""
    return DownloadLog.objects.create(
        county=county,
        period=period,
        user=request.user,
        what=str(what)[:200],
        path=request.get_full_path()[:500],
        suppressed=suppressed,
    )


def log_downloads(
    request: AuthenticatedHttpRequest, *, what: str, carried: Iterable[Carried]
) -> list[DownloadLog]:
    """Record one download that carried the figures of several periods (the national
    report: one per county; an API page of grids): a row for each period and version, in
    one query, so each county's log shows what left of its own figures. Nothing carried,
    nothing logged (an empty list gave away no figure)."""
    path = request.get_full_path()[:500]
    rows = [
        DownloadLog(
            county_id=item.county_id,
            period_id=item.period_id,
            user=request.user,
            what=str(what)[:200],
            path=path,
            suppressed=item.suppressed,
        )
        for item in sorted(set(carried), key=lambda item: (item.county_id, item.period_id, item.suppressed))
    ]
    return DownloadLog.objects.bulk_create(rows) if rows else []


def download_list(county: County) -> QuerySet[DownloadLog]:
    return DownloadLog.objects.filter(county=county).select_related("user", "user__institution", "period")
