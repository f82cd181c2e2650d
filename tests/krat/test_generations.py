"""What KRAT keeps of live figures under generations (`krat.generations`): every write is
read by the next reader, whoever writes and however, and nothing kept depends on a model
it does not name."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.core.cache.backends.dummy import DummyCache
from django.db import connection
from django.db.models.signals import m2m_changed, post_delete, post_init, post_save
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from krat import caching, contributions, generations
from krat.contributions import ReportContext
from krat.models import County, ReportingPeriod
from krat.report import national
from krat.report import selectors as report_selectors
from meetings.choices import MeetingStatus
from meetings.models import Decision, Meeting
from tests.actionplan.factories import (
    ActivityFactory,
    EventFactory,
    ObjectiveFactory,
    PlanFactory,
    ProgressFactory,
)
from tests.cases.factories import EmploymentFunnelFactory, intervention, municipality, save_victims
from tests.factories import CountyFactory, InstitutionFactory, UserFactory, sign_in_superuser
from tests.krat.test_national import OPEN, START, build_counties
from tests.meetings.factories import DecisionFactory, MeetingFactory

pytestmark = pytest.mark.django_db

ROOT = Path(django_settings.BASE_DIR)


def _counter():
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    return calls, compute


def _kept(compute, counties=(1,), models=(Meeting,)):
    return generations.kept("test", ("inputs",), models=models, counties=counties, compute=compute)


# --- Who bumps ------------------------------------------------------------------------------------


def test_every_model_of_the_project_bumps_its_generation_on_save_delete_and_link():
    models = generations.own_models()
    labels = {model._meta.label for model in models}
    assert {"krat.ReportingPeriod", "cases.VictimCount", "meetings.Decision", "actionplan.Activity"} <= labels
    assert not any(label.startswith("auth.") or label.startswith("admin.") for label in labels)
    for model in models:
        assert generations._saved in post_save._live_receivers(model)[0], model
        assert generations._saved in post_delete._live_receivers(model)[0], model
        assert generations._linked in m2m_changed._live_receivers(model)[0], model
        if generations._has_county(model):  # where it was read: a save that moves it changes both
            assert generations._loaded in post_init._live_receivers(model)[0], model


def test_a_write_in_a_county_is_read_there_and_not_in_another_county():
    ours, theirs = CountyFactory(), CountyFactory()
    calls, compute = _counter()
    assert _kept(compute, [ours.pk]) == 1
    assert _kept(compute, [ours.pk]) == 1  # kept
    MeetingFactory(county=theirs)
    assert _kept(compute, [ours.pk]) == 1  # another county's meeting
    meeting = MeetingFactory(county=ours)
    assert _kept(compute, [ours.pk]) == 2
    meeting.title = "Takim i ri"
    meeting.save()
    assert _kept(compute, [ours.pk]) == 3
    meeting.delete()
    assert _kept(compute, [ours.pk]) == 4
    assert len(calls) == 4


def test_a_write_of_a_record_of_no_county_of_its_own_is_read_in_every_county():
    county = CountyFactory()
    meeting = MeetingFactory(county=county)
    _calls, compute = _counter()
    _kept(compute, [county.pk], models=(Decision,))
    _kept(compute, None, models=(Decision,))
    DecisionFactory(meeting=meeting)
    assert _kept(compute, [county.pk], models=(Decision,)) == 3
    assert _kept(compute, None, models=(Decision,)) == 4


def test_what_reads_every_county_reads_a_write_in_any_of_them():
    _calls, compute = _counter()
    _kept(compute, None)
    MeetingFactory(county=CountyFactory())
    assert _kept(compute, None) == 2


def test_a_changed_link_is_read():
    county = CountyFactory()
    meeting = MeetingFactory(county=county)
    _calls, compute = _counter()
    _kept(compute, [county.pk])
    meeting.invited_institutions.add(InstitutionFactory(county=county))
    assert _kept(compute, [county.pk]) == 2
    meeting.invited_institutions.clear()
    assert _kept(compute, [county.pk]) == 3


def test_a_write_is_bumped_again_when_its_transaction_commits(django_capture_on_commit_callbacks):
    """A reader that read the old rows between the write and the commit (under the new
    generation) keeps nothing the next reader reads."""
    county = CountyFactory()
    _calls, compute = _counter()
    with django_capture_on_commit_callbacks() as callbacks:
        MeetingFactory(county=county)
        _kept(compute, [county.pk])  # as a reader that read before the commit would keep it
    assert callbacks
    for callback in callbacks:
        callback()  # the commit
    assert _kept(compute, [county.pk]) == 2


def test_a_transaction_of_many_saves_replaces_each_generation_once_at_its_commit(
    django_capture_on_commit_callbacks,
):
    county = CountyFactory()
    with django_capture_on_commit_callbacks() as callbacks:
        for _ in range(5):
            MeetingFactory(county=county)
    replaces = [callback for callback in callbacks if isinstance(callback, generations._Replace)]
    assert len(replaces) == len(set(replaces))
    assert [r for r in replaces if generations._key(Meeting, county.pk) in r.keys]


def test_without_generations_or_without_a_cache_everything_is_computed(settings, monkeypatch):
    calls, compute = _counter()
    settings.KRAT_GENERATIONS = False
    _kept(compute)
    _kept(compute)
    assert len(calls) == 2
    settings.KRAT_GENERATIONS = True
    dummy = DummyCache("", {})  # as `make bench` runs cold: nothing is kept
    monkeypatch.setattr(caching, "cache", dummy)
    monkeypatch.setattr(generations, "cache", dummy)
    _kept(compute)
    _kept(compute)
    assert len(calls) == 4


def test_the_code_is_in_every_key(monkeypatch):
    calls, compute = _counter()
    _kept(compute)
    monkeypatch.setattr(generations, "code", lambda: "another deployment")
    _kept(compute)
    assert len(calls) == 2


def test_generations_are_on_only_where_every_process_shares_the_cache():
    """Gunicorn's workers each with their own memory would not see each other's writes."""
    source = (ROOT / "krat" / "settings.py").read_text()
    assert 'KRAT_GENERATIONS = env_bool("KRAT_GENERATIONS", bool(REDIS_URL) or TESTING)' in source


# --- Writes that send no signal -------------------------------------------------------------------

#: Every write in the apps' code that sends no signal, and what it does about it: bump the
#: generations itself (`generations.changed`), or write what nothing kept reads.
UNSIGNALLED = {
    "krat/submissions/services.py": "bumps",
    "krat/submissions/reminders.py": "the reminders' log: read by nothing kept",
    "krat/api/tokens.py": "API tokens: read by nothing kept",
    "krat/api/auth.py": "API tokens: read by nothing kept",
    "krat/two_factor.py": "recovery codes: read by nothing kept",
    "krat/portability.py": "bumps",
    "krat/audit.py": "the download log: read by nothing kept",
    "cases/services/settings.py": "bumps",
    "cases/demo.py": "bumps",
    "meetings/services.py": "bumps",
    "actionplan/services.py": "bumps",
}
UNSIGNALLED_CALL = re.compile(
    r"\)\s*\.update\(|objects\.update\(|\.(bulk_create|bulk_update|_raw_delete|raw)\("
)


def _app_sources():
    for config in generations._own_configs():
        for path in sorted(Path(config.path).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path.relative_to(ROOT).as_posix(), path.read_text()


def test_every_write_that_sends_no_signal_is_reviewed():
    found = {name for name, source in _app_sources() if UNSIGNALLED_CALL.search(source)}
    assert found == set(UNSIGNALLED), "a new bulk write: bump its generations, then list it here"
    for name, source in _app_sources():
        if UNSIGNALLED.get(name) == "bumps":
            assert "generations.changed" in source, name


def test_what_nothing_kept_reads_is_not_read_by_the_national_report():
    unread = {"submissionreminder", "apitoken", "recoverycode", "downloadlog"}
    assert not unread & {model._meta.model_name for model in national.national_models()}


def test_a_log_in_leaves_every_kept_value_in_place(client, monkeypatch):
    """Issue 17's own example: the old machinery emptied every kept page of every county
    on a log-in's `last_login`. No kept value names the person model, so a log-in (a save
    of `last_login` through Django's own signal) bumps nothing any of them is kept under."""
    from krat.models import User

    kept_models = set(national.national_models())
    for section in report_selectors.sections():
        kept_models |= set(section.models)
    for figures in contributions.national_figures():
        kept_models |= set(figures.models)
    assert User not in kept_models
    _rich_counties()
    builds = []
    real = national._national_report
    monkeypatch.setattr(national, "_national_report", lambda *a: builds.append(1) or real(*a))
    national.national_report(START)
    person = UserFactory(county=County.objects.order_by("pk").first())
    assert person.last_login is None
    client.force_login(person)  # Django's log-in: `user_logged_in` saves `last_login`
    assert User.objects.get(pk=person.pk).last_login is not None  # the log-in saved it
    national.national_report(START)
    assert builds == [1]  # kept across the log-in


# --- What each kept value reads is what it names --------------------------------------------------


def _tables_read(sql: str) -> set[type]:
    """The models whose tables `sql` names (a historical table counts as its record's)."""
    read = set()
    for model in apps.get_models(include_auto_created=True):
        if f'"{model._meta.db_table}"' in sql:
            read.add(getattr(model, "instance_type", model))
    return read


def _rich_counties():
    """The national test's twelve counties, with meetings, decisions, events and a plan."""
    counties = build_counties()
    for county in counties.values():
        meeting = MeetingFactory(
            county=county,
            status=MeetingStatus.HELD,
            starts_at=datetime.datetime(2018, 2, 1, 10, tzinfo=datetime.UTC),
        )
        DecisionFactory(meeting=meeting)
        EventFactory(county=county, date=datetime.date(2018, 2, 1), status="held", people_reached=10)
        plan = PlanFactory(county=county, year=2018)
        objective = ObjectiveFactory(pillar=plan.pillars.create(name="Parandalimi"))
        activity = ActivityFactory(objective=objective, lead_institution=county.institutions.first())
        period = county.periods.filter(start_date=START).first()
        if period is not None:
            ProgressFactory(activity=activity, period=period, status="done")
    return counties


def test_the_national_report_reads_no_model_it_does_not_name(settings):
    _rich_counties()
    settings.KRAT_GENERATIONS = False  # every part computed
    from django.core.cache import cache

    cache.clear()  # the published headlines too
    with CaptureQueriesContext(connection) as queries:
        national.national_report(START)
    read = _tables_read(" ".join(q["sql"] for q in queries.captured_queries))
    assert ReportingPeriod in read and Meeting in read
    assert read <= set(national.national_models()), read - set(national.national_models())


def test_each_app_s_national_figures_read_no_model_they_do_not_name():
    _rich_counties()
    periods = list(ReportingPeriod.objects.select_related("county"))
    checked = 0
    for figures in contributions.national_figures():
        if not figures.models or figures.read_sets is not None:
            continue
        with CaptureQueriesContext(connection) as queries:
            figures.read(periods, datetime.date(2018, 6, 1))
        read = _tables_read(" ".join(q["sql"] for q in queries.captured_queries))
        assert read and read <= set(figures.models), (figures.read, read - set(figures.models))
        checked += 1
    assert checked == 2  # the meetings' and the action plan's


# --- Through the pages ----------------------------------------------------------------------------


def _national_meetings(client) -> str:
    page = client.get(reverse("krat:national_report", args=[START.isoformat()]))
    assert page.status_code == 200
    report = page.context["report"]
    return str(report.total("meetings").current.cell)


def test_a_meeting_held_is_counted_by_the_next_national_page(client):
    counties = _rich_counties()
    sign_in_superuser(client)
    before = _national_meetings(client)
    assert _national_meetings(client) == before  # kept
    county = next(iter(counties.values()))
    meeting = MeetingFactory(
        county=county,
        status=MeetingStatus.HELD,
        starts_at=datetime.datetime(2018, 3, 1, 10, tzinfo=datetime.UTC),
    )
    assert int(_national_meetings(client)) == int(before) + 1
    Meeting.objects.get(pk=meeting.pk).delete()
    assert _national_meetings(client) == before


def test_an_admin_edit_is_read_by_the_next_national_page(client):
    """The admin saves through no service: the signals bump the generations all the same."""
    counties = _rich_counties()
    sign_in_superuser(client)
    before = int(_national_meetings(client))
    meeting = Meeting.objects.filter(county=next(iter(counties.values()))).first()
    # Moved out of the period: the national count of meetings held loses it.
    admin_change(client, meeting, starts_at=datetime.datetime(2018, 5, 15, 10, tzinfo=datetime.UTC))
    assert int(_national_meetings(client)) == before - 1


def admin_change(client, obj, **changes) -> None:
    """Save `obj` through its admin change page with `changes`, every other field and
    inline row as the page shows them; fails with the form's errors when refused."""
    url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
    page = client.get(url)
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data |= changes
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        data |= {f"{management.prefix}-{name}": management[name].value() for name in management.fields}
        for row in formset.forms[: formset.initial_form_count()]:
            data |= {
                row.add_prefix(name): row[name].value()
                for name in row.fields
                if row[name].value() is not None
            }
    response = client.post(url, _flat(data))
    if response.status_code != 302:
        errors = [response.context["adminform"].form.errors] + [
            (f.formset.non_form_errors(), f.formset.errors) for f in response.context["inline_admin_formsets"]
        ]
        raise AssertionError(errors)


def _flat(data: dict) -> dict:
    flat = {}
    for name, value in data.items():
        if isinstance(value, list | tuple):
            flat[name] = [str(v) for v in value]
        elif isinstance(value, datetime.datetime):
            flat[f"{name}_0"] = value.strftime("%d.%m.%Y")
            flat[f"{name}_1"] = value.strftime("%H:%M:%S")
        elif isinstance(value, datetime.date):
            flat[name] = value.strftime("%d.%m.%Y")
        else:
            flat[name] = value
    return flat


# --- The report preview's sections ----------------------------------------------------------------


def _full_period():
    """The open period of the national test's counties (OPEN's), with every section's records: a
    meeting held with a decision, victims, street children, the labour office's path, an
    event held, a plan with progress, and an institution's submission."""
    counties = _rich_counties()
    county = counties[OPEN]
    period = county.periods.get(start_date=START)
    institution = county.institutions.first()
    intervention(county, institution, datetime.date(2018, 2, 3), girls=3, boys=2, origin=municipality(county))
    EmploymentFunnelFactory(period=period, county=county, institution=institution, received=12)
    return county, period


def test_each_report_section_reads_no_model_it_does_not_name():
    county, period = _full_period()
    periods = tuple(county.periods.order_by("start_date"))
    checked = set()
    for section in report_selectors.sections():
        assert section.models, f"{section.key} names no model: its data would never be kept"
        for shared in (True, False):
            for published in (True, False):
                context = ReportContext(
                    county=county,
                    period=period,
                    shared=shared,
                    published=published,
                    today=datetime.date(2018, 6, 1),
                    periods=periods,
                )
                with CaptureQueriesContext(connection) as queries:
                    section.build(context)  # a fresh context: nothing read by another section
                read = _tables_read(" ".join(q["sql"] for q in queries.captured_queries))
                named = {*section.models, County, ReportingPeriod}
                assert read <= named, (section.key, read - named)
                checked |= {section.key} if read else set()
    assert checked == {section.key for section in report_selectors.sections()}  # each read something


def _preview_victims(client, period) -> str:
    page = client.get(reverse("krat:report_preview", args=[period.pk]), {"ndarje": "0"})
    assert page.status_code == 200
    return str(page.context["report"].data["victims"].summary.statuses[0].total[0])  # this period's


def test_the_preview_reads_a_save_of_the_grid_and_the_final_version_is_built_afresh(client, monkeypatch):
    county, period = _full_period()
    sign_in_superuser(client)
    institution = county.institutions.first()
    first = _preview_victims(client, period)
    assert _preview_victims(client, period) == first  # kept
    save_victims(period, institution, 44)
    assert _preview_victims(client, period) == "44" != first
    # What is printed is never read from the cache.
    monkeypatch.setattr(generations, "kept", _refuse)
    assert client.get(reverse("krat:report_pdf", args=[period.pk])).status_code == 200


def _refuse(*args, **kwargs):
    raise AssertionError("a document read from the cache")
