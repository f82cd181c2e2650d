import pytest
from rest_framework.test import APIClient

from krat.api.tokens import token_create


def _client(user=None, language: str | None = None) -> APIClient:
    """An API client authenticated with a fresh token of `user` (None: no token)."""
    client = APIClient()
    headers = {}
    if user is not None:
        _token, key = token_create(user=user, name="test")
        headers["HTTP_AUTHORIZATION"] = f"Token {key}"
    if language:
        headers["HTTP_ACCEPT_LANGUAGE"] = language
    client.credentials(**headers)
    return client


@pytest.fixture
def api():
    """An API client authenticated with a fresh token of `user` (None: no token)."""
    return _client


@pytest.fixture(scope="session")
def api_client():
    """`api` for a fixture that outlives a test (data built once for a module)."""
    return _client
