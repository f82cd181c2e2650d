"""The benchmark's pages of the meetings app (`krat.benchmarks`, declared as `bench_pages` in
`MeetingsConfig.ready`); the benchmark's data is made in bench/data/meetings.py."""

from __future__ import annotations

from collections.abc import Callable

from django.urls import reverse

from krat.benchmarks import first_county, found, secretariat
from meetings.choices import MeetingStatus
from meetings.models import Meeting


def held_meeting_page(name: str) -> Callable[[], tuple[str, str]]:
    """The benchmark's page `name` of the first county's latest meeting held (full minutes:
    agenda, attendance, decisions), as `krat.benchmarks` resolves a page: () -> (path, username)."""

    def resolve() -> tuple[str, str]:
        county = first_county()
        meeting = found(
            Meeting.objects.filter(county=county, status=MeetingStatus.HELD).order_by("-starts_at").first(),
            "meeting held",
        )
        return reverse(name, args=[meeting.pk]), secretariat(county)

    return resolve
