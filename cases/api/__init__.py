"""The period data over the API (krat.api), one module per resource:

- `victims`: the victims grid of a period and institution (`victim-grids`);
- `employment`: the employment path of a period and institution (`employment-grids`);
- `street`: interventions with children in street situations (`street-interventions`);
- `street_summary`: a period's street-children summary, as the street page shows it (`street-summaries`);
- `age_groups`: the counties' age groups that the three refer to (`age-groups`).

The two grids share their machinery (`grids`): one resource per period and
institution, read with the pages' small-number rules, replaced whole with PUT and
If-Match, checked by the entry forms' rules.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from drf_spectacular.utils import extend_schema

if TYPE_CHECKING:
    from rest_framework.routers import BaseRouter

from cases.api.age_groups import AgeGroupViewSet
from cases.api.employment import EmploymentGridViewSet
from cases.api.street import InterventionViewSet
from cases.api.street_summary import StreetSummaryViewSet
from cases.api.victims import VictimGridViewSet

TAG = extend_schema(tags=["period data"])


def register(router: BaseRouter) -> None:
    router.register("victim-grids", TAG(VictimGridViewSet), basename="victim-grid")
    router.register("employment-grids", TAG(EmploymentGridViewSet), basename="employment-grid")
    router.register("street-interventions", TAG(InterventionViewSet), basename="street-intervention")
    router.register("street-summaries", TAG(StreetSummaryViewSet), basename="street-summary")
    router.register("age-groups", TAG(AgeGroupViewSet), basename="age-group")
