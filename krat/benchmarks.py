"""What `make bench` measures: the main pages and PDFs, each found in generated data.

Each page is (label, resolver) where the resolver returns (path, username) for the
first county of the generated data; every PDF likewise. See bench/run.py.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse

from krat.models import County


@dataclass(frozen=True)
class Target:
    label: str
    resolve: Callable[[], tuple[str, str]]


def first_county() -> County:
    return County.objects.filter(institutions__isnull=False).order_by("name").first()


def _secretariat_page(name: str) -> Callable[[], tuple[str, str]]:
    def resolve() -> tuple[str, str]:
        county = first_county()
        return reverse(name, args=[county.slug]), f"bench.{county.slug}.secretariat"

    return resolve


FLOOR = Target("floor", lambda: (reverse("health"), f"bench.{first_county().slug}.secretariat"))

PAGES: list[Target] = [
    Target("dashboard", _secretariat_page("krat:dashboard")),
    Target("institutions", _secretariat_page("krat:institution_list")),
    Target("periods", _secretariat_page("krat:period_list")),
    Target("people", _secretariat_page("krat:person_list")),
]


def _county_report() -> tuple[str, str]:
    from krat.models import ReportingPeriod

    county = first_county()
    period = (
        ReportingPeriod.objects.filter(county=county, start_date__lte=datetime.date.today())
        .order_by("-start_date")
        .first()
    )
    return reverse("krat:report_pdf", args=[period.pk]), f"bench.{county.slug}.secretariat"


def _national_report() -> tuple[str, str]:
    from krat.models import ReportingPeriod

    period = (
        ReportingPeriod.objects.filter(county=first_county(), start_date__lte=datetime.date.today())
        .order_by("-start_date")
        .first()
    )
    return reverse("krat:national_report_pdf", args=[period.start_date.isoformat()]), "bench.national"


PDFS: list[Target] = [
    Target("county_report", _county_report),
    Target("national_report", _national_report),
]
