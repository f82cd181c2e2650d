"""The permission matrix: what each role gets from each URL of the project.

Every named URL pattern must have a case here or in an app's `tests/<app>/access_cases.py`
(a `CASES` dict and, if it needs records, a `build(world)` function). A new view
without a case fails `test_every_url_has_an_access_case`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import URLPattern, URLResolver, get_resolver

from tests.world import COUNTY_READERS, HISTORY_READERS, MANAGERS, WHOLE_COUNTY_READERS, World

APPS_WITH_CASES = ["krat", "meetings", "actionplan", "cases", "api"]


@dataclass(frozen=True)
class UrlCase:
    """`allowed` roles get `ok_status`; everyone else logged in gets 403 or 404;
    the anonymous visitor is sent to the login page unless the URL is `public`."""

    allowed: frozenset[str]
    kwargs: Callable[[World], dict] = field(default=lambda w: {})
    ok_status: int = 200
    public: bool = False
    method: str = "get"
    status_for: dict[str, int] = field(default_factory=dict)

    def expected(self, role: str) -> int | None:
        """The status `role` must get, or None for "403 or 404"."""
        if role in self.status_for:
            return self.status_for[role]
        if role in self.allowed or (role == "anonymous" and self.public):
            return self.ok_status
        return None


LOGGED_IN = frozenset(COUNTY_READERS | {"other_secretariat"})


def _own_slug(w: World) -> dict:
    return {"slug": w.own.slug}


CORE_CASES: dict[str, UrlCase] = {
    "krat:home": UrlCase(
        allowed=frozenset(COUNTY_READERS | {"other_secretariat"}),
        ok_status=302,
        status_for={"national_observer": 200},
    ),
    "krat:dashboard": UrlCase(allowed=COUNTY_READERS, kwargs=_own_slug),
    "krat:county_settings": UrlCase(allowed=MANAGERS, kwargs=_own_slug),
    "krat:institution_list": UrlCase(allowed=COUNTY_READERS, kwargs=_own_slug),
    "krat:institution_create": UrlCase(allowed=MANAGERS, kwargs=_own_slug),
    "krat:institution_detail": UrlCase(allowed=COUNTY_READERS, kwargs=lambda w: {"pk": w.own_institution.pk}),
    "krat:institution_edit": UrlCase(allowed=MANAGERS, kwargs=lambda w: {"pk": w.own_institution.pk}),
    "krat:person_list": UrlCase(allowed=WHOLE_COUNTY_READERS, kwargs=_own_slug),
    "krat:person_create": UrlCase(allowed=MANAGERS, kwargs=_own_slug),
    "krat:person_edit": UrlCase(allowed=MANAGERS, kwargs=lambda w: {"pk": w.users["representative"].pk}),
    "krat:person_unlock": UrlCase(
        allowed=MANAGERS, method="post", ok_status=302, kwargs=lambda w: {"pk": w.users["representative"].pk}
    ),
    "krat:period_list": UrlCase(allowed=COUNTY_READERS, kwargs=_own_slug),
    "krat:period_create": UrlCase(allowed=MANAGERS, kwargs=_own_slug),
    "krat:period_edit": UrlCase(allowed=MANAGERS, kwargs=lambda w: {"pk": w.period.pk}),
    "krat:record_history": UrlCase(
        allowed=HISTORY_READERS, kwargs=lambda w: {"label": "krat.institution", "pk": w.own_institution.pk}
    ),
    "krat:download_log": UrlCase(allowed=MANAGERS, kwargs=_own_slug),
    # Authentication pages are for everyone; a signed-in visitor of the login page goes home.
    "login": UrlCase(allowed=frozenset(), public=True, status_for=dict.fromkeys(LOGGED_IN, 302)),
    "logout": UrlCase(allowed=LOGGED_IN, public=True, method="post", ok_status=302),
    "password_change": UrlCase(allowed=LOGGED_IN),
    "password_change_done": UrlCase(allowed=LOGGED_IN),
    "security": UrlCase(allowed=LOGGED_IN),
    "two_factor_enrol": UrlCase(allowed=LOGGED_IN),
    "two_factor_verify": UrlCase(allowed=LOGGED_IN, ok_status=302),  # nobody here has a device yet
    "two_factor_recovery_codes": UrlCase(allowed=LOGGED_IN, method="post", ok_status=302),
    "two_factor_disable": UrlCase(allowed=LOGGED_IN, method="post", ok_status=302),
    "health": UrlCase(allowed=LOGGED_IN, public=True),
    "set_language": UrlCase(allowed=LOGGED_IN, public=True, method="post", ok_status=302),
}


def all_cases() -> tuple[dict[str, UrlCase], list[Callable[[World], None]]]:
    cases = dict(CORE_CASES)
    builders = []
    for app in APPS_WITH_CASES:
        try:
            module = importlib.import_module(f"tests.{app}.access_cases")
        except ModuleNotFoundError:
            continue
        cases.update(module.CASES)
        if hasattr(module, "build"):
            builders.append(module.build)
    return cases, builders


def project_url_names() -> list[str]:
    """Every named URL pattern of the project, with its namespace; the admin excepted."""
    names: list[str] = []

    def walk(patterns, namespace: str | None) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace == "admin":
                    continue
                inner = pattern.namespace if pattern.namespace else None
                full = ":".join(filter(None, [namespace, inner])) or None
                walk(pattern.url_patterns, full)
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.append(f"{namespace}:{pattern.name}" if namespace else pattern.name)

    walk(get_resolver().url_patterns, None)
    return sorted(set(names))
