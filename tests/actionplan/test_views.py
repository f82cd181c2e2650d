"""Pages of the action plan and calendar: who writes what, imports, and bounded queries."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook

from actionplan.choices import EventStatus, ProgressStatus
from actionplan.models import Activity, ActivityProgress, AwarenessEvent, ProgressComment
from actionplan.services import target_groups_ensure
from actionplan.spreadsheet import PLAN_TEMPLATE
from tests.actionplan import access_cases
from tests.actionplan.factories import ActivityFactory, EventFactory, ProgressFactory, municipality_of
from tests.factories import InstitutionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(world):
    access_cases.build(world)
    return world


def as_user(client, user):
    client.force_login(user)
    return client


def progress_url(w):
    return reverse("actionplan:progress_edit", args=[w.extra["activity"].pk, w.period.pk])


def test_the_lead_institutions_representative_records_progress(client, w):
    as_user(client, w.users["representative"])
    response = client.post(
        progress_url(w), {"status": "in_progress", "achieved": "4", "narrative": "Dy sesione", "version": ""}
    )
    assert response.status_code == 302
    progress = ActivityProgress.objects.get(activity=w.extra["activity"], period=w.period)
    assert progress.status == ProgressStatus.IN_PROGRESS and progress.updated_by == w.users["representative"]
    # Correcting it later goes through the version check.
    response = client.post(progress_url(w), {"status": "done", "achieved": "6", "version": "1"})
    assert response.status_code == 302
    progress.refresh_from_db()
    assert (progress.status, progress.version) == (ProgressStatus.DONE, 2)


def test_a_representative_of_another_institution_cannot_record_progress(client, w):
    as_user(client, w.users["other_representative"])
    response = client.post(progress_url(w), {"status": "done", "achieved": "6"})
    assert response.status_code == 403
    assert not ActivityProgress.objects.exists()


def test_a_period_outside_the_plan_s_year_has_no_progress_page(client, w):
    """Found by a tester: the page opened for a 2026 period of a 2018 activity, then refused
    every save."""
    from tests.factories import PeriodFactory

    later = PeriodFactory(
        county=w.own,
        label="Janar – Prill 2026",
        start_date=datetime.date(2026, 1, 1),
        end_date=datetime.date(2026, 4, 30),
        deadline=datetime.date(2026, 5, 10),
    )
    as_user(client, w.users["representative"])
    url = reverse("actionplan:progress_edit", args=[w.extra["activity"].pk, later.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"status": "done", "achieved": "6", "version": ""}).status_code == 404
    assert not ActivityProgress.objects.exists()


def test_a_bad_achieved_value_shows_the_form_again_and_saves_nothing(client, w):
    as_user(client, w.users["representative"])
    response = client.post(progress_url(w), {"status": "done", "achieved": "-5"})
    assert response.status_code == 400
    assert not ActivityProgress.objects.exists()


def test_a_closed_period_sends_the_lead_back_with_a_message(client, w):
    w.period.is_closed = True
    w.period.save()
    as_user(client, w.users["representative"])
    response = client.post(progress_url(w), {"status": "done"}, follow=True)
    assert "është mbyllur dhe nuk pranon më ecuri" in response.content.decode()
    assert not ActivityProgress.objects.exists()


def test_a_partner_comments_and_the_lead_cannot_comment_as_a_partner(client, w):
    url = reverse("actionplan:comment_add", args=[w.extra["activity"].pk, w.period.pk])
    as_user(client, w.users["other_representative"])
    assert client.post(url, {"text": "Ne morëm pjesë në dy sesione."}).status_code == 302
    comment = ProgressComment.objects.get()
    assert comment.institution == w.other_institution
    client.logout()
    as_user(client, w.users["representative"])
    assert client.post(url, {"text": "?"}).status_code == 403
    client.logout()
    as_user(client, w.users["secretariat"])
    assert client.post(url, {"text": "Sekretariati e pa."}).status_code == 302
    assert ProgressComment.objects.get(text="Sekretariati e pa.").institution is None


def test_the_plan_page_offers_recording_only_for_activities_the_user_leads(client, w):
    other = ActivityFactory(objective=w.extra["objective"], code="9.9", lead_institution=w.other_institution)
    as_user(client, w.users["representative"])
    page = client.get(reverse("actionplan:plan_detail", args=[w.extra["plan"].pk]), {"periudha": w.period.pk})
    html = page.content.decode()
    assert progress_url(w) in html
    assert reverse("actionplan:progress_edit", args=[other.pk, w.period.pk]) not in html


def event_data(w, **overrides):
    target_groups_ensure()
    from actionplan.models import TargetGroup

    return {
        "title": "Sesion informues",
        "date": "20.05.2018",
        "municipality": municipality_of(w.own, "Durrës").pk,
        "organiser": w.other_institution.pk,
        "target_groups": [TargetGroup.objects.get(code="parents").pk],
        "status": "planned",
        **overrides,
    }


def test_a_representative_creates_events_only_for_their_own_institution(client, w):
    as_user(client, w.users["representative"])
    response = client.post(reverse("actionplan:event_create", args=[w.own.slug]), event_data(w))
    assert response.status_code == 302, response.content.decode()
    assert AwarenessEvent.objects.get(title="Sesion informues").organiser == w.own_institution


def test_a_representative_cannot_edit_another_institutions_event(client, w):
    event = EventFactory(county=w.own, organiser=w.other_institution)
    as_user(client, w.users["representative"])
    response = client.post(reverse("actionplan:event_edit", args=[event.pk]), event_data(w, version="1"))
    assert response.status_code == 403


def test_the_secretariat_records_a_held_event_with_people_reached(client, w):
    event = w.extra["event"]
    as_user(client, w.users["secretariat"])
    data = event_data(w, status="held", people_reached="85", version="1", organiser=w.own_institution.pk)
    response = client.post(reverse("actionplan:event_edit", args=[event.pk]), data)
    assert response.status_code == 302
    event.refresh_from_db()
    assert (event.status, event.people_reached) == (EventStatus.HELD, 85)


def xlsx(rows):
    book = Workbook()
    sheet = book.active
    with translation.override("sq"):  # the header may be in Albanian, as the page's template is
        sheet.append([str(column.title) for column in PLAN_TEMPLATE.columns])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("plani.xlsx", buffer.getvalue())


def test_import_through_the_page(client, w):
    as_user(client, w.users["secretariat"])
    url = reverse("actionplan:plan_import", args=[w.extra["plan"].pk])
    good = ["Mbrojtja", "Referimi", "2.1", "Patrullime", "Policia Durrës", "Zyra e Punës Durrës",
            "01.06.2018", "30.09.2018", "Patrullime", 12, "patrullime", None, None]  # fmt: skip
    bad = [
        *good[:2],
        "2.2",
        "Tjetër",
        "Policia Tiranë",
        None,
        "01.06.2018",
        "30.09.2019",
        "X",
        1,
        "x",
        None,
        None,
    ]
    client.cookies["django_language"] = "en"
    response = client.post(url, {"file": xlsx([good, bad])})
    assert response.status_code == 400
    html = response.content.decode()
    assert "E3: No institution of this county is called “Policia Tiranë”." in html
    assert "H3: The deadline must fall within the plan&#x27;s year, 2018." in html
    assert not Activity.objects.filter(code__in=["2.1", "2.2"]).exists()
    response = client.post(url, {"file": xlsx([good])})
    assert response.status_code == 302
    assert Activity.objects.get(code="2.1").partners.get() == w.other_institution


def grow(w, n):
    plan = w.extra["plan"]
    for i in range(n):
        lead = InstitutionFactory(county=w.own, name=f"Shtesë {n}-{i}")
        objective = plan.pillars.first().objectives.create(name=f"Objektiv {n}-{i}")
        activity = ActivityFactory(objective=objective, code=f"{n}.{i}", lead_institution=lead)
        activity.partners.add(w.own_institution, w.other_institution)
        ProgressFactory(activity=activity, period=w.period)
        ProgressComment.objects.create(
            activity=w.extra["activity"], period=w.period, institution=lead, text="Koment"
        )
        event = EventFactory(county=w.own, organiser=lead, date=datetime.date(2018, 5, 1 + i % 28))
        event.partners.add(w.own_institution)
        target_groups_ensure()
        from actionplan.models import TargetGroup

        event.target_groups.set(TargetGroup.objects.all()[:2])


@pytest.mark.parametrize(
    ("name", "args", "query"),
    [
        ("actionplan:plan_list", lambda w: [w.own.slug], {}),
        ("actionplan:plan_detail", lambda w: [w.extra["plan"].pk], {}),
        ("actionplan:plan_overview", lambda w: [w.extra["plan"].pk], {}),
        ("actionplan:activity_detail", lambda w: [w.extra["activity"].pk], {}),
        ("actionplan:event_month", lambda w: [w.own.slug], {"muaji": "2018-05"}),
        ("actionplan:event_list", lambda w: [w.own.slug], {"status": "planned"}),
        ("actionplan:event_feed", lambda w: [w.own.slug], {}),
        ("krat:dashboard", lambda w: [w.own.slug], {}),
    ],
)
def test_pages_run_the_same_queries_with_ten_times_more_data(
    client, w, django_assert_max_num_queries, name, args, query
):
    as_user(client, w.users["secretariat"])
    url = reverse(name, args=args(w))
    grow(w, 2)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url, query).status_code == 200
    grow(w, 20)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url, query).status_code == 200
    assert len(small.captured_queries) <= 20


def test_the_overview_draws_its_charts_as_markup(client, w):
    as_user(client, w.users["observer"])
    html = client.get(reverse("actionplan:plan_overview", args=[w.extra["plan"].pk])).content.decode()
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in html
    assert "Chart(" not in html


def test_progress_recorded_from_the_representative_s_report_goes_back_to_it(client, w):
    """Issue 20.1: the plan-progress part opens from the report (the county's plans, on
    the report's period) and, once saved, comes back to it; only to a path of this site."""
    import re

    as_user(client, w.users["representative"])
    report = reverse("krat:submission_open", args=[w.period.pk, w.own_institution.pk])
    page = client.get(report).content.decode()
    plans = (
        re.search(r'href="(/plani/[^"]+\?periudha=\d+&amp;next=[^"]+)"', page).group(1).replace("&amp;", "&")
    )
    listing = client.get(plans).content.decode()
    detail = re.search(r'href="(/plani/plan/\d+/\?periudha=\d+&amp;next=[^"]+)"', listing).group(1)
    rows = client.get(detail.replace("&amp;", "&")).content.decode()
    edit = re.search(r'href="(/plani/aktivitet/\d+/ecuria/\d+/\?next=[^"]+)"', rows).group(1)
    data = {"status": "in_progress", "achieved": "4", "narrative": "Dy sesione", "version": ""}
    assert client.post(edit, data)["Location"] == report
    hostile = progress_url(w) + "?next=https://evil.example/"
    assert client.post(hostile, {**data, "version": "1"})["Location"] == reverse(
        "actionplan:activity_detail", args=[w.extra["activity"].pk]
    )
