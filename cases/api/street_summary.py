"""The street-children summary of a period over the API (read): what the street page shows
everyone who may read the county — the children met, by month, place, municipality of
origin, activity, action, company, sex and age, and the origins that repeat — with small
numbers hidden for readers who do not see exact figures (the interventions with the
children they met: a companion count). Interventions one by one are
`street-interventions`, for those the page lists them to."""

from __future__ import annotations

from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from cases import access as cases_access
from cases.api.grids import ShownCountSerializer, shown
from cases.selectors.street import CategoryCount, StreetSummary, street_children_summary
from krat import access
from krat.api.base import KratViewSet, log_read
from krat.audit import Carried
from krat.suppression import UNPUBLISHED_NOTE


class LabelledCountSerializer(ShownCountSerializer):
    # A field named `label` shadows Field.label in DRF's stubs only: the serializer's
    # metaclass takes declared fields out of the class.
    label = serializers.CharField()  # type: ignore[assignment]


class MonthSerializer(LabelledCountSerializer):
    tourist_season = serializers.BooleanField()


class ComparedSerializer(serializers.Serializer):
    period = serializers.IntegerField(allow_null=True)
    children = ShownCountSerializer(allow_null=True)
    interventions = ShownCountSerializer(
        allow_null=True, help_text="Hidden with the children they met when those are hidden."
    )


class SexRowSerializer(serializers.Serializer):
    sex = serializers.CharField()
    by_age_group = ShownCountSerializer(many=True)
    total = ShownCountSerializer()


class RepeatedOriginSerializer(serializers.Serializer):
    municipality = serializers.CharField()
    interventions = ShownCountSerializer()
    children = ShownCountSerializer()


class StreetSummarySerializer(serializers.Serializer):
    period = serializers.IntegerField()
    suppressed = serializers.BooleanField(help_text="Whether small numbers are hidden from you.")
    threshold = serializers.IntegerField(help_text="Counts from 1 to threshold − 1 are hidden.")
    interventions = ShownCountSerializer(help_text="Hidden with the children they met when those are hidden.")
    children = ShownCountSerializer()
    previous = ComparedSerializer(help_text="The previous period (period null: none).")
    year_earlier = ComparedSerializer(help_text="The same period a year earlier (period null: none).")
    by_month = MonthSerializer(many=True)
    by_place = LabelledCountSerializer(many=True)
    by_origin = LabelledCountSerializer(many=True)
    by_activity = LabelledCountSerializer(many=True)
    by_action = LabelledCountSerializer(many=True)
    by_accompanied = LabelledCountSerializer(many=True)
    age_groups = serializers.ListField(child=serializers.CharField())
    by_sex_and_age = SexRowSerializer(many=True)
    by_age = ShownCountSerializer(many=True)
    repeated_origins = RepeatedOriginSerializer(many=True)


def _labelled(items: list[CategoryCount]) -> list[dict]:
    return [{"label": str(item.label), **shown(item.value)} for item in items]


def street_summary_payload(summary: StreetSummary) -> dict:
    """The page's summary (cases.selectors.street.street_children_summary) as JSON-ready data."""
    compared = {}
    for index, key, info in ((1, "previous", summary.previous), (2, "year_earlier", summary.year_earlier)):
        total, interventions = summary.total[index], summary.interventions_compare[index]
        compared[key] = {
            "period": info.pk if info else None,
            "children": shown(total) if total is not None else None,
            "interventions": shown(interventions) if interventions is not None else None,
        }
    return {
        "period": summary.period.pk,
        "suppressed": summary.suppressed,
        "threshold": summary.k,
        "interventions": shown(summary.interventions),
        "children": shown(summary.children),
        **compared,
        "by_month": [
            {"label": str(m.label), "tourist_season": m.season, **shown(m.value)} for m in summary.by_month
        ],
        "by_place": _labelled(summary.by_place),
        "by_origin": _labelled(summary.by_origin),
        "by_activity": _labelled(summary.by_activity),
        "by_action": _labelled(summary.by_action),
        "by_accompanied": _labelled(summary.by_accompanied),
        "age_groups": [str(label) for label in summary.age_labels],
        "by_sex_and_age": [
            {"sex": str(row.label), "by_age_group": [shown(c) for c in row.values], "total": shown(row.total)}
            for row in summary.sex_age
        ],
        "by_age": [shown(c) for c in summary.age_totals],
        "repeated_origins": [
            {
                "municipality": o.name,
                "interventions": shown(o.interventions),
                "children": shown(o.children),
            }
            for o in summary.repeated_origins
        ],
    }


class StreetSummaryViewSet(KratViewSet):
    """The street-children summary of a period, as the street page shows it to you."""

    serializer_class = StreetSummarySerializer
    lookup_field = "period"
    lookup_value_regex = r"[0-9]+"

    @extend_schema(
        parameters=[OpenApiParameter("period", OpenApiTypes.INT, OpenApiParameter.PATH)],
        responses=StreetSummarySerializer,
    )
    def retrieve(self, request: Request, period: str) -> Response:
        found = cases_access.period_for_user(self.reader, int(period))
        if not access.figures_published(self.reader, found):
            raise NotFound(str(UNPUBLISHED_NOTE))
        suppressed = not access.sees_exact_figures(self.reader, found.county)
        summary = street_children_summary(found.county, found, suppressed=suppressed)
        log_read(
            request,
            what=gettext("Street-children summary (API)"),
            carried=[Carried.of(found, suppressed=suppressed)],
        )
        return Response(street_summary_payload(summary))
