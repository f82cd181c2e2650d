from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from krat.choices import InstitutionKind
from krat.collation import albanian
from krat.models.base import Versioned
from krat.models.county import County


class Institution(Versioned):
    """A body that works with the county's table: police, social services, an NGO, ...

        Institutions are never deleted, only made inactive, so that past meetings and
        reports keep their names. Who sits at the Technical Table, and when, is recorded by
        its memberships (`TableMembership`), never by a flag of the institution; a read that
    shows whether it is a member today annotates it (`krat.membership.with_member_today`).
    """

    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="institutions", verbose_name=_("county")
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=InstitutionKind.choices)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")
        # Django orders by any expression; the stubs accept only names and OrderBy.
        ordering = [albanian("name")]  # type: ignore[list-item]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                "county",
                name="%(app_label)s_%(class)s_unique_name_per_county",
                violation_error_message=_("This county already has an institution with this name."),
            ),
        ]

    def __str__(self) -> str:
        return self.name
