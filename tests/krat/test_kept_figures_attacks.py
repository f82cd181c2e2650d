"""An outside review of what Django's cache keeps (issue 17.5, issue 21): each test is a way
a hostile or careless user or operator could change what a closed period's national
headlines should be without changing the key they are kept under, or obtain from the
national tables what a county page hides.

A kept headline is stale when `published_headlines` (kept) and `headline_sets` (built
afresh from the records) disagree for the same period."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from cases.models import VictimReport
from cases.selectors.figures import headline_sets, published_headlines
from krat.models import ReportingPeriod
from tests.cases.factories import close_period, save_victims
from tests.factories import PeriodFactory, sign_in_superuser

pytestmark = pytest.mark.django_db


def _kept_and_fresh(period: ReportingPeriod) -> tuple[int | None, int | None]:
    """The victims headline of `period` as the national report reads it (kept) and as its
    records give it now."""
    period = ReportingPeriod.objects.select_related("county").get(pk=period.pk)
    with translation.override("sq"):  # the language is in the key: a request may switch it
        kept = published_headlines([period])[period.pk].cells["victims"].value
        fresh = headline_sets([period])[period.pk].cells["victims"].value
    return kept, fresh


# --- 1. The admin's history "revert" --------------------------------------------------------------


def test_the_history_revert_cannot_move_a_record_out_of_a_closed_period(client, world):
    """simple-history's revert view (admin/…/<id>/history/<history id>/) asks only for the
    permission to *view* the record before it saves the posted form: the change permission
    that keeps a closed period's records read-only is never asked. The period record form
    refuses a closed period as the new one only, so the record could be moved to an open
    period of the county, and the closed period's published figures changed under a key
    that did not change."""
    sign_in_superuser(client)
    save_victims(world.period, world.own_institution, 7)
    report = VictimReport.objects.get(period=world.period, status="victim")
    close_period(world.period)
    assert _kept_and_fresh(world.period) == (7, 7)
    later = _later(world)
    history_id = report.history.earliest().history_id
    url = reverse("admin:cases_victimreport_simple_history", args=[report.pk, history_id])
    response = client.post(
        url,
        {
            "county": world.own.pk,
            "period": later.pk,
            "institution": world.own_institution.pk,
            "status": "victim",
            "total": 7,
            "referred": 0,
        },
    )
    report.refresh_from_db()
    assert _kept_and_fresh(world.period) == (7, 7)
    assert report.period_id == world.period.pk
    assert response.status_code == 403


def test_the_record_form_refuses_a_record_leaving_a_closed_period(world):
    """The form itself, whatever page builds it: a record stored in a closed period stays."""
    from django import forms

    from cases.admin import PeriodRecordForm

    save_victims(world.period, world.own_institution, 7)
    report = VictimReport.objects.get(period=world.period, status="victim")
    close_period(world.period)
    later = _later(world)
    form_class = forms.modelform_factory(
        VictimReport, form=PeriodRecordForm, fields=["county", "period", "institution", "status", "total"]
    )
    data = {"county": world.own.pk, "period": later.pk, "institution": world.own_institution.pk}
    form = form_class({**data, "status": "victim", "total": 7}, instance=report)
    assert not form.is_valid()
    assert form.errors.as_data()["__all__"][0].code == "closed"


def test_delete_selected_cannot_remove_a_closed_period_s_records(client, world):
    """The changelist's bulk action asks the delete permission of each record (held)."""
    sign_in_superuser(client)
    save_victims(world.period, world.own_institution, 7)
    close_period(world.period)
    pks = list(VictimReport.objects.filter(period=world.period).values_list("pk", flat=True))
    response = client.post(
        reverse("admin:cases_victimreport_changelist"),
        {"action": "delete_selected", "_selected_action": pks, "post": "yes"},
    )
    assert response.status_code == 403
    assert VictimReport.objects.filter(period=world.period).count() == len(pks)


def _later(world) -> ReportingPeriod:
    return PeriodFactory(
        county=world.own,
        label="Maj – Gusht 2018",
        start_date=datetime.date(2018, 5, 1),
        end_date=datetime.date(2018, 8, 31),
        deadline=datetime.date(2018, 9, 10),
    )


# --- 2. A save that read the period before it was closed -------------------------------------------


def test_a_grid_save_that_read_the_period_open_writes_nothing_once_it_is_closed(world):
    """`check_writable` reads the period instance the request loaded, without a lock: a
    representative who opened the grid page (period open), while the secretariat closes the
    period and the national page keeps its headlines, still saves into the closed period."""
    from krat import services

    save_victims(world.period, world.own_institution, 7)
    loaded = ReportingPeriod.objects.get(pk=world.period.pk)  # the representative's request
    closing = ReportingPeriod.objects.get(pk=world.period.pk)  # the secretariat's
    closing.is_closed = True
    services.period_save(period=closing, expected_version=closing.version)
    assert _kept_and_fresh(world.period) == (7, 7)
    with pytest.raises(ValidationError):
        save_victims(loaded, world.own_institution, 40)
    assert _kept_and_fresh(world.period) == (7, 7)


def test_an_employment_save_that_read_the_period_open_writes_nothing_once_it_is_closed(world):
    from cases.models import EmploymentFunnel
    from cases.services.employment import employment_save, employment_stamp
    from krat import services

    loaded = ReportingPeriod.objects.get(pk=world.period.pk)
    closing = ReportingPeriod.objects.get(pk=world.period.pk)
    closing.is_closed = True
    services.period_save(period=closing, expected_version=closing.version)
    row = EmploymentFunnel(group="economic_aid", sex="female", received=2)
    with pytest.raises(ValidationError):
        employment_save(
            period=loaded,
            institution=world.other_institution,
            rows=[row],
            expected_stamp=employment_stamp(period=loaded, institution=world.other_institution),
        )
    assert not EmploymentFunnel.objects.filter(period=world.period).exists()


# --- 3. A deployment that changes the protection ---------------------------------------------------


def test_the_kept_headlines_change_key_with_the_solver_and_the_employment_rules(monkeypatch):
    """The headlines keep each period's protected pattern, which the county pages compute
    afresh (`krat.suppression.remembered`, whose key holds `krat.disclosure`'s code): a
    deployment that changes the attacker's ranges, the employment breakdowns or the stages'
    bounds must not leave the national page on the old pattern beside the county page's
    new one (Redis keeps the headlines a week across deployments)."""
    from pathlib import Path

    from cases.selectors import figures as case_figures
    from krat import disclosure

    changed = {
        Path(disclosure.__file__),
        Path(case_figures.__file__).with_name("employment.py"),
        Path(case_figures.__file__).parent.parent / "models.py",
    }
    original = Path.read_bytes
    before = case_figures._code_digest()
    for path in changed:
        monkeypatch.setattr(Path, "read_bytes", lambda self, p=path: original(self) + b"#" * (self == p))
        assert case_figures._code_digest() != before, path


# --- 4. The national totals as snapshots ----------------------------------------------------------


def test_a_county_closing_after_the_others_does_not_give_its_hidden_total_away():
    """The national totals sum the counties whose period is published, and say how many
    ("over 10 of 12"). An observer who reads the national page before and after one more
    county's period closes subtracts: the difference is that county's total, exact, though
    its own pages and the national table print it "< 3" — the attack `figures_published`
    closes for a county's own figures (one snapshot protects one snapshot only)."""
    from krat.models import County
    from krat.report.national import national_report
    from tests.krat.test_national import OPEN, START, build_counties

    build_counties()
    # Two closed counties with a small total each: the national total keeps both ranges.
    for name, victims in (("Dibër", 1), ("Durrës", 2)):
        county = County.objects.get(name=name)
        period = county.periods.get(start_date=START)
        VictimReport.objects.filter(period=period).delete()
        period.is_closed = False
        period.save(update_fields=["is_closed"])
        save_victims(period, county.institutions.first(), victims)
        close_period(period)
    late = County.objects.get(name=OPEN)
    period = late.periods.get(start_date=START)
    VictimReport.objects.filter(period=period).delete()
    save_victims(period, late.institutions.first(), 1)
    before = national_report(START).total("victims").current
    close_period(period)
    after = national_report(START).total("victims").current
    assert dict(national_report(START).column("victims"))[OPEN].hidden  # "< 3" on every page
    shown = not before.cell.hidden and not after.cell.hidden and after.counted == before.counted + 1
    assert not shown, f"{after.cell.value} - {before.cell.value} = {OPEN}'s hidden total"


# --- 5. A database restored under the same cache ---------------------------------------------------


def test_a_database_restored_from_a_backup_reads_no_headlines_of_the_lost_timeline(world):
    """The key names a period by the database's name, its id and its version. A database
    restored from last night's backup (same name, Redis kept) replays ids and versions: the
    same period corrected again and closed again reaches the same version with other
    figures, and the national page reads the headlines of the changes the restore undid."""
    from krat import services

    save_victims(world.period, world.own_institution, 7)
    backup = ReportingPeriod.objects.get(pk=world.period.pk)  # last night's state: open
    period = ReportingPeriod.objects.get(pk=world.period.pk)
    period.is_closed = True
    services.period_save(period=period, expected_version=period.version)
    assert _kept_and_fresh(world.period) == (7, 7)
    # The restore: the period as the backup holds it, its records as they were then.
    ReportingPeriod.objects.filter(pk=backup.pk).update(is_closed=False, version=backup.version)
    VictimReport.objects.filter(period=world.period).delete()
    # The day is done again, differently: 9 victims this time, then the period closed.
    save_victims(backup, world.own_institution, 9)
    backup.is_closed = True
    services.period_save(period=backup, expected_version=backup.version)
    assert _kept_and_fresh(world.period) == (9, 9)


# --- 6. Query counts with the cache cold -----------------------------------------------------------


def test_the_national_page_pdf_and_workbook_stay_within_twenty_queries_with_the_cache_cold(
    world, client, monkeypatch
):
    """The national tests count a page read after another (the headlines kept): the first
    reader after a deployment or an eviction reads every set. Measured 17/18/18 cold (one of
    them the periods' last saves, in the key), on SQLite and PostgreSQL alike. Cold as
    `make bench` counts: Django's dummy cache keeps nothing, not even within one read (a
    read of the sets kept apart cost three queries a period)."""
    from django.core.cache.backends.dummy import DummyCache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from krat import caching, generations
    from tests.krat.test_national import START, build_counties

    build_counties()
    client.force_login(world.users["national_observer"])
    client.get(reverse("health"))  # the session's first request
    dummy = DummyCache("", {})
    monkeypatch.setattr(caching, "cache", dummy)
    monkeypatch.setattr(generations, "cache", dummy)
    for name in ("krat:national_report", "krat:national_report_pdf", "krat:national_report_xlsx"):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(name, args=[START.isoformat()])).status_code == 200
        assert len(queries.captured_queries) <= 20, name


def test_a_street_intervention_whose_period_was_found_open_is_refused_once_it_is_closed(world, monkeypatch):
    """The period is found from the date before the save's transaction: a close saved in
    between is seen under the lock."""
    from cases.models import StreetIntervention
    from cases.services import street
    from krat import services
    from tests.cases.factories import intervention

    found = ReportingPeriod.objects.get(pk=world.period.pk)  # found open
    monkeypatch.setattr(street, "period_for_date", lambda county, day: found)
    closing = ReportingPeriod.objects.get(pk=world.period.pk)
    closing.is_closed = True
    services.period_save(period=closing, expected_version=closing.version)
    with pytest.raises(ValidationError) as refused:
        intervention(world.own, world.own_institution, datetime.date(2018, 2, 1))
    assert refused.value.code == "closed"
    assert not StreetIntervention.objects.filter(period=world.period).exists()


def test_the_history_revert_cannot_bring_a_deleted_record_back_into_a_closed_period(client, world):
    """A record deleted while its period was open, reverted after the period closed: the
    revert recreates it (an addition), which the closed period refuses (held)."""
    sign_in_superuser(client)
    save_victims(world.period, world.own_institution, 7)
    report = VictimReport.objects.get(period=world.period, status="victim")
    pk, history_id = report.pk, report.history.earliest().history_id
    report.cells.all().delete()
    report.delete()
    close_period(world.period)
    url = reverse("admin:cases_victimreport_simple_history", args=[pk, history_id])
    data = {"county": world.own.pk, "period": world.period.pk, "institution": world.own_institution.pk}
    client.post(url, {**data, "status": "victim", "total": 7, "referred": 0})
    assert not VictimReport.objects.filter(pk=pk).exists()


def test_the_history_revert_still_reverts_an_open_period_s_record(client, world):
    """The revert refused where a change is still works where it is allowed: a new version."""
    sign_in_superuser(client)
    save_victims(world.period, world.own_institution, 7)
    report = VictimReport.objects.get(period=world.period, status="victim")
    first = report.history.earliest().history_id
    report.total, report.version = 9, report.version + 1
    report.save()
    url = reverse("admin:cases_victimreport_simple_history", args=[report.pk, first])
    data = {"county": world.own.pk, "period": world.period.pk, "institution": world.own_institution.pk}
    assert client.post(url, {**data, "status": "victim", "total": 7, "referred": 0}).status_code == 302
    report.refresh_from_db()
    assert (report.total, report.version) == (7, 3)
