"""The schema and its docs page: OpenAPI 3, served without anything from the internet,
under the strict CSP (scripts from our own origin only), to signed-in people only."""

import re

import pytest
import yaml

from tests.api.resources import LIST_RESOURCES


@pytest.fixture
def signed_in(client, world):
    """A browser session of an observer (who reads, and writes nothing)."""
    client.force_login(world.users["observer"])
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["", "?format=json", "?format=yaml", "?lang=en"])
def test_the_schema_is_refused_to_an_anonymous_caller(client, query):
    """Issue 14, point 10: a map of every resource is for signed-in people; a program
    without a token gets 401 and nothing of it."""
    response = client.get(f"/api/v1/schema/{query}")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Token")
    body = response.content.decode()
    assert "openapi" not in body and "/api/v1/" not in body and "paths" not in body


@pytest.mark.django_db
def test_the_docs_send_an_anonymous_visitor_to_log_in(client):
    response = client.get("/api/v1/docs/")
    assert response.status_code == 302
    assert response.url == "/hyrje/?next=/api/v1/docs/"
    assert b"redoc" not in response.content and b"schema" not in response.content


@pytest.mark.django_db
def test_the_schema_is_served_to_a_token(api, world):
    response = api(world.users["representative"]).get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    assert response.json()["openapi"].startswith("3.")


@pytest.mark.django_db
def test_the_schema_is_openapi_3_and_describes_every_resource(signed_in):
    client = signed_in
    response = client.get("/api/v1/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    paths = set(schema["paths"])
    for resource in LIST_RESOURCES:
        assert f"/api/v1/{resource}/" in paths
    assert "tokenAuth" in schema["components"]["securitySchemes"]
    put = schema["paths"]["/api/v1/decisions/{id}/"]["put"]
    assert {"412", "428"} <= set(put["responses"])
    assert any(p["name"] == "If-Match" and p["in"] == "header" for p in put["parameters"])


@pytest.mark.django_db
def test_the_docs_page_runs_our_own_redoc_and_no_inline_script(signed_in):
    response = signed_in.get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    scripts = re.findall(r"<script([^>]*)>", html)
    assert scripts and all("src=" in attrs for attrs in scripts)
    assert "/static/drf_spectacular_sidecar/redoc/" in html
    assert "googleapis" not in html and "cdn" not in html.lower()
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "script-src 'self' 'unsafe" not in policy
    assert "style-src 'self' 'unsafe-inline'" in policy


@pytest.mark.django_db
def test_only_the_docs_page_relaxes_styles(client, world):
    client.force_login(world.users["observer"])
    policy = client.get("/api/v1/institutions/")["Content-Security-Policy"]
    assert "unsafe-inline" not in policy


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("header", "language", "message"),
    [
        ("en-GB,en;q=0.8", "en", "You do not have permission to perform this action."),
        ("sq", "sq", "Nuk keni të drejtë ta bëni këtë veprim."),
        ("de-DE", "sq", "Nuk keni të drejtë ta bëni këtë veprim."),
        (None, "sq", "Nuk keni të drejtë ta bëni këtë veprim."),
    ],
)
def test_the_language_follows_accept_language_and_defaults_to_albanian(api, world, header, language, message):
    response = api(world.users["observer"], language=header).post("/api/v1/events/", {}, format="json")
    assert response.status_code == 403
    assert response.json() == {"detail": message}
    assert response["Content-Language"] == language
    assert "Accept-Language" in response["Vary"]


@pytest.mark.django_db
def test_no_period_data_resource_has_a_field_for_a_persons_identity(signed_in):
    """Anonymity over the API: what the period data endpoints read and write (their
    schemas, followed through every reference) names no field that identifies a person."""
    from tests.cases.test_anonymity import FORBIDDEN

    schema = yaml.safe_load(signed_in.get("/api/v1/schema/").content)
    components = schema["components"]["schemas"]
    operations = [
        operation
        for path in schema["paths"].values()
        for operation in path.values()
        if "period data" in operation.get("tags", [])
    ]
    assert len(operations) >= 10
    seen, todo, fields = set(), [operations], set()
    while todo:
        node = todo.pop()
        if isinstance(node, dict):
            ref = node.get("$ref", "")
            if ref.startswith("#/components/schemas/") and ref not in seen:
                seen.add(ref)
                todo.append(components[ref.rsplit("/", 1)[1]])
            fields.update(node.get("properties", {}))
            todo.extend(node.values())
        elif isinstance(node, list):
            todo.extend(node)
    assert {"counts", "rows", "place", "statuses"} <= fields
    assert sorted(name for name in fields if FORBIDDEN.search(name)) == []


@pytest.mark.django_db
def test_every_list_is_browsable_with_its_filters(client, world):
    """The browsable API draws each list with its filter form (django_filters' templates)."""
    client.force_login(world.users["secretariat"])
    schema = yaml.safe_load(client.get("/api/v1/schema/").content)
    lists = [path for path in schema["paths"] if path.count("/") == 4 and "{" not in path]
    assert len(lists) == 11
    for path in lists:
        response = client.get(path, HTTP_ACCEPT="text/html")
        assert response.status_code == 200, path
        assert "<form" in response.content.decode(), path
