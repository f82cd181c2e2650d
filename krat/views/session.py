"""The page's "stay logged in" button: it renews the idle session (static/js/session.js)."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_POST

from krat.http import json_login_required
from krat.middleware import IdleSessionMiddleware


@require_POST
@json_login_required
def session_keepalive(request: HttpRequest) -> JsonResponse:
    IdleSessionMiddleware.touch(request)
    return JsonResponse({"seconds_left": IdleSessionMiddleware.seconds_left(request)})
