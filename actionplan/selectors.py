"""Reads of the action plan app."""

from __future__ import annotations

from django.utils.translation import gettext as _

from krat.selectors import DashboardPanel


def dashboard_panel(*, user, county) -> DashboardPanel:
    """The dashboard's action plan card (plans are not recorded yet)."""
    return DashboardPanel(title=_("Action plan"), template="includes/panel_empty.html")
