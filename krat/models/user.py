from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from krat.choices import COUNTY_ROLES, Position, Role
from krat.collation import albanian
from krat.models.base import Versioned
from krat.models.county import County
from krat.models.institution import Institution


# RecoveryCodeDevice subclasses django-otp's Device, which has no types, so the stubs' plugin
# cannot follow its foreign key back here.
class User(Versioned, AbstractUser):  # type: ignore[django-manager-missing]
    """A person who signs in. The role says what they may do, the county where.

    A representative belongs to exactly one institution and writes only for it;
    a national observer belongs to no county and reads all of them.
    """

    role = models.CharField(_("role"), max_length=30, choices=Role.choices, blank=True)
    county = models.ForeignKey(
        County,
        on_delete=models.PROTECT,
        related_name="people",
        null=True,
        blank=True,
        verbose_name=_("county"),
    )
    institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        related_name="people",
        null=True,
        blank=True,
        verbose_name=_("institution"),
    )
    position = models.CharField(
        _("position in the membership order"),
        max_length=20,
        choices=Position.choices,
        blank=True,
        default=Position.NONE,
    )
    job_title = models.CharField(_("job title"), max_length=120, blank=True)
    phone = models.CharField(_("work phone"), max_length=40, blank=True)
    history = HistoricalRecords(excluded_fields=["password", "last_login"])
    # Set on an instance before save() to label (and attribute) the history row it writes.
    _change_reason: str
    _history_user: "User"

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        # Django orders by any expression; the stubs accept only names and OrderBy.
        ordering = [albanian("last_name"), albanian("first_name"), "username"]  # type: ignore[list-item]
        constraints = [
            models.CheckConstraint(
                condition=(Q(role="") & Q(is_superuser=True))
                | (Q(role=Role.NATIONAL_OBSERVER) & Q(county__isnull=True))
                | (Q(role__in=COUNTY_ROLES) & Q(county__isnull=False)),
                name="%(app_label)s_%(class)s_role_scope",
                violation_error_message=_("A national observer has no county; every other role needs one."),
            ),
            models.CheckConstraint(
                condition=~Q(role=Role.REPRESENTATIVE) | Q(institution__isnull=False),
                name="%(app_label)s_%(class)s_representative_has_institution",
                violation_error_message=_("A representative must belong to an institution."),
            ),
            models.CheckConstraint(
                condition=Q(position="") | Q(institution__isnull=False),
                name="%(app_label)s_%(class)s_position_needs_institution",
                violation_error_message=_("Only a person of an institution can hold a position."),
            ),
            models.UniqueConstraint(
                fields=["institution", "position"],
                condition=~Q(position=""),
                name="%(app_label)s_%(class)s_one_holder_per_position",
                violation_error_message=_("This institution already has a person in this position."),
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def clean(self) -> None:
        super().clean()
        if (
            self.institution_id
            and self.county_id
            and self.institution is not None
            and self.institution.county_id != self.county_id
        ):
            raise ValidationError(
                {"institution": _("The institution belongs to another county.")},
                code="institution_other_county",
            )

    @property
    def is_secretariat(self) -> bool:
        return self.role == Role.SECRETARIAT

    @property
    def is_chair(self) -> bool:
        return self.role == Role.CHAIR

    @property
    def is_representative(self) -> bool:
        return self.role == Role.REPRESENTATIVE

    @property
    def is_county_managed(self) -> bool:
        """Whether the county's people pages may change this account (`krat.access`)."""
        from krat.access import is_county_managed

        return is_county_managed(self)

    @property
    def is_national(self) -> bool:
        return self.role == Role.NATIONAL_OBSERVER or (self.is_superuser and not self.county_id)
