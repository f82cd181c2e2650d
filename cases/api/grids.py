"""What the victims and employment grids share: one resource per period and institution
that has recorded such figures, keyed `<period id>-<institution id>`.

A grid is exact for the secretariat, the chair and the institution's own representatives
(`krat.access.sees_exact_figures`); every other reader gets each count withheld (`null`
with `suppressed: true` beside it): one institution's figures, subtracted from the
county's summary, would give another's away (issue 15), so they are published only to
those who see them exact. It is replaced whole with PUT by those who enter it on its page
(`cases.access.institution_for_entry`), with If-Match (428 without, 412 when stale),
through the same rules as the page's form and the same service.

A subclass gives `model` and `data_kind`, the input serializer, and four hooks:
`lock` (what the ETag and the service's optimistic lock are made of), `etag`,
`payloads` (every grid of a page at once, in a bounded number of queries) and `write`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from cases import access as cases_access
from krat import access
from krat.api.base import KratViewSet, check_if_match, log_read
from krat.audit import Carried
from krat.collation import albanian
from krat.models import Institution, ReportingPeriod, User
from krat.models.base import StrOrPromise
from krat.suppression import UNPUBLISHED_NOTE, Cell

GRID_KEY = OpenApiParameter(
    "key",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    pattern=r"^[0-9]+-[0-9]+$",
    description="`<period id>-<institution id>`.",
)


def shown(cell: Cell) -> dict:
    """A count as the reader may see it: `null` with `suppressed: true` when hidden,
    `null` with `suppressed: false` when it has no value (nothing entered: not 0)."""
    return {"count": None if cell.hidden else cell.value, "suppressed": cell.hidden}


class ShownCountSerializer(serializers.Serializer):
    """The schema of `shown`."""

    count = serializers.IntegerField(
        allow_null=True,
        help_text="null when hidden from you (suppressed true), or when no value was entered "
        "(suppressed false): no value is not 0.",
    )
    suppressed = serializers.BooleanField()


@dataclass(frozen=True)
class Grid:
    """One institution's figures for one period, and whether the reader sees them exact."""

    period: ReportingPeriod
    institution: Institution
    exact: bool

    @property
    def key(self) -> tuple[int, int]:
        return (self.period.pk, self.institution.pk)

    def head(self) -> dict:
        """The fields every grid's representation begins with."""
        return {
            "key": f"{self.period.pk}-{self.institution.pk}",
            "period": self.period.pk,
            "institution": self.institution.pk,
            "suppressed": not self.exact,
        }


class GridViewSet(mixins.ListModelMixin, KratViewSet):
    """List (filter by `period`, `institution`), read one, replace one with PUT."""

    model: type[models.Model]
    #: The records that hold figures entered (a grid saved empty is not listed).
    recorded = Q()
    data_kind: str = ""
    what: StrOrPromise = ""  # the download log's label of a read (translated lazily)
    input_serializer_class: type[serializers.Serializer[Any]]
    lookup_field = "key"
    lookup_value_regex = r"[0-9]+-[0-9]+"
    http_method_names = ["get", "put", "head", "options"]
    filterset_fields = ["period", "institution"]

    # --- What a subclass gives ----------------------------------------------------------------

    def lock(self, period: ReportingPeriod, institution: Institution) -> Any:
        """The stored grid's version, as the service's optimistic lock takes it."""
        raise NotImplementedError

    def etag(self, period: ReportingPeriod, institution: Institution, lock: Any) -> str:
        raise NotImplementedError

    def payloads(self, grids: list[Grid]) -> list[dict[str, Any]]:
        """The representation of each grid, in a number of queries that does not grow with them."""
        raise NotImplementedError

    def write(
        self, period: ReportingPeriod, institution: Institution, data: dict[str, Any], lock: Any
    ) -> dict[str, Any] | None:
        """Check `data` by the page's rules and save it through the service (raising
        ValidationError); returns what the response adds beside the grid, if anything."""
        raise NotImplementedError

    # --- The resource -------------------------------------------------------------------------

    def get_queryset(self) -> QuerySet[Any, dict[str, Any]]:
        """One row per (period, institution) that has recorded such figures and is published to
        the reader (`_published`), newest period first."""
        records = self.county_scope(self.model._default_manager.filter(self.recorded)).filter(
            self._published()
        )
        rows: QuerySet[Any, dict[str, Any]] = (
            records.values("period", "institution")
            .annotate(records=Count("pk"))
            .order_by("-period__start_date", albanian("institution__name"), "institution")
        )
        return rows

    def _published(self) -> Q:
        """`krat.access.figures_published` as a query over the reader's counties: a grid of a
        published period, or one the reader sees exact (the county's, for its secretariat and
        chair; its own institution's, for a representative). A grid's existence says that
        its institution entered something: an unpublished one is not listed at all."""
        user = self.request.user
        shown = Q(period__in=[])  # nothing, to add to
        if not isinstance(user, User):  # the schema's generation: no request is anonymous
            return shown
        for county in access.visible_counties(user):
            if access.sees_exact_figures(user, county):
                shown |= Q(period__county=county)
            elif user.institution is not None and access.sees_exact_figures(user, county, user.institution):
                shown |= Q(institution=user.institution)
        return shown | Q(period__is_closed=True)  # `access.period_published`, as a query

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        rows = self.paginate_queryset(self.filter_queryset(self.get_queryset())) or []  # always paginated
        periods = ReportingPeriod.objects.select_related("county").in_bulk({r["period"] for r in rows})
        institutions = Institution.objects.in_bulk({r["institution"] for r in rows})
        grids = [self._grid(periods[r["period"]], institutions[r["institution"]]) for r in rows]
        log_read(
            request,
            what=str(self.what),
            carried=[Carried.of(g.period, suppressed=not g.exact) for g in grids],
        )
        return self.get_paginated_response(self.payloads(grids))

    @extend_schema(parameters=[GRID_KEY])
    def retrieve(self, request: Request, key: str) -> Response:
        period, institution = self._target(key)
        if not access.figures_published(self.reader, period, institution):
            raise NotFound(str(UNPUBLISHED_NOTE))
        grid = self._grid(period, institution)
        log_read(request, what=str(self.what), carried=[Carried.of(period, suppressed=not grid.exact)])
        return self._respond(period, institution)

    @extend_schema(parameters=[GRID_KEY])
    def update(self, request: Request, key: str) -> Response:
        period, institution = self._target(key)
        institution = cases_access.institution_for_entry(self.reader, period, institution.pk, self.data_kind)
        lock = self.lock(period, institution)
        check_if_match(request, self.etag(period, institution, lock))
        data = self.input_serializer_class(data=request.data)
        data.is_valid(raise_exception=True)
        extra = self.write(period, institution, data.validated_data, lock)
        response = self._respond(period, institution)
        if extra is not None:
            response.data = {"grid": response.data, **extra}
        return response

    def get_object(self) -> ReportingPeriod:
        """The grid's period (for DRF's OPTIONS metadata; the views use `_target`)."""
        return self._target(self.kwargs[self.lookup_field])[0]

    def _target(self, key: str) -> tuple[ReportingPeriod, Institution]:
        """404 for a period of a county the reader may not read, or another county's institution."""
        try:
            period_pk, institution_pk = (int(part) for part in key.split("-"))
        except ValueError:
            raise NotFound from None
        period = cases_access.period_for_user(self.request.user, period_pk)
        institution = get_object_or_404(Institution, pk=institution_pk, county=period.county)
        return period, institution

    def _grid(self, period: ReportingPeriod, institution: Institution) -> Grid:
        exact = access.sees_exact_figures(self.reader, period.county, institution)
        return Grid(period=period, institution=institution, exact=exact)

    def _respond(self, period: ReportingPeriod, institution: Institution) -> Response:
        etag = self.etag(period, institution, self.lock(period, institution))
        return Response(self.payloads([self._grid(period, institution)])[0], headers={"ETag": etag})
