import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from krat.choices import InstitutionKind, Position, Role
from krat.forms import InstitutionForm
from krat.models import Institution, User
from tests.factories import CountyFactory, InstitutionFactory, UserFactory


def form_data(**overrides):
    return {
        "name": "Policia e Shtetit",
        "kind": InstitutionKind.STATE_POLICE,
        "is_active": "on",
        **overrides,
    }


@pytest.mark.django_db
class TestInstitution:
    def test_a_duplicate_name_in_one_county_is_refused_whatever_the_case(self):
        existing = InstitutionFactory(name="Zyra e Punës")
        form = InstitutionForm(form_data(name="zyra e punës"), county=existing.county)
        assert not form.is_valid()
        assert "already has an institution with this name" in str(form.non_field_errors())

    def test_the_same_name_in_another_county_is_fine(self):
        InstitutionFactory(name="Zyra e Punës")
        form = InstitutionForm(form_data(name="Zyra e Punës"), county=CountyFactory())
        assert form.is_valid(), form.errors

    def test_the_database_refuses_a_duplicate_name(self):
        existing = InstitutionFactory(name="Zyra e Punës")
        with pytest.raises(IntegrityError), transaction.atomic():
            Institution.objects.create(
                county=existing.county, name="zyra e punës", kind=InstitutionKind.OTHER
            )

    def test_an_unknown_kind_is_refused(self):
        form = InstitutionForm(form_data(kind="bank"), county=CountyFactory())
        assert not form.is_valid()
        assert "kind" in form.errors

    def test_the_county_comes_from_the_view_not_the_request(self):
        county = CountyFactory()
        form = InstitutionForm(form_data(county=CountyFactory().pk), county=county)
        assert form.is_valid()
        assert form.save(commit=False).county == county


@pytest.mark.django_db(transaction=True)
class TestPeopleConstraints:
    def _refused(self, **fields):
        with pytest.raises(IntegrityError), transaction.atomic():
            User.objects.create(username="x", **fields)

    def test_a_representative_without_an_institution_is_refused(self):
        county = CountyFactory()
        with pytest.raises(ValidationError, match="must belong to an institution"):
            User(username="x", role=Role.REPRESENTATIVE, county=county).full_clean()
        self._refused(role=Role.REPRESENTATIVE, county=county)

    def test_county_roles_need_a_county_and_national_observers_have_none(self):
        self._refused(role=Role.SECRETARIAT)
        self._refused(role=Role.NATIONAL_OBSERVER, county=CountyFactory())

    def test_only_one_representative_and_one_deputy_per_institution(self):
        institution = InstitutionFactory()
        UserFactory(
            role=Role.REPRESENTATIVE,
            county=institution.county,
            institution=institution,
            position=Position.REPRESENTATIVE,
        )
        UserFactory(
            role=Role.REPRESENTATIVE,
            county=institution.county,
            institution=institution,
            position=Position.DEPUTY,
        )
        self._refused(
            role=Role.REPRESENTATIVE,
            county=institution.county,
            institution=institution,
            position=Position.DEPUTY,
        )

    def test_an_institution_of_another_county_is_refused(self):
        institution = InstitutionFactory()
        person = User(username="x", role=Role.REPRESENTATIVE, county=CountyFactory(), institution=institution)
        with pytest.raises(ValidationError, match="belongs to another county"):
            person.full_clean()


def test_a_posted_county_is_ignored(world, client):
    """The county is the view's (a disabled field): posting another county's id changes
    nothing, and the per-county uniqueness rule is still checked with the form's fields."""
    from krat.models import Institution

    client.force_login(world.users["secretariat"])
    url = reverse("krat:institution_create", args=[world.own.slug])
    response = client.post(
        url, {"county": world.other.pk, "name": "Qendra Sociale", "kind": "ngo", "version": 0}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Institution.objects.get(name="Qendra Sociale").county == world.own
    again = client.post(
        url, {"county": world.other.pk, "name": "Qendra Sociale", "kind": "ngo", "version": 0}
    )
    assert again.status_code == 400  # the form comes back with the rule's message
    assert Institution.objects.filter(name="Qendra Sociale").count() == 1
