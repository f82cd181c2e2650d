"""What every page's navigation needs: the user's county and what they may open."""

from __future__ import annotations

from django.http import HttpRequest

from krat import access


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    home_county = user.county if user.county_id else None
    return {
        "nav_county": home_county,
        "nav_is_national": access.is_national(user),
        "nav_can_manage": home_county is not None and access.can_manage_county(user, home_county),
        "nav_reads_people": home_county is not None and access.can_read_whole_county(user, home_county),
    }


def session(request: HttpRequest) -> dict:
    """When a signed-in page's session ends if nothing more is done, and when to warn
    (static/js/session.js); whether the visitor comes from a session that ended."""
    from django.conf import settings

    from krat.middleware import IdleSessionMiddleware

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not hasattr(request, "session"):
        return {"session_ended": getattr(request, "krat_session_ended", False)}
    left = IdleSessionMiddleware.seconds_left(request)
    return {
        "session_seconds_left": left,
        "session_warning_seconds": min(
            settings.KRAT_SESSION_WARNING_SECONDS, settings.SESSION_COOKIE_AGE // 2
        ),
    }
