"""One-time recovery codes, stored only as salted hashes.

django-otp's own static device (`otp_static`) keeps its tokens as typed, so anyone who
reads the table (a backup, an archive, a leaked dump) could pass the second factor.
This device does the same job through django-otp's device API (throttling, the
session's verified device, the OTP admin site) but keeps each code as a Django
password hash (`make_password`), so a code is checked, never read back.
"""

from __future__ import annotations

from django.contrib.auth.hashers import check_password, make_password
from django.db import models, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, ThrottlingMixin, TimestampMixin


def normalise_code(token: str) -> str:
    """Codes are shown in lower case without spaces; accept them typed in any case, spaced."""
    return "".join(token.split()).lower()


class RecoveryCodeDevice(TimestampMixin, ThrottlingMixin, Device):
    """The person's set of recovery codes (one device per person), a django-otp device.

    Failed tries slow further tries down (django-otp's throttling), which also bounds
    how many hashes one person can make the server compute.
    """

    class Meta:
        verbose_name = _("recovery codes")
        verbose_name_plural = _("recovery codes")
        constraints = [
            models.UniqueConstraint(fields=["user"], name="%(app_label)s_%(class)s_one_per_person"),
        ]

    def verify_token(self, token: str) -> bool:
        """True, and the code is used up, when `token` is one of the unused codes."""
        allowed, _details = self.verify_is_allowed()
        if not allowed:
            return False
        token = normalise_code(token)
        with transaction.atomic():
            # Locked, so two requests cannot both spend the same code.
            for code in self.codes.select_for_update().order_by("pk"):
                if check_password(token, code.digest):
                    code.delete()
                    self.throttle_reset(commit=False)
                    self.set_last_used_timestamp(commit=False)
                    self.save()
                    return True
        self.throttle_increment()
        return False

    def get_throttle_factor(self) -> int:
        return 1


class RecoveryCode(models.Model):
    """One unused recovery code, as a salted hash; deleted when used."""

    device = models.ForeignKey(
        RecoveryCodeDevice, on_delete=models.CASCADE, related_name="codes", verbose_name=_("device")
    )
    digest = models.CharField(_("hash"), max_length=128, editable=False)

    class Meta:
        verbose_name = _("recovery code")
        verbose_name_plural = _("recovery codes")
        constraints = [
            # Every Django password hash reads "<algorithm>$…"; a code as typed never holds "$".
            models.CheckConstraint(condition=Q(digest__contains="$"), name="%(app_label)s_%(class)s_hashed"),
        ]

    def __str__(self) -> str:
        return f"{self.device.user} #{self.pk}"  # never the code: it is not known

    @classmethod
    def for_code(cls, *, device: RecoveryCodeDevice, code: str) -> RecoveryCode:
        return cls(device=device, digest=make_password(normalise_code(code)))
