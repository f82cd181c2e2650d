"""Two-factor log-in with an authenticator app (TOTP), plus one-time recovery codes.

A person who has a confirmed device must give a code after their password before
any page opens (see `krat.middleware.TwoFactorMiddleware`). A county can require it
of its secretariat and chair, and staff and superusers always need it; they are
sent to enrolment first.

What a session that gave only the password may not do, when the person already has
a confirmed device: open enrolment (which would swap the owner's authenticator for
one the intruder scanned), renew the recovery codes, or switch the second factor
off. The views refuse it (`needs_code`) whatever the middleware lets through, and the
services check it again.

Enrolling ends the person's other sessions and revokes their API tokens: whatever was
opened before the new device was set up may have been opened by someone else.
"""

from __future__ import annotations

import base64
import io
from importlib import import_module

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import transaction
from django.db.models import Exists
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from krat.api.tokens import tokens_revoke_all
from krat.choices import Role
from krat.http import AuthenticatedHttpRequest
from krat.models import RecoveryCode, RecoveryCodeDevice, User

RECOVERY_CODE_COUNT = 10
DEVICE_NAME = "authenticator"
#: The session's own unconfirmed device, so a secret shown in one session is never
#: confirmed from another.
PENDING_DEVICE_KEY = "krat_two_factor_pending"


def can_be_required(user: User) -> bool:
    """A county may require two-factor log-in of its secretariat and chair."""
    return user.role in (Role.SECRETARIAT, Role.CHAIR)


def is_required(user: User) -> bool:
    """Staff and superusers always need a second factor; others when their county asks."""
    if not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser:
        return True
    return bool(
        user.county_id
        and can_be_required(user)
        and user.county is not None
        and user.county.require_two_factor
    )


def is_enrolled(user: User) -> bool:
    """Whether the person has a confirmed authenticator or recovery codes: the two devices
    KRAT makes (django-otp's own static device holds nothing since recovery codes are
    hashed, so it is not asked; nor is it offered in the admin)."""
    # One query, not one per kind: it is asked on every page a person opens.
    return User.objects.filter(
        Exists(TOTPDevice.objects.filter(user_id=user.pk, confirmed=True))
        | Exists(RecoveryCodeDevice.objects.filter(user_id=user.pk, confirmed=True)),
        pk=user.pk,
    ).exists()


def needs_code(user: User) -> bool:
    """Whether this session must give a code first: the person has a device and the
    session has not been verified with one."""
    # django-otp's OTPMiddleware gives request.user is_verified(); the stubs know only the model.
    return not user.is_verified() and is_enrolled(user)  # type: ignore[attr-defined]


def _refuse_unverified(user: User) -> None:
    if needs_code(user):
        raise ValidationError(
            _("Give the code from your authenticator app first."),
            code="unverified",
        )


def pending_device(*, request: AuthenticatedHttpRequest) -> TOTPDevice:
    """The unconfirmed device this session shows as a QR code (made once per session).

    A new one replaces any other unconfirmed device of the person, so a secret that
    another session displayed (perhaps to someone who only had the password, before
    the owner enrolled) can never be the one that gets confirmed.
    """
    _refuse_unverified(request.user)
    device = _session_pending_device(request)
    if device is None:
        TOTPDevice.objects.filter(user=request.user, confirmed=False).delete()
        device = TOTPDevice.objects.create(user=request.user, name=DEVICE_NAME, confirmed=False)
        request.session[PENDING_DEVICE_KEY] = device.pk
    return device


def _session_pending_device(request: AuthenticatedHttpRequest) -> TOTPDevice | None:
    pk = request.session.get(PENDING_DEVICE_KEY)
    if pk is None:
        return None
    return TOTPDevice.objects.filter(pk=pk, user=request.user, confirmed=False).first()


def qr_code_data_uri(device: TOTPDevice) -> str:
    buffer = io.BytesIO()
    qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage).save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def secret_for_typing(device: TOTPDevice) -> str:
    """The key in base32, in groups of four, for apps that cannot scan."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@transaction.atomic
def enrolment_confirm(*, request: AuthenticatedHttpRequest, token: str) -> list[str]:
    """Confirm this session's pending device with a code from the app; return new
    recovery codes. The person's old device, other sessions and API tokens end."""
    user = request.user
    _refuse_unverified(user)
    device = _session_pending_device(request)
    if device is None:
        raise ValidationError(
            _("Two-factor log-in was set up again in another window. Scan the new code shown here."),
            code="pending_replaced",
        )
    if not device.verify_token(token.strip().replace(" ", "")):
        raise ValidationError(
            _("The code is not right. Type the six digits the app shows now."), code="bad_token"
        )
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save()
    request.session.pop(PENDING_DEVICE_KEY, None)
    otp_login(request, device)
    codes = _recovery_codes_replace(user=user)
    tokens_revoke_all(user=user)
    sessions_end_others(user=user, keep=request.session.session_key)
    return codes


def recovery_codes_renew(*, request: AuthenticatedHttpRequest) -> list[str]:
    """Replace the person's recovery codes, from a verified session; each works once.
    Shown only at creation: only their hashes are stored."""
    _refuse_unverified(request.user)
    if not is_enrolled(request.user):
        raise ValidationError(_("Turn two-factor log-in on first."), code="not_enrolled")
    return _recovery_codes_replace(user=request.user)


@transaction.atomic
def _recovery_codes_replace(*, user: User) -> list[str]:
    device, _created = RecoveryCodeDevice.objects.get_or_create(
        user=user, defaults={"name": "recovery", "confirmed": True}
    )
    device.codes.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    RecoveryCode.objects.bulk_create([RecoveryCode.for_code(device=device, code=code) for code in codes])
    return codes


def verify(*, request: AuthenticatedHttpRequest, token: str) -> None:
    """Check a code from the app or a recovery code; on success the session is verified.

    Six digits are the app's code; anything else is tried as a recovery code (whose
    hashes are slow to check on purpose, so they are not tried for every app code). A
    failed try slows down every device of the person, whichever one it was tried on.
    """
    token = "".join(token.split())
    kind = TOTPDevice if token.isdigit() and len(token) == 6 else RecoveryCodeDevice
    with transaction.atomic():
        # Locked: two requests cannot both spend one code, nor replay one app code.
        devices = [
            *TOTPDevice.objects.filter(user=request.user, confirmed=True).select_for_update(),
            *RecoveryCodeDevice.objects.filter(user=request.user, confirmed=True).select_for_update(),
        ]
        for device in devices:
            allowed, _details = device.verify_is_allowed()
            if isinstance(device, kind) and allowed and device.verify_token(token):
                otp_login(request, device)
                return
        for device in devices:
            if not isinstance(device, kind):  # the ones tried have counted the failure
                device.throttle_increment()
    raise ValidationError(_("The code is not right, or it was already used."), code="bad_token")


@transaction.atomic
def disable(*, request: AuthenticatedHttpRequest) -> None:
    user = request.user
    _refuse_unverified(user)
    if is_required(user):
        raise ValidationError(_("Your county requires two-factor log-in for your role."), code="required")
    TOTPDevice.objects.filter(user=user).delete()
    RecoveryCodeDevice.objects.filter(user=user).delete()


def sessions_end_others(*, user: User, keep: str | None) -> int:
    """End every session of `user` but `keep`; returns how many were ended.

    Sessions live in the database (README); their data is signed and encoded, so the
    user is read from each live one. Only live sessions are read: `clearsessions` runs
    daily and the idle limit is short, so these are the sessions of the last half hour.
    """
    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    if not hasattr(store_class, "get_model_class"):
        raise ImproperlyConfigured("Ending a person's other sessions needs database-backed sessions.")
    model = store_class.get_model_class()
    live = model.objects.filter(expire_date__gt=timezone.now()).exclude(session_key=keep)
    theirs = [
        session.session_key
        for session in live.only("session_key", "session_data").iterator()
        if store_class().decode(session.session_data).get(SESSION_KEY) == str(user.pk)
    ]
    if settings.SESSION_ENGINE == "django.contrib.sessions.backends.db":
        model.objects.filter(session_key__in=theirs).delete()
    else:
        for session_key in theirs:  # one by one, through the store, which clears its cache too
            store_class(session_key).delete()
    return len(theirs)
