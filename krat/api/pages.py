"""The person's own API tokens page: make one (shown once), revoke one."""

from __future__ import annotations

import datetime

from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_update
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from drf_spectacular.views import SpectacularRedocView
from rest_framework.permissions import AllowAny

from krat.api import tokens
from krat.forms import add_errors
from krat.http import AuthenticatedHttpRequest
from krat.models import ApiToken
from krat.models.api_token import DEFAULT_LIFETIME


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=100,
        help_text=gettext_lazy("Which system uses it, such as “TIMS”."),
    )
    lifetime = forms.TypedChoiceField(
        label=gettext_lazy("Valid for"),
        choices=[
            (days, ngettext_lazy("%(days)d day", "%(days)d days", "days") % {"days": days})
            for days in tokens.LIFETIME_DAYS
        ],
        coerce=int,
        initial=DEFAULT_LIFETIME.days,
        required=False,
        help_text=gettext_lazy("After this the token opens nothing; make a new one in time."),
    )

    def clean_lifetime(self) -> int:
        """A form sent without the choice gets the default."""
        days: int | str = self.cleaned_data["lifetime"]
        return days if isinstance(days, int) else DEFAULT_LIFETIME.days


@require_http_methods(["GET", "POST"])
@never_cache
@login_required
def api_tokens(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_key = tokens.token_create(
                user=request.user,
                name=form.cleaned_data["name"],
                lifetime=datetime.timedelta(days=form.cleaned_data["lifetime"]),
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            form = TokenForm()
    return render(
        request,
        "krat/api_tokens.html",
        {"form": form, "new_key": new_key, "tokens": list(ApiToken.objects.filter(user=request.user))},
        status=400 if request.method == "POST" and new_key is None else 200,
    )


@require_POST
@login_required
def api_token_revoke(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    tokens.token_revoke(token=token)
    messages.success(request, _("The token “%(name)s” was revoked.") % {"name": token.name})
    return redirect("api_tokens")


# Redoc's script is our own static file and no inline script runs (krat/api_docs.html
# replaces the stock template's); but Redoc styles itself with <style> elements it
# creates, and searches in a blob: worker. Only this page allows those two things.
DOCS_CSP = {"style-src": [SELF, UNSAFE_INLINE], "worker-src": [SELF, "blob:"]}


@method_decorator(csp_update(DOCS_CSP), name="get")
@method_decorator(login_required, name="get")
class DocsView(SpectacularRedocView):
    """Redoc, served from our own static files (drf-spectacular-sidecar), without the
    inline script and web fonts of the stock template.

    A page for people in a browser: an anonymous visitor is sent to the log-in page, as by
    every other page, rather than answered 401 (hence no API permission here; the schema
    the page loads is itself for signed-in people only, SPECTACULAR_SETTINGS)."""

    template_name = "krat/api_docs.html"
    permission_classes = [AllowAny]
