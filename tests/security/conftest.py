import pytest
from django.conf import settings as django_settings


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded and exported files of these tests go to a throwaway folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def as_role(client, world):
    """A client signed in as one of the world's roles."""

    def _as(role: str):
        client.force_login(world.users[role])
        client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return _as
