"""Accounts the secretariat may not touch (issue 14, point 3).

The secretariat makes and changes the representatives and observers of its own county,
never a chair, a secretariat colleague, a superuser, a staff member or a national
observer, and never gives those roles or rights: preparing and signing stay apart.
"""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from krat import services
from krat.choices import Role
from krat.models import User
from tests.factories import UserFactory

METHODS = ["get", "head", "options", "post", "put", "patch", "delete"]
# What a change would touch; compared before and after each refused try.
SNAPSHOT_FIELDS = [
    "username",
    "first_name",
    "email",
    "password",
    "role",
    "county_id",
    "institution_id",
    "is_active",
    "is_staff",
    "is_superuser",
    "version",
]


def snapshot(person: User) -> dict:
    person = User.objects.get(pk=person.pk)
    return {name: getattr(person, name) for name in SNAPSHOT_FIELDS}


def hostile_post(world, person: User, **overrides) -> dict:
    """The whole form as a browser would send it, with every right the attacker wants."""
    return {
        "username": person.username,
        "first_name": "Pushtuar",
        "last_name": "Llogaria",
        "email": "sulmuesi@example.org",
        "role": Role.REPRESENTATIVE,
        "institution": world.own_institution.pk,
        "position": "",
        "is_active": "",
        "is_staff": "on",
        "is_superuser": "on",
        "county": world.other.pk,
        "password1": "Fjalekalim-i-sulmuesit-7",
        "password2": "Fjalekalim-i-sulmuesit-7",
        "version": person.version,
        **overrides,
    }


@pytest.fixture
def untouchable(world):
    """Accounts of the secretariat's own county (and one of another) it may not change."""
    return {
        "chair": world.users["chair"],
        "secretariat colleague": UserFactory(username="sekretaria2", role=Role.SECRETARIAT, county=world.own),
        "superuser of the county": UserFactory(
            username="admin.durres", role=Role.OBSERVER, county=world.own, is_superuser=True, is_staff=True
        ),
        "staff representative": UserFactory(
            username="it.durres",
            role=Role.REPRESENTATIVE,
            county=world.own,
            institution=world.own_institution,
            is_staff=True,
        ),
        "superuser without county": UserFactory(username="rrenja", role="", county=None, is_superuser=True),
        "national observer": world.users["national_observer"],
        "another county's representative": UserFactory(
            username="perfaqesuesi.vlore",
            role=Role.REPRESENTATIVE,
            county=world.other,
            institution=world.foreign_institution,
        ),
    }


NOT_FOUND = {"superuser without county", "national observer", "another county's representative"}


class TestTheSecretariatCannotChangeOtherAccounts:
    @pytest.mark.parametrize("method", METHODS)
    def test_every_method_on_every_untouchable_account_is_refused(self, world, untouchable, client, method):
        client.force_login(world.users["secretariat"])
        for label, person in untouchable.items():
            before = snapshot(person)
            url = reverse("krat:person_edit", args=[person.pk])
            response = getattr(client, method)(url, hostile_post(world, person))
            expected = 404 if label in NOT_FOUND else 403
            # The person form takes GET and POST; any other method is refused before anything
            # else (405), to everyone (the access matrix's rule).
            wanted = expected if method in ("get", "post") else 405
            assert response.status_code == wanted, (label, method, response.status_code)
            assert snapshot(person) == before, label
            unlock = client.post(reverse("krat:person_unlock", args=[person.pk]))
            assert unlock.status_code == expected, (label, "unlock", unlock.status_code)

    def test_a_representative_cannot_be_promoted(self, world, client):
        client.force_login(world.users["secretariat"])
        person = world.users["other_representative"]
        url = reverse("krat:person_edit", args=[person.pk])
        for role in (Role.CHAIR, Role.SECRETARIAT, Role.NATIONAL_OBSERVER, ""):
            before = snapshot(person)
            response = client.post(url, hostile_post(world, person, role=role, is_active="on"))
            assert response.status_code == 400, role
            assert snapshot(person) == before, role
            assert "role" in response.context["form"].errors

    def test_posted_rights_and_county_are_ignored(self, world, client):
        client.force_login(world.users["secretariat"])
        person = world.users["other_representative"]
        response = client.post(
            reverse("krat:person_edit", args=[person.pk]),
            hostile_post(world, person, institution=world.other_institution.pk, is_active="on"),
        )
        assert response.status_code == 302
        person.refresh_from_db()
        assert (person.is_staff, person.is_superuser, person.county) == (False, False, world.own)
        assert person.first_name == "Pushtuar"  # the part it may change did change

    @pytest.mark.parametrize("role", [Role.CHAIR, Role.SECRETARIAT, Role.NATIONAL_OBSERVER])
    def test_no_account_of_another_role_can_be_created(self, world, client, role):
        client.force_login(world.users["secretariat"])
        before = User.objects.count()
        response = client.post(
            reverse("krat:person_create", args=[world.own.slug]),
            hostile_post(world, User(username="i.ri"), role=role, version=""),
        )
        assert response.status_code == 400
        assert User.objects.count() == before
        assert "role" in response.context["form"].errors

    def test_a_created_person_gets_no_rights_and_no_other_county(self, world, client):
        client.force_login(world.users["secretariat"])
        response = client.post(
            reverse("krat:person_create", args=[world.own.slug]),
            hostile_post(world, User(username="i.ri"), role=Role.OBSERVER, institution="", version=""),
        )
        assert response.status_code == 302
        person = User.objects.get(username="i.ri")
        assert (person.role, person.county, person.is_staff, person.is_superuser) == (
            Role.OBSERVER,
            world.own,
            False,
            False,
        )

    def test_the_form_offers_only_the_roles_it_may_give(self, world, client):
        client.force_login(world.users["secretariat"])
        form = client.get(reverse("krat:person_create", args=[world.own.slug])).context["form"]
        assert [value for value, _label in form.fields["role"].choices] == [
            Role.REPRESENTATIVE,
            Role.OBSERVER,
        ]
        assert {"is_staff", "is_superuser"}.isdisjoint(form.fields)
        # The county is the view's: a disabled field, whatever the request posts.
        assert form.fields["county"].disabled and list(form.fields["county"].queryset) == [world.own]

    def test_the_list_offers_edit_only_for_accounts_it_manages(self, world, untouchable, client):
        client.force_login(world.users["secretariat"])
        page = client.get(reverse("krat:person_list", args=[world.own.slug])).content.decode()
        assert reverse("krat:person_edit", args=[world.users["representative"].pk]) in page
        assert reverse("krat:person_edit", args=[world.users["observer"].pk]) in page
        for label in ("chair", "secretariat colleague", "superuser of the county", "staff representative"):
            assert reverse("krat:person_edit", args=[untouchable[label].pk]) not in page, label


class TestTheServiceHoldsTheRuleWhateverTheView:
    """`person_save` refuses on its own, for a caller that skipped the view's checks."""

    def test_a_chair_cannot_be_changed(self, world):
        chair = User.objects.get(pk=world.users["chair"].pk)
        chair.set_password("Fjalekalim-i-sulmuesit-7")
        chair.role = Role.REPRESENTATIVE
        chair.institution = world.own_institution
        before = snapshot(chair)
        with pytest.raises(PermissionDenied):
            services.person_save(
                person=chair, expected_version=chair.version, password=None, by=world.users["secretariat"]
            )
        assert snapshot(chair) == before

    def test_a_representative_cannot_be_made_chair_or_staff(self, world):
        secretariat = world.users["secretariat"]
        for change in ({"role": Role.CHAIR}, {"is_staff": True}, {"is_superuser": True}):
            person = User.objects.get(pk=world.users["representative"].pk)
            before = snapshot(person)
            for name, value in change.items():
                setattr(person, name, value)
            with pytest.raises((PermissionDenied, ValidationError)):
                services.person_save(
                    person=person, expected_version=person.version, password=None, by=secretariat
                )
            assert snapshot(person) == before, change

    def test_a_person_cannot_be_moved_to_or_made_in_another_county(self, world):
        secretariat = world.users["secretariat"]
        person = User.objects.get(pk=world.users["observer"].pk)
        person.county = world.other
        with pytest.raises(PermissionDenied):
            services.person_save(
                person=person, expected_version=person.version, password=None, by=secretariat
            )
        stranger = User(username="i.huaj", role=Role.OBSERVER, county=world.other, email="h@example.org")
        with pytest.raises(PermissionDenied):
            services.person_save(person=stranger, expected_version=None, password=None, by=secretariat)
        assert not User.objects.filter(username="i.huaj").exists()
        assert User.objects.get(pk=person.pk).county == world.own

    def test_a_new_chair_is_refused_with_a_message(self, world):
        person = User(username="kryetari2", role=Role.CHAIR, county=world.own, email="k@example.org")
        with pytest.raises(ValidationError) as refused:
            services.person_save(
                person=person, expected_version=None, password=None, by=world.users["secretariat"]
            )
        assert refused.value.error_dict["role"][0].code == "role_not_managed"
        assert not User.objects.filter(username="kryetari2").exists()
