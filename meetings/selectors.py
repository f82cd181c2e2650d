"""Reads of the meetings app."""

from __future__ import annotations

from django.utils.translation import gettext as _

from krat.selectors import DashboardPanel


def dashboard_panel(*, user, county) -> DashboardPanel:
    """The dashboard's meetings card (meetings are not recorded yet)."""
    return DashboardPanel(title=_("Meetings"), template="includes/panel_empty.html")
