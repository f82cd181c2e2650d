"""The access matrix's table: what each role gets from each URL pattern, for each HTTP method.

One line per URL, in `CORE_CASES` below or in an app's `tests/<app>/access_cases.py` (a
`CASES` dict and, if its URLs need records, a `build(world)` function that makes them from
`world`'s county, institutions and people; it runs once for each of the two counties). A
line is made with one of the helpers: `page` (read with GET), `form` (GET shows it, an
empty POST is refused with 400), `action` (POST only) and `api` (an API route, its methods).

What a line says, and what the matrix (tests/test_access_matrix.py) then checks:
- for each method the view accepts, the roles it serves and the status they get; every
  other signed-in role is refused: 404 when the URL names a record of a county the role
  does not read (nobody learns that another county's record exists), 403 otherwise;
- the anonymous visitor is sent to the log-in page (the API answers 401), unless `public`;
- every method the view does not accept (of GET, POST, PUT, PATCH, DELETE) answers 405,
  to everyone; the API authenticates first, so there the anonymous visitor gets 401;
- a refused request changes nothing in the database;
- for a list (`rows`), exactly the rows the role may see;
- the same URL for the other county's records (`world.mirror`): the other county's
  secretariat gets what ours gets on ours, our people are strangers there.
A key may carry a variant after a space ("krat:submission_open other-county-institution"):
the same URL asked with other arguments, such as ids of two counties mixed.

An app's `REFERENCES` (see `Reference`) are writes whose body names another county's record
(another meeting's agenda item, another plan's objective): each must be refused and save nothing.
"""

from __future__ import annotations

import importlib
import io
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from operator import attrgetter
from urllib.parse import urlsplit

from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404

from krat.choices import Role
from tests.world import (
    COUNTY_READERS,
    HISTORY_READERS,
    MANAGERS,
    MIRROR_ROLE,
    WHOLE_COUNTY_READERS,
    World,
)

APPS_WITH_CASES = ["krat", "meetings", "actionplan", "cases", "api"]
METHODS = ("get", "post", "put", "patch", "delete")
LOGIN = "login"  # the expected answer "sent to the log-in page"
# The hole of issue 14, point 2, closed on the branch `observers`: until it is merged, the
# cases that carry this note fail on the observers (county and national).
POINT_2 = "issue 14 point 2 (observers get no version made for the table; branch `observers`)"


def _no_kwargs(world: World) -> dict:
    return {}


@dataclass(frozen=True)
class Serve:
    """The roles a method serves, and the status they get."""

    roles: frozenset[str]
    status: int = 200


@dataclass(frozen=True)
class Seen:
    """Who looks at a list, and where: `world` is the side whose records the URL names."""

    user: object
    world: World
    page_county: object | None  # the county a page lists; None for the API (every county read)

    @property
    def role(self) -> str:
        return getattr(self.user, "role", "")

    def reads(self, county) -> bool:
        user = self.user
        if not user.is_authenticated:
            return False
        return user.is_superuser or self.role == Role.NATIONAL_OBSERVER or user.county_id == county.pk

    def exact(self, county, institution=None) -> bool:
        """The rule the pages state: exact for the county's secretariat and chair (and a
        superuser), and for a representative on its own institution's figures."""
        user = self.user
        if not user.is_authenticated:
            return False
        if user.is_superuser or (user.county_id == county.pk and self.role in (Role.SECRETARIAT, Role.CHAIR)):
            return True
        return (
            institution is not None
            and self.role == Role.REPRESENTATIVE
            and user.institution_id == institution.pk
        )

    @property
    def counties(self) -> list:
        from krat.models import County

        if self.page_county is not None:
            return [self.page_county]
        return [county for county in County.objects.all() if self.reads(county)]


@dataclass(frozen=True)
class Rows:
    """A list: `shown(response)` are the rows it returned, `visible(seen)` the rows `seen.user`
    may see there (computed from the records, never by the application's own rules)."""

    shown: Callable[[object], set]
    visible: Callable[[Seen], set]


@dataclass(frozen=True)
class UrlCase:
    """One URL: for each method it accepts, the roles it serves (see the module's docstring)."""

    methods: Mapping[str, Serve]
    kwargs: Callable[[World], dict] = _no_kwargs
    public: bool = False
    api: bool = False
    # "role" or "method:role" -> the status that role gets instead of the rule's.
    status_for: Mapping[str, int | str] = field(default_factory=dict)
    # The status of every refused signed-in role, when the view answers all of them alike.
    refused: int | None = None
    # Whether the URL names a county's record (default: it takes arguments).
    county_record: bool | None = None
    rows: Rows | None = None
    # A body per method (JSON for the API), made from the world; an empty one otherwise.
    body: Mapping[str, Callable[[World], dict]] = field(default_factory=dict)
    # A query string for GET (a list's filter).
    query: Mapping[str, str] = field(default_factory=dict)
    # Whether to ask the other county's records too (default: when it names a county's record).
    other_county: bool | None = None
    note: str = ""

    @property
    def allowed(self) -> frozenset[str]:
        """Who uses it: the roles of its write method, else those of GET."""
        for method in ("post", "put", "patch", "get"):
            if method in self.methods:
                return self.methods[method].roles
        return frozenset()

    @property
    def names_county_record(self) -> bool:
        return self.county_record if self.county_record is not None else self.kwargs is not _no_kwargs

    @property
    def asks_other_county(self) -> bool:
        return self.other_county if self.other_county is not None else self.names_county_record

    def expected(self, role: str, method: str, *, mirrored: bool = False) -> int | str:
        """The status `role` must get for `method`: an HTTP status, or LOGIN."""
        if mirrored:
            role = MIRROR_ROLE[role]
        if role == "anonymous" and self.api and not self.public:
            return 401
        if method not in self.methods:
            return 405
        for key in (f"{method}:{role}", role):
            if key in self.status_for:
                return self.status_for[key]
        serve = self.methods[method]
        if role == "anonymous":
            return serve.status if self.public else LOGIN
        if role in serve.roles:
            return serve.status
        if self.refused is not None:
            return self.refused
        return 404 if self.names_county_record and role not in COUNTY_READERS else 403


@dataclass(frozen=True)
class Reference:
    """A write that names, in its body, a record it may not use (another county's, another
    plan's): it is refused (400) and saves nothing, where the same write naming its own
    record is saved. `key` is the case of the URL written to, `field` the form field or the
    JSON key (dotted into a list: "counts.0.age_group"), `value` the foreign record's id (a
    list for a field of many); a PATCH sends `own` first, to show that the field is written."""

    key: str
    field: str
    value: Callable[[World], object]
    role: str = "secretariat"
    method: str = "post"
    own: Callable[[World], object] | None = None


# --- Helpers: one line per URL ---------------------------------------------------------------


def page(roles, kwargs=_no_kwargs, status: int = 200, **options) -> UrlCase:
    """A page read with GET."""
    return UrlCase(methods={"get": Serve(frozenset(roles), status)}, kwargs=kwargs, **options)


def form(roles, kwargs=_no_kwargs, *, post_status: int = 400, **options) -> UrlCase:
    """A form: GET shows it; an empty POST is refused (400) and saves nothing."""
    roles = frozenset(roles)
    return UrlCase(methods={"get": Serve(roles), "post": Serve(roles, post_status)}, kwargs=kwargs, **options)


def action(roles, kwargs=_no_kwargs, status: int = 302, **options) -> UrlCase:
    """A button: POST only, answered with a redirect."""
    return UrlCase(methods={"post": Serve(frozenset(roles), status)}, kwargs=kwargs, **options)


def api(methods: dict[str, Serve], kwargs=_no_kwargs, **options) -> UrlCase:
    return UrlCase(methods=methods, kwargs=kwargs, api=True, **options)


# --- Rows of a list ---------------------------------------------------------------------------

_HREF = re.compile(r'href="([^"#?]+)')


def _value(value):
    return int(value) if isinstance(value, str) and value.isdigit() else value


def links(url_name: str, argument: str = "pk") -> Callable[[object], set]:
    """The records a page links to with `url_name` (by its `argument`)."""

    def shown(response) -> set:
        found = set()
        for href in _HREF.findall(response.content.decode()):
            try:
                match = resolve(urlsplit(href).path)
            except Resolver404:
                continue
            if match.view_name == url_name:
                found.add(_value(match.kwargs[argument]))
        return found

    return shown


def in_context(key: str, identify: Callable[[object], object] = attrgetter("pk")) -> Callable[[object], set]:
    """The rows the view handed its template under `key` (for lists that link to no page)."""

    def shown(response) -> set:
        return {identify(item) for item in response.context[key] or []}

    return shown


def xlsx_column(index: int) -> Callable[[object], set]:
    """The values of a workbook's column `index` (0 first) below its header row."""

    def shown(response) -> set:
        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(response.content)).active
        return {row[index] for row in sheet.iter_rows(min_row=2, values_only=True)}

    return shown


def api_results(*fields: str) -> Callable[[object], set]:
    """The rows of an API list: each row's `fields` (its id by default)."""
    fields = fields or ("id",)

    def shown(response) -> set:
        rows = response.json()["results"]
        return {row[fields[0]] if len(fields) == 1 else tuple(row[f] for f in fields) for row in rows}

    return shown


def pks(queryset) -> set:
    return set(queryset.values_list("pk", flat=True))


# --- The core's cases -------------------------------------------------------------------------

LOGGED_IN = frozenset(COUNTY_READERS | {"other_secretariat"})


def _own_slug(w: World) -> dict:
    return {"slug": w.own.slug}


def _pk(attribute: str):
    return lambda w: {"pk": getattr(w, attribute).pk}


def _county_slugs(seen: Seen) -> set:
    return {county.slug for county in seen.counties}


def _institutions(seen: Seen) -> set:
    from krat.models import Institution

    return pks(Institution.objects.filter(county__in=seen.counties))


def _members(seen: Seen) -> set:
    """The Technical Table: the county's members today."""
    from django.utils import timezone

    from krat.membership import members_on

    today = timezone.localdate()
    return set().union(*(pks(members_on(county, today)) for county in seen.counties))


def _institution_people(seen: Seen) -> set:
    from krat.models import User

    return pks(User.objects.filter(institution=seen.world.own_institution, is_active=True))


def _periods(seen: Seen) -> set:
    from krat.models import ReportingPeriod

    return pks(ReportingPeriod.objects.filter(county__in=seen.counties))


def _people(seen: Seen) -> set:
    from krat.models import User

    return pks(User.objects.filter(county__in=seen.counties))


def _downloads(seen: Seen) -> set:
    from krat.models import DownloadLog

    return pks(DownloadLog.objects.filter(county__in=seen.counties))


def _meetings_with_rules(seen: Seen) -> set:
    """The meetings whose document "Rregullorja" the reader may open (the search's rows)."""
    from meetings.models import Meeting

    return pks(Meeting.objects.filter(county__in=seen.counties, attachments__title="Rregullorja"))


CORE_CASES: dict[str, UrlCase] = {
    # Each person is sent to their county; national readers choose among every county.
    "krat:home": page(
        LOGGED_IN,
        status=302,
        status_for={"national_observer": 200, "superuser": 200},
        rows=Rows(links("krat:dashboard", "slug"), _county_slugs),
    ),
    "krat:dashboard": page(COUNTY_READERS, _own_slug, rows=Rows(links("krat:institution_detail"), _members)),
    "krat:county_settings": form(MANAGERS, _own_slug),
    "krat:institution_list": page(
        COUNTY_READERS, _own_slug, rows=Rows(links("krat:institution_detail"), _institutions)
    ),
    "krat:institution_create": form(MANAGERS, _own_slug),
    "krat:institution_detail": page(
        COUNTY_READERS, _pk("own_institution"), rows=Rows(in_context("people"), _institution_people)
    ),
    "krat:institution_edit": form(MANAGERS, _pk("own_institution")),
    "krat:membership_create": form(MANAGERS, _pk("own_institution")),
    "krat:membership_edit": form(MANAGERS, lambda w: {"pk": w.own_institution.memberships.get().pk}),
    "krat:record_history membership": page(
        HISTORY_READERS,
        lambda w: {"label": "krat.tablemembership", "pk": w.own_institution.memberships.get().pk},
    ),
    "krat:person_list": page(WHOLE_COUNTY_READERS, _own_slug, rows=Rows(in_context("people"), _people)),
    "krat:person_create": form(MANAGERS, _own_slug),
    "krat:person_edit": form(MANAGERS, lambda w: {"pk": w.users["representative"].pk}),
    "krat:person_unlock": action(MANAGERS, lambda w: {"pk": w.users["representative"].pk}),
    "krat:period_list": page(COUNTY_READERS, _own_slug, rows=Rows(in_context("periods"), _periods)),
    "krat:period_create": form(MANAGERS, _own_slug),
    "krat:period_edit": form(MANAGERS, _pk("period")),
    "krat:record_history": page(
        HISTORY_READERS, lambda w: {"label": "krat.institution", "pk": w.own_institution.pk}
    ),
    "krat:download_log": page(MANAGERS, _own_slug, rows=Rows(in_context("entries"), _downloads)),
    # What the navigation's search finds: the document of each county the reader reads.
    "krat:search": page(
        LOGGED_IN, query={"q": "RREGULLORJA"}, rows=Rows(links("meetings:detail"), _meetings_with_rules)
    ),
    # Authentication pages are for everyone; a signed-in visitor of the log-in page goes home.
    "login": form((), public=True, post_status=200, status_for=dict.fromkeys(LOGGED_IN, 302)),
    "logout": action(LOGGED_IN, public=True),
    "password_change": form(LOGGED_IN, post_status=200),
    "password_change_done": page(LOGGED_IN),
    "security": page(LOGGED_IN),
    # A forgotten password: open to everyone, signed in or not (an empty form is shown again;
    # a link that is not a reset token shows the "no longer works" page, to GET and POST).
    "password_reset": form(LOGGED_IN, public=True, post_status=200),
    "password_reset_done": page(LOGGED_IN, public=True),
    "password_reset_confirm": form(
        LOGGED_IN,
        lambda w: {"uidb64": "MQ", "token": "not-a-token"},
        public=True,
        post_status=200,
        county_record=False,
    ),
    "password_reset_complete": page(LOGGED_IN, public=True),
    "two_factor_enrol": form(LOGGED_IN),
    # Nobody but the superuser has a device; the superuser's session is verified.
    "two_factor_verify": UrlCase(methods={"get": Serve(LOGGED_IN, 302), "post": Serve(LOGGED_IN, 302)}),
    "two_factor_recovery_codes": action(LOGGED_IN, status_for={"superuser": 200}),
    "two_factor_disable": action(LOGGED_IN),
    "health": page(LOGGED_IN, public=True),
    # The page's "stay logged in" button: renews a signed-in session; an ended one gets 401.
    "krat:session_keepalive": action(LOGGED_IN, status=200, status_for={"anonymous": 401}),
    "set_language": action(LOGGED_IN, public=True),
}


def all_references() -> list[Reference]:
    """Every app's `REFERENCES`: writes that name another county's record (mixed ids)."""
    found = []
    for app in APPS_WITH_CASES:
        found += getattr(importlib.import_module(f"tests.{app}.access_cases"), "REFERENCES", [])
    return found


def all_cases() -> tuple[dict[str, UrlCase], list[Callable[[World], None]]]:
    """Every case by its key ("name" or "name variant"), and the apps' builders."""
    cases = dict(CORE_CASES)
    builders = []
    for app in APPS_WITH_CASES:
        module = importlib.import_module(f"tests.{app}.access_cases")
        cases.update(module.CASES)
        if hasattr(module, "build"):
            builders.append(module.build)
    return cases, builders


def url_name(key: str) -> str:
    """The URL name of a case's key (without its variant)."""
    return key.split(" ", 1)[0]


@dataclass(frozen=True)
class Pattern:
    """One URL pattern of the resolver: its full route, its name (None when unnamed),
    whether it is a router's format-suffix twin (`<route>.<format>`)."""

    route: str
    name: str | None
    takes_format: bool


def url_patterns(*, skip_namespaces: tuple[str, ...] = ()) -> list[Pattern]:
    """Every URL pattern of the project, nested includes and the API router's routes included."""
    found: list[Pattern] = []

    def walk(patterns, prefix: str, namespace: str | None) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace in skip_namespaces:
                    continue
                inner = ":".join(filter(None, [namespace, pattern.namespace])) or None
                walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern):
                name = pattern.name and (f"{namespace}:{pattern.name}" if namespace else pattern.name)
                route = prefix + str(pattern.pattern)
                found.append(Pattern(route, name, "format" in pattern.pattern.regex.groupindex))

    walk(get_resolver().url_patterns, "", None)
    return found


def project_url_names() -> list[str]:
    """Every named URL pattern of the project, with its namespace; the admin excepted."""
    return sorted({p.name for p in url_patterns(skip_namespaces=("admin",)) if p.name})
