"""Log-in throttling: django-axes' database handler with one failure limit per kind of lock.

axes counts failed log-ins per kind listed in AXES_LOCKOUT_PARAMETERS (one person at one
address, one person from anywhere, one address whatever the user name) but compares them
all with one AXES_FAILURE_LIMIT. A limit low enough for a person at one address (5) would
let five guesses from anywhere lock the chair out everywhere; one high enough for an
address would let a stranger guess long at one person. The maintainers' advice for
different limits is a handler of one's own (jazzband/django-axes#661): `LoginThrottle`
reads each kind's limit from KRAT_LOGIN_LIMITS and leaves everything else to axes.

The same arithmetic tells a locked-out person until when (`lockout_response`) and the
secretariat whether a person's log-in is locked (`person_login_state`).
"""

from __future__ import annotations

import datetime
import itertools
from dataclasses import dataclass

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_parameters, get_client_username, get_cool_off
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

Attempt = tuple[datetime.datetime, int]  # (the latest failure of a row, its failures)


class AxesHttpRequest(HttpRequest):
    """A request that axes' middleware has read: the client's address and browser. Only
    for annotations; Django builds plain `HttpRequest`s."""

    axes_ip_address: str | None
    axes_user_agent: str


@dataclass(frozen=True)
class Lock:
    """One kind of lock as it stands for one request: its failures in the window, its limit,
    and, when it holds, when enough failures will have aged out for it to lift."""

    kind: tuple[str, ...]
    failures: int
    limit: int
    until: datetime.datetime | None

    @property
    def holds(self) -> bool:
        return self.failures >= self.limit


def window() -> datetime.timedelta:
    return get_cool_off(None)


def lock_for(kind: tuple[str, ...], attempts: list[Attempt]) -> Lock:
    """The lock of `kind` given its attempt rows in the window.

    A row counts while its latest failure is in the window, so the lock lifts when the
    oldest rows have left it and what remains is under the limit.
    """
    limit = settings.KRAT_LOGIN_LIMITS[kind]
    failures = sum(count for _when, count in attempts)
    if failures < limit:
        return Lock(kind=kind, failures=failures, limit=limit, until=None)
    # Rows leave the window oldest first; the lock lifts with the row whose leaving takes
    # what remains under the limit (limits are at least 1, so one always does).
    ordered = sorted(attempts)
    aged_out = itertools.accumulate(count for _when, count in ordered)
    lifts_with = next(
        when for (when, _count), gone in zip(ordered, aged_out, strict=True) if failures - gone < limit
    )
    return Lock(kind=kind, failures=failures, limit=limit, until=lifts_with + window())


class LoginThrottle(AxesDatabaseHandler):
    """axes' database handler, each kind of lock with its own limit (KRAT_LOGIN_LIMITS)."""

    def locks(self, request: AxesHttpRequest, credentials: dict | None = None) -> list[Lock]:
        """Every kind of lock for this request, one query each."""
        username = get_client_username(request, credentials)
        threshold = get_cool_off_threshold(request)
        filters = get_client_parameters(
            username, request.axes_ip_address, request.axes_user_agent, request, credentials
        )
        locks = []
        for filter_kwargs in filters:
            rows = AccessAttempt.objects.filter(**filter_kwargs, attempt_time__gte=threshold)
            locks.append(
                lock_for(tuple(filter_kwargs), list(rows.values_list("attempt_time", "failures_since_start")))
            )
        return locks

    def is_locked(self, request: AxesHttpRequest, credentials: dict | None = None) -> bool:
        return any(lock.holds for lock in self.locks(request, credentials))

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        """axes records the failure and locks by its own single limit (the highest of
        ours); a kind that has reached its own, lower, limit locks here."""
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None or request.axes_locked_out or not self.is_locked(request, credentials):
            return
        request.axes_locked_out = True
        request.axes_credentials = credentials
        user_locked_out.send(
            "axes",
            request=request,
            username=get_client_username(request, credentials),
            ip_address=request.axes_ip_address,
        )

    def reset_user_attempts(self, request: AxesHttpRequest, credentials: dict | None = None) -> int:
        """After a successful log-in, forget the person's failures at this address only.

        axes would forget every row of every kind: the person's failures from everywhere
        (a distributed guess at them would start afresh each time they sign in) and every
        user name's failures from this address (an insider could clear a spray of guesses
        at other people by signing in as themselves). Success proves only that this person,
        at this address, knows the password.
        """
        username = get_client_username(request, credentials)
        count, _ = AccessAttempt.objects.filter(
            username=username, ip_address=request.axes_ip_address
        ).delete()
        return count


def lockout_response(
    request: HttpRequest, original_response=None, credentials: dict | None = None
) -> HttpResponse:
    """The locked-out page (AXES_LOCKOUT_CALLABLE), with the time the log-in opens again."""
    from axes.handlers.proxy import AxesProxyHandler

    handler = AxesProxyHandler.get_implementation()
    holding = [lock for lock in handler.locks(request, credentials) if lock.holds]
    until = max((lock.until for lock in holding if lock.until is not None), default=None)
    response = render(
        request, settings.AXES_LOCKOUT_TEMPLATE, {"until": until}, status=settings.AXES_HTTP_RESPONSE_CODE
    )
    if until is not None:
        response["Retry-After"] = str(max(0, int((until - timezone.now()).total_seconds())))
    return response


@dataclass(frozen=True)
class LoginState:
    """A person's failed log-ins in the window, as their page shows it to the secretariat.

    `until` is set while the person is locked out, everywhere or at some address."""

    failures: int
    until: datetime.datetime | None

    @property
    def window_minutes(self) -> int:
        return int(window().total_seconds() // 60)


def person_login_state(username: str, *, now: datetime.datetime | None = None) -> LoginState | None:
    """The failed log-ins recorded for `username` in the window, or None if there are none.

    The person's own locks only: everywhere, and at each address they were tried from. One
    query; the rows are few, since failures made while locked are not recorded.
    """
    threshold = (now or timezone.now()) - window()
    rows = list(
        AccessAttempt.objects.filter(username=username, attempt_time__gte=threshold).values_list(
            "ip_address", "attempt_time", "failures_since_start"
        )
    )
    if not rows:
        return None
    by_address: dict[str | None, list[Attempt]] = {}
    for address, when, count in rows:
        by_address.setdefault(address, []).append((when, count))
    locks = [lock_for(("username",), [(when, count) for _address, when, count in rows])]
    locks += [lock_for(("username", "ip_address"), attempts) for attempts in by_address.values()]
    until = max((lock.until for lock in locks if lock.holds and lock.until is not None), default=None)
    return LoginState(failures=sum(count for _address, _when, count in rows), until=until)
