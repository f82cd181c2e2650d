"""The back office: every registered model's list and add pages open for the superuser
(whose session gave the second factor: the admin asks for it, see tests/security/test_two_factor.py)."""

import pytest
from django.contrib import admin
from django.urls import reverse

from tests.factories import sign_in_superuser


@pytest.mark.parametrize(
    "model", sorted(admin.site._registry, key=lambda m: m._meta.label), ids=lambda m: m._meta.label
)
def test_admin_pages_open(db, client, model):
    sign_in_superuser(client)
    info = (model._meta.app_label, model._meta.model_name)
    assert client.get(reverse("admin:{}_{}_changelist".format(*info))).status_code == 200
    add = client.get(reverse("admin:{}_{}_add".format(*info)))
    assert add.status_code in (200, 403)


def test_every_versioned_model_is_counted_when_the_admin_changes_it():
    """A change here is a new version, as a form's save is: the editor of the same record
    in a form is told, and nothing kept under the old version is read for it."""
    from krat.admin_site import VersionedAdmin
    from krat.models.base import Versioned

    for model, model_admin in admin.site._registry.items():
        if issubclass(model, Versioned):
            assert isinstance(model_admin, VersionedAdmin), model


def test_closing_a_period_in_the_admin_is_a_new_version(db, client, world):
    sign_in_superuser(client)
    period = world.period
    before = period.version
    url = reverse("admin:krat_reportingperiod_change", args=[period.pk])
    form = {
        "county": period.county_id,
        "label": period.label,
        "start_date": period.start_date.isoformat(),
        "end_date": period.end_date.isoformat(),
        "deadline": period.deadline.isoformat(),
        "is_closed": "on",
    }
    assert client.post(url, form).status_code == 302
    period.refresh_from_db()
    assert period.is_closed and period.version == before + 1


def test_a_closed_period_s_figures_cannot_be_changed_in_the_admin(db, client, world):
    """They are published: the national report keeps what it computed of them."""
    from cases.models import VictimReport
    from tests.cases.factories import close_period, save_victims

    sign_in_superuser(client)
    save_victims(world.period, world.own_institution, 4)
    report = VictimReport.objects.get(period=world.period, status="victim")
    stored = VictimReport.objects.filter(period=world.period).count()
    close_period(world.period)
    change = reverse("admin:cases_victimreport_change", args=[report.pk])
    assert "Save" not in client.get(change).content.decode()  # shown, not editable
    assert client.post(change, {"total": 40}).status_code == 403
    assert (
        client.post(reverse("admin:cases_victimreport_delete", args=[report.pk]), {"post": "yes"}).status_code
        == 403
    )
    report.refresh_from_db()
    assert report.total == 4
    # Nor can a record be added to it, nor moved into it.
    page = client.post(
        reverse("admin:cases_victimreport_add"),
        {
            "county": world.own.pk,
            "period": world.period.pk,
            "institution": world.own_institution.pk,
            "status": "victim",
            "total": 3,
            "referred": 0,
        },
    )
    form = page.context["adminform"].form
    assert form.errors.as_data()["__all__"][0].code == "closed", form.errors
    assert VictimReport.objects.filter(period=world.period).count() == stored


def test_age_groups_are_shown_not_edited_in_the_admin(db, client, world):
    from cases.models import AgeGroup

    sign_in_superuser(client)
    group = AgeGroup.objects.filter(county=world.own).first()
    assert client.get(reverse("admin:cases_agegroup_changelist")).status_code == 200
    assert client.get(reverse("admin:cases_agegroup_add")).status_code == 403
    assert (
        client.post(reverse("admin:cases_agegroup_delete", args=[group.pk]), {"post": "yes"}).status_code
        == 403
    )
