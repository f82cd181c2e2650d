from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Period data")

    def ready(self) -> None:
        from cases import models
        from krat.history import register

        register(models.CasesSettings, county_of=lambda record: record.county)
        register(models.VictimReport, county_of=lambda record: record.county)
        register(models.StreetIntervention, county_of=lambda record: record.county)
        register(models.EmploymentFunnel, county_of=lambda record: record.county)

        from krat import portability

        portability.register(
            models.CasesSettings,
            models.AgeGroup,
            models.VictimReport,
            models.VictimCount,
            models.StreetIntervention,
            models.StreetChildCount,
            models.EmploymentFunnel,
        )

        # Created with each county (`county_created`): an import replaces them by the archive's.
        portability.register_defaults(models.CasesSettings, models.AgeGroup)

        from cases import submission_parts

        submission_parts.register()

        from cases import api, bench, demo, report
        from cases.selectors.dashboard import dashboard_panel
        from krat import contributions
        from krat.benchmarks import period_page

        contributions.register(
            contributions.AppContribution(
                app=self.label,
                order=30,
                report_sections=report.SECTIONS,
                national_figures=report.NATIONAL,
                api_routes=api.register,
                dashboard_panel=dashboard_panel,
                demo_loader=demo.load,
                bench_pages={
                    "victims_grid": period_page("cases:victims"),
                    "street_children": period_page("cases:street"),
                    "employment_funnel": period_page("cases:employment"),
                },
                bench_writes=bench.figure_writes,
            )
        )

    def county_created(self, county) -> None:
        """A new county's period data settings and age groups (`krat.services.county_create`
        calls this for every app that declares it); only what is missing is created."""
        from cases.services.settings import county_defaults_create

        county_defaults_create(county=county)
