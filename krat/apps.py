from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class KratConfig(AppConfig):
    default = True  # this module holds two configs; this one is krat's
    name = "krat"
    verbose_name = _("KRAT: the table's core")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from krat import (
            checks,  # noqa: F401 - registers the system checks
            collation,
            generations,
            history,
            search,
        )
        from krat.models import County, Institution, ReportingPeriod, TableMembership, User

        connection_created.connect(search.register_sqlite_functions, dispatch_uid="krat_fold")
        connection_created.connect(collation.register_sqlite_collation, dispatch_uid="krat_sq")
        generations.connect()

        history.register(County, county_of=lambda county: county)
        history.register(Institution, county_of=lambda institution: institution.county)
        history.register(TableMembership, county_of=lambda membership: membership.institution.county)
        history.register(ReportingPeriod, county_of=lambda period: period.county)
        history.register(User, county_of=lambda person: person.county)

        from krat.models import PeriodSubmission

        history.register(PeriodSubmission, county_of=lambda submission: submission.period.county)

        from krat.models import PeriodReport

        history.register(PeriodReport, county_of=lambda report: report.period.county)

        from django_otp.plugins.otp_totp.models import TOTPDevice

        from krat import portability
        from krat.models import (
            ApiToken,
            DownloadLog,
            FinalReport,
            PartNothingToReport,
            RecoveryCode,
            RecoveryCodeDevice,
            SubmissionReminder,
        )

        # What travels in a county's archive (`export_county`); its people's two-factor devices too.
        portability.register(
            County,
            Institution,
            TableMembership,
            ReportingPeriod,
            PeriodReport,
            User,
            TOTPDevice,
            RecoveryCodeDevice,
            RecoveryCode,
            ApiToken,
            DownloadLog,
            FinalReport,
            PeriodSubmission,
            PartNothingToReport,
            SubmissionReminder,
        )


class KratAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with `krat.admin_site.KratAdminSite` as `admin.site`."""

    default = False
    default_site = "krat.admin_site.KratAdminSite"
