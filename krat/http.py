"""Request types for views, so the type checker knows what the decorators guarantee."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from krat.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """The request a `login_required` view receives: `user` is a signed-in person, never
    `AnonymousUser`. Only for annotations; Django builds plain `HttpRequest`s."""

    user: User
