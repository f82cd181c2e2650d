"""An outside tester's attacks on what KRAT keeps under generations (`krat.generations`):
each found a page or a selector reading a stale figure through the cache (a record moved
to another county changed only the new one's generation; a municipality of another
county, read as a child's origin, changed only its own county's); each now reads the
figure the database holds."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from cases.models import Municipality
from krat.models import County
from krat.report import national
from krat.report import selectors as report_selectors
from meetings.models import Meeting
from tests.cases.factories import intervention, municipality
from tests.factories import CountyFactory, InstitutionFactory, PeriodFactory, sign_in_superuser
from tests.krat.test_generations import _rich_counties, admin_change
from tests.krat.test_national import START
from tests.meetings.factories import MeetingFactory, aware

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2018, 3, 1)


def _report(county, period, *, kept):
    """The report as `report_preview` builds it (`kept`) or from the database (as the PDF)."""
    return report_selectors.period_report(
        County.objects.get(pk=county.pk),
        type(period).objects.get(pk=period.pk),
        shared=False,
        published=True,
        today=TODAY,
        kept=kept,
    )


def _meeting_titles(report) -> list[str]:
    return [row.title for row in report.data["meetings"].rows]


# --- 1. A record moved to another county: only its new county's generation is replaced --------


def test_a_meeting_moved_to_another_county_leaves_the_old_county_s_preview(client):
    """`_saved` bumps the generation of the record's county *after* the save: a meeting
    moved from Berat to Durrës (its county is editable in the admin) replaces Durrës's
    generation of `Meeting`, never Berat's, so Berat's preview keeps listing a meeting that
    is no longer Berat's, while its PDF (built afresh) no longer lists it."""
    ours, theirs = CountyFactory(), CountyFactory()
    period = PeriodFactory(county=ours)
    PeriodFactory(county=theirs)
    meeting = MeetingFactory(
        county=ours, title="Takimi i zhvendosur", starts_at=aware(datetime.date(2018, 2, 1))
    )
    assert _meeting_titles(_report(ours, period, kept=True)) == ["Takimi i zhvendosur"]
    # Moved (as the admin's change form or any save does).
    meeting = Meeting.objects.get(pk=meeting.pk)
    meeting.county = theirs
    meeting.save()
    assert _meeting_titles(_report(ours, period, kept=False)) == []  # the database: not Berat's any more
    assert _meeting_titles(_report(ours, period, kept=True)) == []  # the preview (it was still listed)


def test_a_meeting_moved_to_another_county_through_the_admin_leaves_the_old_preview_page(client):
    """The same through the pages: the admin's change form moves the meeting, the preview
    page of the county it left still lists it."""
    ours, theirs = CountyFactory(), CountyFactory()
    period = PeriodFactory(county=ours)
    meeting = MeetingFactory(
        county=ours, title="Takimi i zhvendosur", starts_at=aware(datetime.date(2018, 2, 1))
    )
    sign_in_superuser(client)
    url = reverse("krat:report_preview", args=[period.pk])

    def document() -> str:
        page = client.get(url, {"ndarje": "0"})
        assert page.status_code == 200
        return page.context["document"]

    assert "Takimi i zhvendosur" in document()
    admin_change(client, meeting, county=theirs.pk)
    assert Meeting.objects.get(pk=meeting.pk).county_id == theirs.pk
    assert "Takimi i zhvendosur" not in document()  # it was still listed


def test_a_meeting_moved_to_a_county_without_the_period_is_no_longer_counted_nationally(client, settings):
    """The national report is kept under every county's generations, but each app's
    figures inside it (`national._read`) are kept under the generations of the counties
    with a period on that day only. A meeting moved from a county with a period to one
    without any period (a county just created) replaces neither of the first: the next national
    page is computed again, reads the meetings' figures kept inside it, and still counts
    the meeting where it no longer is."""
    counties = _rich_counties()
    sign_in_superuser(client)

    def meetings() -> int:
        page = client.get(reverse("krat:national_report", args=[START.isoformat()]))
        assert page.status_code == 200
        return int(str(page.context["report"].total("meetings").current.cell))

    before = meetings()
    county = next(iter(counties.values()))
    meeting = Meeting.objects.filter(county=county).first()
    elsewhere = CountyFactory()  # no period at all: not among the counties the figures read
    meeting.county = elsewhere
    meeting.save()
    settings.KRAT_GENERATIONS = False  # built from the database
    fresh = national.national_report(START)
    assert int(str(fresh.total("meetings").current.cell)) == before - 1
    settings.KRAT_GENERATIONS = True
    assert meetings() == before - 1  # it was still `before`


# --- 2. A kept section reads records of another county --------------------------------------------


def test_a_municipality_of_origin_renamed_in_another_county_is_read_by_the_street_section():
    """The street form offers every municipality of the country as a child's origin
    (`cases.forms`: `Municipality.objects`), and the street section prints the origin's
    name. A municipality has a county of its own: renaming Durrës (Durrës's county)
    replaces Durrës's generation of `Municipality`, not Berat's, so Berat's preview keeps
    the old name of the origin."""
    ours, theirs = CountyFactory(), CountyFactory()
    period = PeriodFactory(county=ours)
    institution = InstitutionFactory(county=ours)
    origin = municipality(theirs, name="Durrës")
    intervention(
        ours,
        institution,
        datetime.date(2018, 2, 3),
        girls=4,
        boys=3,
        origin=origin,
        where=municipality(ours, name="Berat"),
    )

    def origins(report) -> list[str]:
        return [row.label for row in report.data["street"].summary.by_origin]

    assert "Durrës" in origins(_report(ours, period, kept=True))
    renamed = Municipality.objects.get(pk=origin.pk)
    renamed.name = "Durrës i Ri"
    renamed.save()
    assert "Durrës i Ri" in origins(_report(ours, period, kept=False))  # the database
    assert "Durrës i Ri" in origins(_report(ours, period, kept=True))  # the preview (it still read "Durrës")
