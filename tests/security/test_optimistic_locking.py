"""Optimistic locking on every edit form two people can open.

For each edit view: two editors load the page at the same version; the first save goes
through, the second is refused with 400 and the first one's text stays.
"""

from __future__ import annotations

import re

import pytest
from django.apps import apps
from django.urls import reverse

from krat.models.base import Versioned
from tests.access import all_cases, project_url_names
from tests.security.forms import fill_required, form_data, page_form, text_field

pytestmark = pytest.mark.django_db

# Edit views of single records: the text field changed by both editors is found generically.
EDIT_VIEWS = [
    "krat:county_settings",
    "krat:institution_edit",
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
        "stamp": str(page.context["stamp"]),
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
