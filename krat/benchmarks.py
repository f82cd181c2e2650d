"""What `make bench` measures: the main pages and PDFs, each found in generated data.

Each page is (label, resolver) where the resolver returns (path, username) for the
first county of the generated data; every PDF likewise. See bench/run.py.
"""

from __future__ import annotations

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

PDFS: list[Target] = []
