"""The download log: every export or PDF that carries case figures is recorded."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest

from krat.models import County, DownloadLog


def log_download(request: HttpRequest, *, county: County, what: str, suppressed: bool = False) -> DownloadLog:
    """Record that the signed-in person downloaded `what` (a short, translated label)."""
    return DownloadLog.objects.create(
        county=county,
        user=request.user,
        what=str(what)[:200],
        path=request.get_full_path()[:500],
        suppressed=suppressed,
    )


def download_list(county: County) -> QuerySet[DownloadLog]:
    return DownloadLog.objects.filter(county=county).select_related("user", "user__institution")
