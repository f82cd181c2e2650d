"""Two-factor log-in with an authenticator app (TOTP), plus one-time recovery codes.

A person who has a confirmed device must give a code after their password before
any page opens (see `krat.middleware.TwoFactorMiddleware`). A county can require it
of its secretariat and chair; they are then sent to enrolment first.
"""

from __future__ import annotations

import base64
import io

import qrcode
import qrcode.image.svg
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from krat.api.tokens import tokens_revoke_all
from krat.choices import Role
from krat.models import User

RECOVERY_CODE_COUNT = 10
DEVICE_NAME = "authenticator"


def can_be_required(user: User) -> bool:
    """A county may require two-factor log-in of its secretariat and chair."""
    return user.role in (Role.SECRETARIAT, Role.CHAIR)


def is_required(user: User) -> bool:
    return bool(
        user.is_authenticated and user.county_id and can_be_required(user) and user.county.require_two_factor
    )


def is_enrolled(user: User) -> bool:
    return user_has_device(user, confirmed=True)


def pending_device(user: User) -> TOTPDevice:
    """The unconfirmed device that enrolment shows as a QR code (made once, reused)."""
    device, _created = TOTPDevice.objects.get_or_create(
        user=user, confirmed=False, defaults={"name": DEVICE_NAME}
    )
    return device


def qr_code_data_uri(device: TOTPDevice) -> str:
    buffer = io.BytesIO()
    qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage).save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def secret_for_typing(device: TOTPDevice) -> str:
    """The key in base32, in groups of four, for apps that cannot scan."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@transaction.atomic
def enrolment_confirm(*, request: HttpRequest, token: str) -> list[str]:
    """Confirm the pending device with a code from the app; return new recovery codes."""
    user = request.user
    device = pending_device(user)
    if not device.verify_token(token.strip().replace(" ", "")):
        raise ValidationError(
            _("The code is not right. Type the six digits the app shows now."), code="bad_token"
        )
    TOTPDevice.objects.filter(user=user, confirmed=True).delete()
    device.confirmed = True
    device.save()
    otp_login(request, device)
    tokens_revoke_all(user=user)  # a token made before may be in the hands of whoever had the old factor
    return recovery_codes_renew(user=user)


@transaction.atomic
def recovery_codes_renew(*, user: User) -> list[str]:
    """Replace the person's recovery codes; each works once. Shown only at creation."""
    device, _created = StaticDevice.objects.get_or_create(
        user=user, defaults={"name": "recovery", "confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def verify(*, request: HttpRequest, token: str) -> None:
    """Check a code from the app or a recovery code; on success the session is verified."""
    token = token.strip().replace(" ", "")
    for device_class in (TOTPDevice, StaticDevice):
        for device in device_class.objects.filter(user=request.user, confirmed=True):
            allowed, _details = device.verify_is_allowed()
            if allowed and device.verify_token(token):
                otp_login(request, device)
                return
    raise ValidationError(_("The code is not right, or it was already used."), code="bad_token")


@transaction.atomic
def disable(*, user: User) -> None:
    if is_required(user):
        raise ValidationError(_("Your county requires two-factor log-in for your role."), code="required")
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
