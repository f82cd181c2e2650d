"""The dashboard's period data card: this period's totals of each kind of figures."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from cases.choices import VictimStatus
from cases.models import EmploymentFunnel, StreetIntervention, VictimReport
from cases.selectors.age_groups import age_groups_for
from cases.selectors.figures import EMPLOYMENT, STREET, VICTIMS, first_cells, period_cells
from krat import access
from krat.models import County, ReportingPeriod, User
from krat.selectors import DashboardPanel
from krat.suppression import Cell, exact, unpublished


@dataclass(frozen=True)
class PeriodTotals:
    """The period's totals the card shows, each a cell as the reader may see it: victims
    and potential victims (people), children met in street situations and the
    interventions that met them, people received by the labour office and employed."""

    victims: Cell
    potential: Cell
    children: Cell
    interventions: Cell
    received: Cell
    employed: Cell


#: The card's figures.
FIGURES = ("victims", "potential", "children", "interventions", "received", "employed")


def dashboard_panel(*, user: User, county: County, period: ReportingPeriod | None) -> DashboardPanel:
    """The dashboard's period data card: this period's totals, exact for those who see
    exact figures, else as the period's pages show them (the same pattern of hidden
    counts, `cases.selectors.figures`) once the period is published to them, "not yet
    published" before (`krat.access.figures_published`)."""
    if period is None:
        return DashboardPanel(title=_("Period data"), template="includes/panel_empty.html")
    if access.sees_exact_figures(user, county):
        totals = _exact(period)
    elif access.figures_published(user, period):
        totals = _shared(county, period)
    else:
        totals = PeriodTotals(**{key: unpublished() for key in FIGURES})
    return DashboardPanel(
        title=_("Period data"), template="cases/panel.html", context={"period": period, "totals": totals}
    )


def _exact(period: ReportingPeriod) -> PeriodTotals:
    """Three sums: nothing is hidden, so no pattern is needed. A sum of nothing entered
    (victims, employment) has no value; interventions are events, so none counts 0."""
    victims = VictimReport.objects.filter(period=period).aggregate(
        victims=Sum("total", filter=Q(status=VictimStatus.VICTIM)),
        potential=Sum("total", filter=Q(status=VictimStatus.POTENTIAL)),
    )
    street = StreetIntervention.objects.filter(period=period).aggregate(
        interventions=Count("pk"), children=Sum("children")
    )
    employment = EmploymentFunnel.objects.filter(period=period).aggregate(
        received=Sum("received"), employed=Sum("employed")
    )
    street = {key: n or 0 for key, n in street.items()}
    return PeriodTotals(**{key: exact(n) for key, n in {**victims, **street, **employment}.items()})


def _shared(county: County, period: ReportingPeriod) -> PeriodTotals:
    period.county = county  # the builders need not read the county again
    age_groups = {county.pk: age_groups_for(county)}  # read once for the three kinds
    victims = first_cells(period_cells(VICTIMS, [period], suppressed=True, age_groups=age_groups))
    street = first_cells(period_cells(STREET, [period], suppressed=True, age_groups=age_groups))
    employment = first_cells(period_cells(EMPLOYMENT, [period], suppressed=True, age_groups=age_groups))
    return PeriodTotals(
        victims=victims[1][(VictimStatus.VICTIM.value, "total")],
        potential=victims[1][(VictimStatus.POTENTIAL.value, "total")],
        children=street[1]["total"],
        interventions=street[1]["interventions"],
        received=employment[1][("total", "received")],
        employed=employment[1][("total", "employed")],
    )
