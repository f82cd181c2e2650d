from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from krat.models.county import County
from krat.models.period import ReportingPeriod


class DownloadLog(models.Model):
    """Who downloaded which export, PDF or API read with case figures, and when: of which
    county and period, exact or with small numbers hidden.

    Rows are only ever added; the secretariat of the county reads them. A download that
    carries several counties' or periods' figures (the national report, an API list)
    leaves a row for each, so every county's log shows what left of its own figures.
    """

    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="downloads", verbose_name=_("county")
    )
    period = models.ForeignKey(
        ReportingPeriod,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="downloads",
        verbose_name=_("reporting period"),
        help_text=_("Empty for a download that is not of one period's figures."),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="downloads",
        verbose_name=_("user"),
    )
    downloaded_at = models.DateTimeField(_("downloaded at"), auto_now_add=True, db_index=True)
    what = models.CharField(_("what"), max_length=200)
    path = models.CharField(_("address"), max_length=500)
    suppressed = models.BooleanField(
        _("small numbers hidden"), default=False, help_text=_("Whether the file hid small numbers.")
    )

    class Meta:
        verbose_name = _("download")
        verbose_name_plural = _("downloads")
        ordering = ["-downloaded_at"]

    def __str__(self) -> str:
        return f"{self.user} · {self.what}"
