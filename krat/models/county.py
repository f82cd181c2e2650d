from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from krat.choices import Month
from krat.collation import albanian
from krat.models.base import Versioned


class County(Versioned):
    """A qark: the unit that owns every record of its Regional Anti-Trafficking Committee.

    Its letterhead (prefecture name, address, logo) prints on meeting summaries and
    period reports; its small-number threshold governs what leaves the table.
    """

    name = models.CharField(_("name"), max_length=60, unique=True)
    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    prefecture_name = models.CharField(
        _("prefecture name"), max_length=120, help_text=_("As printed on the letterhead.")
    )
    prefecture_address = models.CharField(_("prefecture address"), max_length=200, blank=True)
    prefecture_phone = models.CharField(_("prefecture phone"), max_length=40, blank=True)
    prefecture_email = models.EmailField(_("prefecture e-mail"), blank=True)
    logo = models.ImageField(_("logo"), upload_to="county-logos/", blank=True)
    small_number_threshold = models.PositiveSmallIntegerField(
        _("small-number threshold"),
        default=3,
        validators=[MinValueValidator(2), MaxValueValidator(20)],
        help_text=_("Counts from 1 up to one less than this print as “< k” outside the table."),
    )
    suppress_in_printed_report = models.BooleanField(
        _("hide small numbers in the printed report"), default=False
    )
    tourist_season_start = models.PositiveSmallIntegerField(
        _("tourist season starts in"), choices=Month.choices, default=Month.JUNE
    )
    tourist_season_end = models.PositiveSmallIntegerField(
        _("tourist season ends in"), choices=Month.choices, default=Month.SEPTEMBER
    )
    require_two_factor = models.BooleanField(
        _("require two-factor log-in for the secretariat and the chair"),
        default=False,
        help_text=_("They then confirm each log-in with a code from an authenticator app."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("county")
        verbose_name_plural = _("counties")
        # Django orders by any expression; the stubs accept only names and OrderBy.
        ordering = [albanian("name")]  # type: ignore[list-item]
        constraints = [
            models.CheckConstraint(
                condition=Q(small_number_threshold__gte=2, small_number_threshold__lte=20),
                name="%(app_label)s_%(class)s_threshold_range",
            ),
            models.CheckConstraint(
                condition=Q(tourist_season_start__gte=1, tourist_season_start__lte=12)
                & Q(tourist_season_end__gte=1, tourist_season_end__lte=12)
                & Q(tourist_season_start__lte=F("tourist_season_end")),
                name="%(app_label)s_%(class)s_tourist_season_months",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def is_tourist_season(self, month: int) -> bool:
        return self.tourist_season_start <= month <= self.tourist_season_end


class Municipality(models.Model):
    """One of Albania's 61 municipalities (bashki): places of events and of children's origin."""

    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="municipalities", verbose_name=_("county")
    )
    name = models.CharField(_("name"), max_length=60, unique=True)

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        # Django orders by any expression; the stubs accept only names and OrderBy.
        ordering = [albanian("name")]  # type: ignore[list-item]

    def __str__(self) -> str:
        return self.name
