import pytest
from django.urls import reverse

from krat.choices import InstitutionKind, Role
from krat.models import Institution, ReportingPeriod, User
from tests.factories import InstitutionFactory, PeriodFactory, UserFactory


@pytest.fixture
def staff(world, client):
    client.force_login(world.users["secretariat"])
    return client


def institution_post(**overrides):
    return {
        "name": "Bashkia Shijak",
        "kind": InstitutionKind.MUNICIPALITY,
        "is_active": "on",
        "contact_email": "info@shijak.gov.al",
        **overrides,
    }


class TestInstitutions:
    def test_the_secretariat_adds_an_institution_to_its_own_county(self, world, staff):
        response = staff.post(reverse("krat:institution_create", args=[world.own.slug]), institution_post())
        created = Institution.objects.get(name="Bashkia Shijak")
        assert response.status_code == 302
        assert created.county == world.own
        assert created.history.count() == 1
        assert created.history.first().history_user == world.users["secretariat"]

    def test_a_county_in_the_request_body_is_ignored(self, world, staff):
        staff.post(
            reverse("krat:institution_create", args=[world.own.slug]), institution_post(county=world.other.pk)
        )
        assert Institution.objects.get(name="Bashkia Shijak").county == world.own

    def test_bad_input_is_shown_in_albanian_and_nothing_is_saved(self, world, staff):
        before = Institution.objects.count()
        response = staff.post(
            reverse("krat:institution_create", args=[world.own.slug]),
            institution_post(name=world.own_institution.name),
        )
        assert response.status_code == 400
        assert Institution.objects.count() == before
        assert "Ky qark ka tashmë një institucion me këtë emër." in response.content.decode()

    def test_a_concurrent_edit_is_refused_and_nothing_is_overwritten(self, world, staff):
        institution = world.own_institution
        url = reverse("krat:institution_edit", args=[institution.pk])
        first = institution_post(name="Policia e Durrësit", kind=InstitutionKind.STATE_POLICE, version=1)
        second = institution_post(name="DVP Durrës", kind=InstitutionKind.STATE_POLICE, version=1)
        assert staff.post(url, first).status_code == 302
        response = staff.post(url, second)
        institution.refresh_from_db()
        assert response.status_code == 400
        assert institution.name == "Policia e Durrësit"
        assert institution.version == 2
        page = response.content.decode()
        assert "DVP Durrës" in page  # the second editor's input is still in the form

    def test_a_representative_cannot_add_or_edit(self, world, client):
        client.force_login(world.users["representative"])
        assert (
            client.post(
                reverse("krat:institution_create", args=[world.own.slug]), institution_post()
            ).status_code
            == 403
        )
        url = reverse("krat:institution_edit", args=[world.own_institution.pk])
        assert client.post(url, institution_post(version=1)).status_code == 403
        assert not Institution.objects.filter(name="Bashkia Shijak").exists()

    def test_another_countys_secretariat_gets_not_found_by_changing_the_id(self, world, client):
        client.force_login(world.users["other_secretariat"])
        url = reverse("krat:institution_edit", args=[world.own_institution.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, institution_post(version=1)).status_code == 404


class TestPeople:
    def person_post(self, world, **overrides):
        return {
            "username": "arta.dema",
            "first_name": "Arta",
            "last_name": "Dema",
            "email": "arta@example.org",
            "role": Role.REPRESENTATIVE,
            "institution": world.other_institution.pk,
            "position": "deputy",
            "is_active": "on",
            "password1": "Nje-fjalekalim-i-forte",
            "password2": "Nje-fjalekalim-i-forte",
            **overrides,
        }

    def test_the_secretariat_adds_a_deputy_with_a_hashed_password(self, world, staff):
        response = staff.post(reverse("krat:person_create", args=[world.own.slug]), self.person_post(world))
        assert response.status_code == 302
        person = User.objects.get(username="arta.dema")
        assert person.county == world.own
        assert person.check_password("Nje-fjalekalim-i-forte")
        assert not person.password.startswith("Nje")

    def test_a_representative_without_an_institution_is_refused(self, world, staff):
        response = staff.post(
            reverse("krat:person_create", args=[world.own.slug]), self.person_post(world, institution="")
        )
        assert response.status_code == 400
        assert not User.objects.filter(username="arta.dema").exists()

    def test_an_institution_of_another_county_cannot_be_chosen(self, world, staff):
        response = staff.post(
            reverse("krat:person_create", args=[world.own.slug]),
            self.person_post(world, institution=world.foreign_institution.pk),
        )
        assert response.status_code == 400
        assert not User.objects.filter(username="arta.dema").exists()

    def test_a_national_observer_cannot_be_made_by_a_county(self, world, staff):
        response = staff.post(
            reverse("krat:person_create", args=[world.own.slug]),
            self.person_post(world, role=Role.NATIONAL_OBSERVER, institution=""),
        )
        assert response.status_code == 400

    def test_editing_keeps_the_password_when_left_empty(self, world, staff):
        person = world.users["other_representative"]
        old_hash = person.password
        response = staff.post(
            reverse("krat:person_edit", args=[person.pk]),
            self.person_post(
                world,
                username=person.username,
                password1="",
                password2="",
                position="",
                version=person.version,
            ),
        )
        assert response.status_code == 302, response.content.decode()[:3000]
        person.refresh_from_db()
        assert person.password == old_hash


class TestPeriods:
    def test_the_secretariat_adds_a_period_typed_in_albanian_dates(self, world, staff):
        response = staff.post(
            reverse("krat:period_create", args=[world.own.slug]),
            {
                "label": "Maj – Gusht 2018",
                "start_date": "01.05.2018",
                "end_date": "31.08.2018",
                "deadline": "10.09.2018",
            },
        )
        assert response.status_code == 302
        assert ReportingPeriod.objects.filter(county=world.own, label="Maj – Gusht 2018").exists()

    def test_an_overlapping_period_is_refused_with_a_translated_message(self, world, staff):
        response = staff.post(
            reverse("krat:period_create", args=[world.own.slug]),
            {
                "label": "Mars – Qershor 2018",
                "start_date": "01.03.2018",
                "end_date": "30.06.2018",
                "deadline": "10.07.2018",
            },
        )
        assert response.status_code == 400
        assert "mbivendoset" in response.content.decode()
        assert not ReportingPeriod.objects.filter(label="Mars – Qershor 2018").exists()

    def test_the_list_prints_dates_as_25_04_2018(self, world, staff):
        page = staff.get(reverse("krat:period_list", args=[world.own.slug])).content.decode()
        assert "01.01.2018" in page and "30.04.2018" in page and "10.05.2018" in page


class TestHistory:
    def test_the_history_shows_who_changed_what(self, world, staff):
        institution = world.own_institution
        staff.post(
            reverse("krat:institution_edit", args=[institution.pk]),
            institution_post(
                name="Drejtoria Vendore e Policisë", kind=InstitutionKind.STATE_POLICE, version=1
            ),
        )
        page = staff.get(
            reverse("krat:record_history", args=["krat.institution", institution.pk])
        ).content.decode()
        assert "Drejtoria Vendore e Policisë" in page
        assert "Policia Durrës" in page
        assert str(world.users["secretariat"]) in page

    def test_an_unregistered_model_has_no_history_page(self, world, staff):
        assert staff.get(reverse("krat:record_history", args=["sessions.session", 1])).status_code == 404


class TestDashboard:
    def test_staff_see_members_and_the_current_period(self, world, staff):
        page = staff.get(reverse("krat:dashboard", args=[world.own.slug])).content.decode()
        assert "Policia Durrës" in page
        assert "Janar – Prill 2018" in page
        assert "Foreign" not in page

    def test_home_sends_county_people_to_their_county(self, world, staff):
        assert staff.get(reverse("krat:home")).url == reverse("krat:dashboard", args=[world.own.slug])

    def test_a_national_observer_chooses_among_all_counties(self, world, client):
        client.force_login(world.users["national_observer"])
        page = client.get(reverse("krat:home")).content.decode()
        assert "Durrës" in page and "Vlorë" in page


class TestLanguage:
    def test_pages_are_albanian_by_default(self, world, staff):
        page = staff.get(reverse("krat:dashboard", args=[world.own.slug])).content.decode()
        assert '<html lang="sq">' in page
        assert "Periudha raportuese aktuale" in page

    def test_english_is_one_click_away_and_the_choice_sticks(self, world, staff):
        url = reverse("krat:dashboard", args=[world.own.slug])
        response = staff.post(reverse("set_language"), {"language": "en", "next": url})
        assert response.status_code == 302
        page = staff.get(url).content.decode()
        assert '<html lang="en">' in page
        assert "Current reporting period" in page
        assert "30.04.2018" in page  # dates stay 25.04.2018 in English too


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("krat:dashboard", lambda w: [w.own.slug]),
        ("krat:institution_list", lambda w: [w.own.slug]),
        ("krat:person_list", lambda w: [w.own.slug]),
        ("krat:period_list", lambda w: [w.own.slug]),
        ("krat:record_history", lambda w: ["krat.institution", w.own_institution.pk]),
    ],
)
def test_pages_run_the_same_queries_with_ten_times_more_data(
    world, staff, django_assert_max_num_queries, name, args
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse(name, args=args(world))

    def grow(n):
        for i in range(n):
            institution = InstitutionFactory(county=world.own, name=f"Shtesë {n}-{i}")
            UserFactory(
                role=Role.REPRESENTATIVE, county=world.own, institution=institution, position="representative"
            )
            PeriodFactory(
                county=world.own,
                label=f"P {n}-{i}",
                start_date=f"{2000 + i + n}-01-01",
                end_date=f"{2000 + i + n}-04-30",
                deadline=f"{2000 + i + n}-05-10",
            )
            world.own_institution.name = f"Policia {n}-{i}"
            world.own_institution.save()

    grow(2)
    with CaptureQueriesContext(connection) as small:
        assert staff.get(url).status_code == 200
    grow(20)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert staff.get(url).status_code == 200
    assert len(small.captured_queries) <= 20


def test_a_browser_asking_for_english_still_gets_albanian_until_the_person_chooses(world, staff):
    page = staff.get(reverse("krat:dashboard", args=[world.own.slug]), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="sq">' in page.content.decode()


def test_the_pager_keeps_the_filters_of_the_page(rf):
    from django.core.paginator import Paginator
    from django.template.loader import render_to_string

    request = rf.get("/takime/", {"q": "fëmijë", "faqja": "1"})
    page = Paginator(range(120), 50).get_page(1)
    html = render_to_string("includes/pagination.html", {"page": page}, request=request)
    assert "?q=f%C3%ABmij%C3%AB&amp;faqja=2" in html
