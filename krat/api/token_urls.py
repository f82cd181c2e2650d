"""The person's API tokens page, under /siguria/api/ beside the other security pages."""

from django.urls import path

from krat.api import pages

urlpatterns = [
    path("", pages.api_tokens, name="api_tokens"),
    path("<int:pk>/hiq/", pages.api_token_revoke, name="api_token_revoke"),
]
