"""Reads of the period data app."""

from __future__ import annotations

from django.utils.translation import gettext as _

from krat.selectors import DashboardPanel


def dashboard_panel(*, user, county) -> DashboardPanel:
    """The dashboard's period data card (figures are not recorded yet)."""
    return DashboardPanel(title=_("Period data"), template="includes/panel_empty.html")
