import pytest
from django.conf import settings


@pytest.fixture
def login(client):
    """Log a client in as `user`, reading pages in English (the person chose English)."""

    def _login(user):
        if user is not None:
            client.force_login(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return _login
