"""Every URL × every role × own/other institution × own/other county."""

import pytest
from django.urls import reverse

from tests.access import all_cases, project_url_names
from tests.world import ROLES, build_world

CASES, BUILDERS = all_cases()


def test_every_url_has_an_access_case():
    missing = [name for name in project_url_names() if name not in CASES]
    assert missing == [], f"URLs without an access case in tests/access.py: {missing}"


def test_no_case_names_a_url_that_is_gone():
    stale = sorted(set(CASES) - set(project_url_names()))
    assert stale == []


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(CASES))
def test_url_answers_each_role_as_its_rules_say(client, name):
    world = build_world()
    for build in BUILDERS:
        build(world)
    case = CASES[name]
    url = reverse(name, kwargs=case.kwargs(world))
    seen = {}
    for role in ROLES:
        client.logout()
        if role != "anonymous":
            client.force_login(world.users[role])
        response = getattr(client, case.method)(url)
        seen[role] = response.status_code
        expected = case.expected(role)
        if role == "anonymous" and not case.public:
            assert response.status_code == 302, (name, role, response.status_code)
            assert response.url.startswith(reverse("login")), (name, role, response.url)
        elif expected is not None:
            assert response.status_code == expected, (name, role, response.status_code)
        else:
            assert response.status_code in (403, 404), (name, role, response.status_code)
    assert len(seen) == len(ROLES), name
