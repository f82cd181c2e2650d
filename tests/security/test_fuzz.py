"""Hostile input never breaks a write: property-based tests with hypothesis.

Every form class of the project is posted, with random and hostile text, numbers and dates
in its fields, to the view that writes with it, as a role allowed to write. Never a 500;
and when the answer is not a success (a redirect), nothing changed in the database (row
counts of every county model and of its history, and the sum of the versions).
Every spreadsheet import takes random bytes and random workbooks the same way.
"""

from __future__ import annotations

import importlib
import inspect
import io
import string

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from tests.access import all_cases
from tests.fingerprint import fingerprint
from tests.security.forms import fill_required, form_data, page_data, page_form, side_forms

pytestmark = pytest.mark.django_db

FORM_MODULES = [
    "krat.forms",
    "krat.submissions.forms",
    "krat.views.security",
    "krat.password_reset",
    "meetings.forms",
    "actionplan.forms",
    "cases.forms",
]
# Form class → the view that writes with it (a create view shares its form with the edit).
FORM_TARGETS = {
    "krat.forms.InstitutionForm": "krat:institution_edit",
    "krat.forms.ReportingPeriodForm": "krat:period_edit",
    "krat.forms.CountySettingsForm": "krat:county_settings",
    "krat.forms.PersonForm": "krat:person_edit",
    "krat.forms.MembershipForm": "krat:membership_edit",
    "krat.submissions.forms.SubmissionForm": "krat:submission_edit",
    "krat.submissions.forms.ReturnForm": "krat:submission_return",
    "krat.submissions.forms.ReopenForm": "krat:submission_reopen",
    "krat.views.security.CodeForm": "two_factor_enrol",
    "meetings.forms.MeetingForm": "meetings:edit",
    "meetings.forms.AgendaItemForm": "meetings:agenda_edit",
    "meetings.forms.MinutesForm": "meetings:minutes",
    "meetings.forms.DecisionForm": "meetings:decision_edit",
    "meetings.forms.DecisionStatusForm": "meetings:decision_status",
    "meetings.forms.ReopenForm": "meetings:reopen",
    "meetings.forms.AttachmentForm": "meetings:attachment_add",
    "meetings.forms.AttendanceForm": "meetings:attendance",
    "actionplan.forms.PlanForm": "actionplan:plan_edit",
    "actionplan.forms.PillarForm": "actionplan:pillar_edit",
    "actionplan.forms.ObjectiveForm": "actionplan:objective_edit",
    "actionplan.forms.ActivityForm": "actionplan:activity_edit",
    "actionplan.forms.ProgressForm": "actionplan:progress_edit",
    "actionplan.forms.CommentForm": "actionplan:comment_add",
    "actionplan.forms.EventForm": "actionplan:event_edit",
    "cases.forms.VictimGridForm": "cases:victims_entry",
    "cases.forms.StreetInterventionForm": "cases:street_edit",
    "cases.forms.EmploymentRowForm": "cases:employment_entry",
    "cases.forms.GridStampForm": "cases:employment_entry",
    "cases.forms.CasesSettingsForm": "cases:settings",
}
# Uploads: fuzzed with random bytes and random workbooks below.
IMPORT_TARGETS = {
    "actionplan.forms.PlanImportForm": ["actionplan:plan_import"],
    "cases.forms.UploadForm": ["cases:victims_import", "cases:street_import", "cases:employment_import"],
}
# Form classes that write nothing, and why.
NOT_WRITING = {
    "krat.forms.CountyScopedForm": "a base class; its subclasses are fuzzed",
    "meetings.forms.MeetingFilterForm": "a GET filter of the meeting list (fuzzed as a GET below)",
    "krat.password_reset.PasswordResetForm": (
        "Django's reset form: it sends an e-mail and writes nothing (tests/krat/test_password_reset.py)"
    ),
}
# Form classes that write but are not fuzzed here, and why.
NOT_FUZZED = {
    "krat.submissions.forms.RemindForm": (
        "one optional institution id posted by the board's buttons; hostile ids are tried in "
        "tests/krat/test_submission_reminders.py"
    ),
    "krat.views.security.ThrottledPasswordChangeForm": (
        "Django's PasswordChangeForm with the old password checked through the log-in throttle: "
        "random guesses lock the person out by design (tests/krat/test_security.py)"
    ),
}
ROLE_ORDER = ["secretariat", "representative", "chair", "other_representative"]
EXAMPLES = 25
UPLOAD_EXAMPLES = 12

HOSTILE = [
    "<script>alert(1)</script>",
    '" onmouseover="alert(1)',
    "' OR 1=1 --",
    '=HYPERLINK("http://x")',
    "=cmd|' /C calc'!A0",
    "\x00",
    "a\x00b",
    "../../etc/passwd",
    "{{ 7*7 }}{% debug %}",
    "%s%n%x",
    "ë" * 400,
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
    " ",
    "",
    "\r\n\t",
    "9" * 40,
]
text = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=120), st.text(string.printable, max_size=2500))
numbers = st.one_of(
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(["", "-0", "1e309", "NaN", "Infinity", "0x10", "١٢", "1,5", "12.345,67", "2147483648"]),
    text,
)
dates = st.one_of(
    st.dates().map(lambda d: f"{d.day:02d}.{d.month:02d}.{d.year:04d}"),
    st.sampled_from(
        ["31.02.2018", "00.00.0000", "99.99.9999", "2018-04-25", "25.04.18", "1.1.10000", "10:99"]
    ),
    text,
)


def _form_classes() -> dict[str, type[forms.BaseForm]]:
    found = {}
    for module_name in FORM_MODULES:
        module = importlib.import_module(module_name)
        for name, obj in vars(module).items():
            if inspect.isclass(obj) and issubclass(obj, forms.BaseForm) and obj.__module__ == module_name:
                found[f"{module_name}.{name}"] = obj
    return found


def test_every_form_class_is_fuzzed():
    """A new form class fails here until it has a target (or a reason not to)."""
    for label in _form_classes():
        assert (
            label in FORM_TARGETS or label in IMPORT_TARGETS or label in NOT_WRITING or label in NOT_FUZZED
        ), label


def _strategy(field: forms.Field):
    if isinstance(field, forms.FileField):
        return st.nothing()
    if isinstance(field, forms.IntegerField | forms.DecimalField | forms.FloatField):
        return numbers
    if isinstance(field, forms.DateField | forms.DateTimeField | forms.TimeField | forms.SplitDateTimeField):
        return dates
    if isinstance(field, forms.BooleanField):
        return st.sampled_from(["on", "", "false", "0", "yes"])
    if isinstance(field, forms.ModelMultipleChoiceField | forms.MultipleChoiceField):
        return st.lists(st.one_of(numbers, text), max_size=3)
    if isinstance(field, forms.ChoiceField):
        values = [str(v) for v, _l in field.choices if not isinstance(_l, list | tuple)]
        return st.one_of(st.sampled_from(values or [""]), numbers, text)
    return text


def _editor(world, case):
    for role in ROLE_ORDER:
        if role in case.allowed:
            return world.users[role]
    raise AssertionError("nobody may write")


@pytest.fixture
def built(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    cases, builders = all_cases()
    for build in builders:
        build(world)
    from actionplan.models import TargetGroup

    world.extra["event"].target_groups.add(TargetGroup.objects.first())
    return cases


class Target:
    """A write view with its current form: refetched after each success (the version moved)."""

    def __init__(self, client, url: str, form_class):
        self.client, self.url, self.form_class = client, url, form_class
        self.refresh()

    def refresh(self) -> None:
        page = self.client.get(self.url)
        # A POST-only view has no page: the form class alone gives the fields.
        shown = page.status_code == 200 and page.context is not None
        form = page_form(page) if shown else self.form_class()
        self.form = form
        inner = form.forms[0] if isinstance(form, forms.BaseFormSet) else form
        beside = side_forms(page) if shown else []
        self.fields = {f[name].html_name: field for f in [inner, *beside] for name, field in f.fields.items()}
        self.base = fill_required(inner, form_data(form))
        for other in beside:
            self.base.update(form_data(other))


FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.mark.parametrize("label", sorted(FORM_TARGETS))
@FUZZ
@given(data=st.data())
def test_hostile_input_never_breaks_a_form(world, built, client, label, data):
    name = FORM_TARGETS[label]
    case = built[name]
    target = _TARGETS.get((id(world), label))
    if target is None:
        client.force_login(_editor(world, case))
        target = _TARGETS[(id(world), label)] = Target(
            client, reverse(name, kwargs=case.kwargs(world)), _form_classes()[label]
        )
    post = dict(target.base)
    names = sorted(target.fields)
    chosen = data.draw(
        st.lists(st.sampled_from(names), min_size=1, max_size=len(names), unique=True), "fields"
    )
    for field_name in chosen:
        strategy = _strategy(target.fields[field_name])
        if not strategy.is_empty:
            post[field_name] = data.draw(strategy, field_name)
    before = fingerprint()
    response = target.client.post(target.url, post)
    assert response.status_code != 500
    if response.status_code == 302:
        target.refresh()
    else:
        assert fingerprint() == before, (label, response.status_code)


_TARGETS: dict = {}


@pytest.fixture(autouse=True)
def _forget_targets():
    yield
    _TARGETS.clear()


cells = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=False),
    st.dates(),
    st.sampled_from([*HOSTILE[:5], "Policia Durrës", "Femër", "Mashkull", "0-13", "Durrës", "1.1"]),
    # What a worksheet can hold: no control characters.
    st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=40),
)


def _workbook(header: list, rows: list[list]) -> bytes:
    book = Workbook()
    sheet = book.active
    if header:
        sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _template_header(client, name: str, kwargs: dict) -> list:
    template = {
        "actionplan:plan_import": "actionplan:plan_template",
        "cases:victims_import": "cases:victims_template",
        "cases:street_import": "cases:street_template",
        "cases:employment_import": "cases:employment_template",
    }[name]
    template_kwargs = {"pk": kwargs["pk"]}
    content = client.get(reverse(template, kwargs=template_kwargs)).content
    sheet = load_workbook(io.BytesIO(content)).active
    return [c.value for c in next(sheet.iter_rows(max_row=1))]


IMPORTS = [name for names in IMPORT_TARGETS.values() for name in names]


@pytest.mark.parametrize("name", IMPORTS)
@settings(
    max_examples=UPLOAD_EXAMPLES * 2,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    payload=st.one_of(
        st.binary(max_size=4000).map(lambda b: ("bytes", b)),
        st.tuples(st.booleans(), st.lists(st.lists(cells, max_size=16), max_size=8)).map(
            lambda t: ("book", t)
        ),
    )
)
def test_random_files_never_break_an_import(world, built, client, name, payload):
    case = built[name]
    if _TARGETS.get((id(world), name)) is None:
        client.force_login(_editor(world, case))
        _TARGETS[(id(world), name)] = True
    kwargs = case.kwargs(world)
    url = reverse(name, kwargs=kwargs)
    kind, value = payload
    if kind == "book":
        with_header, rows = value
        header = _template_header(client, name, kwargs) if with_header else []
        value = _workbook(header, rows)
    # The stamps of the grid the page shows (they move with each import that succeeds).
    stamps = {key: value for key, value in page_data(client.get(url)).items() if key != "file"}
    before = fingerprint()
    response = client.post(url, {**stamps, "file": SimpleUploadedFile("tabela.xlsx", value)})
    assert response.status_code != 500
    if response.status_code != 302:
        assert fingerprint() == before


@FUZZ
@given(
    query=st.dictionaries(
        st.sampled_from(["q", "status", "body", "from", "to", "page", "x"]), text, max_size=5
    )
)
def test_hostile_filters_never_break_the_meeting_list(world, client, query):
    client.force_login(world.users["observer"])
    assert client.get(reverse("meetings:list", args=[world.own.slug]), query).status_code in (200, 400, 404)


def test_a_model_rule_on_a_field_the_form_lacks_is_a_form_error(world, client):
    """Found by the fuzzer: a held meeting moved into the future broke the edit page (500)."""
    from meetings.choices import MeetingStatus
    from tests.meetings.factories import MeetingFactory

    meeting = MeetingFactory(county=world.own, status=MeetingStatus.HELD)
    client.force_login(world.users["secretariat"])
    url = reverse("meetings:edit", args=[meeting.pk])
    data = page_data(client.get(url))
    data.update({k: "01.01.2099" for k in data if k.startswith("starts_at") and "." in data[k]})
    before = fingerprint()
    assert client.post(url, data).status_code == 400
    assert fingerprint() == before


def test_a_forged_form_count_is_bounded(world, built, client, monkeypatch):
    """Found by the fuzzer: TOTAL_FORMS=10**20 made the employment grid build 2,000 forms.

    The cost is bounded by the number of row forms built, counted here, not by a clock:
    a timed assertion fails on a loaded machine and says nothing about the bound.
    """
    from cases.forms import EMPLOYMENT_MAX_ROWS, EmploymentRowForm

    case = built["cases:employment_entry"]
    client.force_login(_editor(world, case))
    url = reverse("cases:employment_entry", kwargs=case.kwargs(world))
    data = page_data(client.get(url))
    data["form-TOTAL_FORMS"] = "9" * 20
    built_forms = []
    original_init = EmploymentRowForm.__init__

    def counting_init(self, *args, **kwargs):
        built_forms.append(self)
        original_init(self, *args, **kwargs)

    monkeypatch.setattr(EmploymentRowForm, "__init__", counting_init)
    before = fingerprint()
    response = client.post(url, data)
    assert response.status_code == 400
    assert len(response.context["formset"].forms) <= EMPLOYMENT_MAX_ROWS
    assert 0 < len(built_forms) <= EMPLOYMENT_MAX_ROWS + 1  # the rows, and the empty form at most
    assert fingerprint() == before
