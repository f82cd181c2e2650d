"""Optimistic locking on every edit form two people can open.

For each edit view: two editors load the page at the same version; the first save goes
through, the second is refused with 400 and the first one's text stays. A save that does
not say which version it started from (no stamp, or a broken one) is refused the same way,
on every page that changes a stored record, grids and their spreadsheet imports included.
"""

from __future__ import annotations

import re

import pytest
from django import forms
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from krat.concurrency import VersionField
from krat.models.base import Versioned
from tests.access import all_cases, project_url_names
from tests.security.forms import fill_required, form_data, page_data, page_form, side_forms, text_field
from tests.security.test_fuzz import fingerprint

pytestmark = pytest.mark.django_db

# Edit views of single records: the text field changed by both editors is found generically.
EDIT_VIEWS = [
    "krat:county_settings",
    "krat:institution_edit",
    "krat:membership_edit",
    "krat:person_edit",
    "krat:period_edit",
    "krat:submission_edit",
    "krat:report_summary_edit",
    "meetings:edit",
    "meetings:agenda_edit",
    "meetings:minutes",
    "meetings:decision_edit",
    "meetings:decision_status",
    "meetings:attendance",
    "actionplan:plan_edit",
    "actionplan:pillar_edit",
    "actionplan:objective_edit",
    "actionplan:activity_edit",
    "actionplan:progress_edit",
    "actionplan:event_edit",
    "cases:settings",
    "cases:street_edit",
    "cases:victims_entry",
]
# Edit pages that are not a versioned record, and why.
NOT_VERSIONED = {
    "cases:employment_entry": "replaces the institution's rows whole; see test_the_employment_grid_is_locked",
}
# Every page whose save changes stored data: each carries the version (or stamp) it shows.
LOCKED_PAGES = [*EDIT_VIEWS, "cases:employment_entry", "cases:victims_import", "cases:employment_import"]
IMPORT_TEMPLATES = {
    "cases:victims_import": "cases:victims_template",
    "cases:employment_import": "cases:employment_template",
}
MISSING_VERSION = "Kjo faqe nuk tregon në cilin version të regjistrimit u hap"
EDIT_WORDS = re.compile(r"(ndrysho|cilesimet|pjesemarrja|procesverbali|ndjekja|ecuria/\d|/\d+/$)")
ROLE_ORDER = ["secretariat", "representative", "chair", "other_representative", "observer"]


def test_every_edit_view_is_checked():
    """A new edit page (an address with "ndrysho" and the like) must join the list."""
    for name in project_url_names():
        if name.endswith(("_edit", ":edit", "settings", "attendance", "minutes", "decision_status", "entry")):
            assert name in EDIT_VIEWS or name in NOT_VERSIONED, name


def test_every_edited_model_is_versioned():
    edited = [
        "krat.county",
        "krat.institution",
        "krat.tablemembership",
        "krat.user",
        "krat.reportingperiod",
        "krat.periodsubmission",
        "meetings.meeting",
        "meetings.agendaitem",
        "meetings.decision",
        "actionplan.actionplan",
        "actionplan.pillar",
        "actionplan.objective",
        "actionplan.activity",
        "actionplan.activityprogress",
        "actionplan.awarenessevent",
        "cases.casessettings",
        "cases.streetintervention",
        "cases.victimreport",
    ]
    for label in edited:
        assert issubclass(apps.get_model(label), Versioned), label


def _editor(world, case):
    for role in ROLE_ORDER:
        if role in case.allowed:
            return world.users[role]
    raise AssertionError("nobody may edit")


@pytest.fixture
def built(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    cases, builders = all_cases()
    for build in builders:
        build(world)
    from actionplan.models import TargetGroup

    world.extra["event"].target_groups.add(TargetGroup.objects.first())
    return cases


def _change(data: dict, form, mark: str) -> tuple[str, str] | None:
    name = text_field(form)
    if name is None:
        return None
    key = form[name].html_name
    data[key] = f"{data.get(key, '')}-{mark}".strip("-")[: form.fields[name].max_length or 1000]
    return key, data[key]


@pytest.mark.parametrize("name", EDIT_VIEWS)
def test_the_second_of_two_editors_is_refused(world, built, client, django_user_model, name):
    case = built[name]
    url = reverse(name, kwargs=case.kwargs(world))
    user = _editor(world, case)
    client.force_login(user)
    page = client.get(url)
    assert page.status_code == 200, page.status_code
    form = page_form(page)
    if not form_data(form).get("version") and not any(k.endswith("-version") for k in form_data(form)):
        # The record does not exist yet (a progress report): the first save creates it.
        assert client.post(url, fill_required(form, form_data(form))).status_code == 302, (name, "create")
        form = page_form(client.get(url))
    first, second = form_data(form), form_data(form)
    assert first.get("version") or any(k.endswith("-version") for k in first), f"{name} carries no version"
    changed = _change(first, form, "EditoriA")
    _change(second, form, "EditoriB")

    response = client.post(url, first)
    assert response.status_code == 302, (name, _errors(response))
    refused = client.post(url, second)
    assert refused.status_code == 400, name
    if changed:
        after = form_data(page_form(client.get(url)))
        assert after[changed[0]] == changed[1], name


def _errors(response):
    if response.context is None:
        return response.status_code
    form = page_form(response)
    return getattr(form, "errors", None) or getattr(form, "non_form_errors", lambda: None)()


def test_the_employment_grid_is_locked(world, built, client):
    """The grid replaces its rows whole; its lock is the newest change in their history."""
    from cases.models import EmploymentFunnel

    case = built["cases:employment_entry"]
    url = reverse("cases:employment_entry", kwargs=case.kwargs(world))
    client.force_login(_editor(world, case))
    page = client.get(url)
    formset = page.context["formset"]
    data = {
        f"{formset.prefix}-TOTAL_FORMS": "1",
        f"{formset.prefix}-INITIAL_FORMS": "0",
        "stamp": str(page.context["stamp_form"]["stamp"].value()),
    }
    row = dict.fromkeys(EmploymentFunnel.STAGES, "0") | {"received": "4", "interviewed": "2"}
    form = formset.forms[0]
    row["group"] = next(str(v) for v, _l in form.fields["group"].choices if v)
    row["sex"] = next(str(v) for v, _l in form.fields["sex"].choices if v)
    first = data | {f"{formset.prefix}-0-{k}": v for k, v in row.items()}
    second = data | {f"{formset.prefix}-0-{k}": v for k, v in (row | {"received": "9"}).items()}
    assert client.post(url, first).status_code == 302
    assert client.post(url, second).status_code == 400
    assert list(EmploymentFunnel.objects.values_list("received", flat=True)) == [4]
    # The hole found: without its stamp the second save went through (4 became 9).
    unstamped = {k: v for k, v in second.items() if k != "stamp"}
    refused = client.post(url, unstamped)
    assert refused.status_code == 400
    assert MISSING_VERSION in refused.content.decode()
    assert 'value="9"' in refused.content.decode()  # what was typed is still in the form
    assert list(EmploymentFunnel.objects.values_list("received", flat=True)) == [4]


def _version_keys(response) -> list[str]:
    """The names under which a page sends the versions it shows."""
    keys = []
    for form in [page_form(response), *side_forms(response)]:
        inner = form.management_form if isinstance(form, forms.BaseFormSet) else form
        keys += [
            inner[name].html_name for name, field in inner.fields.items() if isinstance(field, VersionField)
        ]
    return keys


@pytest.mark.parametrize("name", LOCKED_PAGES)
def test_a_save_without_its_version_is_refused_and_the_input_kept(world, built, client, name):
    """An old or forged page that does not send its version (or sends a broken one) saves
    nothing: 400, the message in Albanian, and what the person typed still in the form."""
    case = built[name]
    url = reverse(name, kwargs=case.kwargs(world))
    client.force_login(_editor(world, case))
    page = client.get(url)
    form = page_form(page)
    if not any(int(page_data(page).get(key) or 0) for key in _version_keys(page)) and name in EDIT_VIEWS:
        # The record does not exist yet (a progress report): the first save creates it.
        assert client.post(url, fill_required(form, page_data(page))).status_code == 302, (name, "create")
        page = client.get(url)
        form = page_form(page)
    keys = _version_keys(page)
    assert keys, f"{name} sends no version"
    typed_data = page_data(page)
    typed = _change(typed_data, form, "E-shtypur-nga-une")
    for broken in (None, "", "abc", "-1"):
        data = dict(typed_data)
        for key in keys:
            if broken is None:
                del data[key]
            else:
                data[key] = broken
        if name in IMPORT_TEMPLATES:
            template = client.get(reverse(IMPORT_TEMPLATES[name], kwargs={"pk": case.kwargs(world)["pk"]}))
            data["file"] = SimpleUploadedFile("tabela.xlsx", template.content)
        before = fingerprint()
        response = client.post(url, data)
        assert response.status_code == 400, (name, broken)
        assert fingerprint() == before, (name, broken)
        content = response.content.decode()
        assert content.count(MISSING_VERSION) == 1, (name, broken)  # said once, above the form
        if typed:
            assert escape(typed[1]) in content, (name, broken)


def test_an_import_does_not_replace_a_grid_saved_since_its_page_was_opened(world, built, client):
    """The victims import replaces the grid whole: not over a save made meanwhile."""
    from cases.models import VictimReport
    from tests.cases.factories import save_victims
    from tests.cases.test_imports import victims_file

    case = built["cases:victims_import"]
    url = reverse("cases:victims_import", kwargs=case.kwargs(world))
    client.force_login(_editor(world, case))
    stamps = {k: v for k, v in page_data(client.get(url)).items() if k != "file"}
    save_victims(world.period, world.own_institution, 2)  # someone saves the grid meanwhile
    before = fingerprint()
    refused = client.post(url, {**stamps, "file": SimpleUploadedFile("v.xlsx", victims_file(world))})
    assert refused.status_code == 400
    assert "Dikush tjetër e ruajti" in refused.content.decode()
    assert fingerprint() == before
    stamps = {k: v for k, v in page_data(client.get(url)).items() if k != "file"}
    saved = client.post(url, {**stamps, "file": SimpleUploadedFile("v.xlsx", victims_file(world))})
    assert saved.status_code == 302
    assert VictimReport.objects.get(institution=world.own_institution, status="victim").total == 5


# --- Decisions about what was read: approving the minutes, approving or returning a report -----


def _approve_minutes(world):
    from tests.meetings.factories import MeetingFactory

    meeting = MeetingFactory(county=world.own)
    return world.users["chair"], reverse("meetings:approve", args=[meeting.pk]), meeting, {}


def _submission(world):
    from krat.models import SubmissionState
    from tests.krat.access_cases import make_submission

    return make_submission(world.period, world.own_institution, SubmissionState.SUBMITTED)


def _approve_report(world):
    submission = _submission(world)
    return (
        world.users["secretariat"],
        reverse("krat:submission_approve", args=[submission.pk]),
        submission,
        {},
    )


def _return_report(world):
    submission = _submission(world)
    url = reverse("krat:submission_return", args=[submission.pk])
    return world.users["secretariat"], url, submission, {"comment": "Shtoni shifrat."}


DECISIONS = {"meetings:approve": _approve_minutes, "krat:submission_approve": _approve_report}
DECISIONS["krat:submission_return"] = _return_report


@pytest.mark.parametrize("name", sorted(DECISIONS))
def test_a_decision_is_taken_on_the_version_read_and_never_without_one(world, client, name):
    """The chair approves the minutes they read; the secretariat approves or returns the
    report it read. Without the version, or on one changed since, nothing happens."""
    user, url, record, data = DECISIONS[name](world)
    client.force_login(user)
    version = record.version
    type(record).objects.filter(pk=record.pk).update(version=version + 1)  # saved by someone meanwhile
    for sent in ({}, {"version": ""}, {"version": "abc"}, {"version": version}):
        response = client.post(url, {**data, **sent}, follow=True)
        record.refresh_from_db()
        assert record.version == version + 1, (name, sent)  # nothing happened
        content = response.content.decode()
        assert MISSING_VERSION in content or "Kjo ndryshoi pasi e hapët faqen" in content, (name, sent)
    assert client.post(url, {**data, "version": version + 1}).status_code == 302
    record.refresh_from_db()
    assert record.version == version + 2, name
