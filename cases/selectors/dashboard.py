"""The dashboard's period data card: this period's totals of each kind of figures."""

from __future__ import annotations

from django.db.models import Q, Sum
from django.utils.translation import gettext as _

from cases.choices import VictimStatus
from cases.models import EmploymentFunnel, VictimReport
from cases.selectors.street import street_totals
from krat import access
from krat.selectors import DashboardPanel
from krat.suppression import present


def dashboard_panel(*, user, county, period) -> DashboardPanel:
    """The dashboard's period data card: this period's totals, small numbers hidden for
    those who do not see exact figures."""
    if period is None:
        return DashboardPanel(title=_("Period data"), template="includes/panel_empty.html")
    exact_view = access.sees_exact_figures(user, county)
    k = county.small_number_threshold
    victims = VictimReport.objects.filter(county=county, period=period).aggregate(
        victims=Sum("total", filter=Q(status=VictimStatus.VICTIM)),
        potential=Sum("total", filter=Q(status=VictimStatus.POTENTIAL)),
    )
    street = street_totals(county, period)
    employed = EmploymentFunnel.objects.filter(county=county, period=period).aggregate(
        received=Sum("received"), employed=Sum("employed")
    )

    def show(n):
        return present({"n": n or 0}, [], k, suppressed=not exact_view)["n"]

    return DashboardPanel(
        title=_("Period data"),
        template="cases/panel.html",
        context={
            "period": period,
            "victims": show(victims["victims"]),
            "potential": show(victims["potential"]),
            "children": show(street["children"]),
            "interventions": street["interventions"],
            "received": show(employed["received"]),
            "employed": show(employed["employed"]),
        },
    )
