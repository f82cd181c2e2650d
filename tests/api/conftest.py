import pytest
from rest_framework.test import APIClient

from krat.api.tokens import token_create


@pytest.fixture
def api():
    """An API client authenticated with a fresh token of `user` (None: no token)."""

    def _api(user=None, language: str | None = None) -> APIClient:
        client = APIClient()
        headers = {}
        if user is not None:
            _token, key = token_create(user=user, name="test")
            headers["HTTP_AUTHORIZATION"] = f"Token {key}"
        if language:
            headers["HTTP_ACCEPT_LANGUAGE"] = language
        client.credentials(**headers)
        return client

    return _api
