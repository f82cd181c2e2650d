"""Awareness events and activities' progress over the API (krat.api): everyone of the
county reads; the organising (or lead) institution and the secretariat write, through
the same services and rules as the forms."""

from __future__ import annotations

import django_filters
from django.db.models import F
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from actionplan import services
from actionplan.access import can_create_event, can_edit_event, can_record_progress, event_organiser_for
from actionplan.models import Activity, ActivityProgress, AwarenessEvent, TargetGroup
from krat import access
from krat.api.base import (
    KratViewSet,
    ScopedRelationsMixin,
    apply_input,
    check_if_match,
    etag_of,
    versioned_write,
)
from krat.models import County, Institution, Municipality, ReportingPeriod

# --- Awareness events ---------------------------------------------------------------------


class EventSerializer(ScopedRelationsMixin, serializers.ModelSerializer):
    scoped_relations = {
        "organiser": "county",
        "municipality": "county",
        "partners": "county",
        "activity": "plan__county",
    }
    county: serializers.SlugRelatedField[County] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    organiser = serializers.PrimaryKeyRelatedField(
        queryset=Institution.objects.all(),
        required=False,
        help_text="Set by the secretariat; a representative's events are their institution's.",
    )
    municipality = serializers.PrimaryKeyRelatedField(queryset=Municipality.objects.all())
    partners = serializers.PrimaryKeyRelatedField(
        queryset=Institution.objects.all(), many=True, required=False
    )
    target_groups = serializers.PrimaryKeyRelatedField(queryset=TargetGroup.objects.all(), many=True)
    activity = serializers.PrimaryKeyRelatedField(
        queryset=Activity.objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = AwarenessEvent
        fields = [
            "id",
            "county",
            "title",
            "date",
            "start_time",
            "end_time",
            "municipality",
            "venue",
            "description",
            "organiser",
            "partners",
            "target_groups",
            "activity",
            "status",
            "people_reached",
            "note",
            "version",
        ]
        read_only_fields = ["id", "county", "version"]
        many_to_many = ("partners", "target_groups")


class EventFilter(django_filters.FilterSet):
    period = django_filters.NumberFilter(method="in_period", help_text="Events dated within the period.")
    institution = django_filters.NumberFilter(field_name="organiser", help_text="The organising institution.")

    class Meta:
        model = AwarenessEvent
        fields = ["period", "institution", "status"]

    def in_period(self, queryset, name: str, value: int):
        period = ReportingPeriod.objects.filter(pk=value).first()
        if period is None:
            return queryset.none()
        return queryset.filter(
            county_id=period.county_id, date__gte=period.start_date, date__lte=period.end_date
        )


class EventViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, KratViewSet):
    """The awareness calendar. Representatives add and edit their institution's events;
    the secretariat any of its county's."""

    serializer_class = EventSerializer
    filterset_class = EventFilter
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self):
        queryset = AwarenessEvent.objects.select_related("county").prefetch_related(
            "partners", "target_groups"
        )
        return self.county_scope(queryset.order_by("-date", "-pk"))

    def retrieve(self, request, *args, **kwargs):
        event = self.get_object()
        return self.with_etag(event, self.get_serializer(event).data)

    def _save(self, request, event, *, partial: bool, organiser):
        values = apply_input(request, event, EventSerializer, partial=partial)
        if organiser is not None:
            event.organiser = organiser
        return services.event_save(
            event=event,
            expected_version=event.version if event.pk else None,
            partners=values.get("partners"),
            target_groups=values.get("target_groups"),
        )

    @extend_schema(responses={201: EventSerializer})
    def create(self, request, *args, **kwargs):
        county = request.user.county
        if county is None or not can_create_event(request.user, county):
            raise PermissionDenied
        event = AwarenessEvent(county=county)
        event = self._save(request, event, partial=False, organiser=event_organiser_for(request.user, county))
        data = EventSerializer(event).data
        return Response(data, status=status.HTTP_201_CREATED, headers={"ETag": etag_of(event)})

    def _update(self, request, partial: bool):
        event = self.get_object()
        access.require(can_edit_event(request.user, event))
        check_if_match(request, etag_of(event))
        organiser = None if access.can_manage_county(request.user, event.county) else event.organiser
        event = self._save(request, event, partial=partial, organiser=organiser)
        return self.with_etag(event, EventSerializer(event).data)

    @versioned_write(EventSerializer)
    def update(self, request, *args, **kwargs):
        return self._update(request, partial=False)

    @versioned_write(EventSerializer)
    def partial_update(self, request, *args, **kwargs):
        return self._update(request, partial=True)


# --- Progress of the plan's activities ---------------------------------------------------------


class ProgressSerializer(ScopedRelationsMixin, serializers.ModelSerializer):
    scoped_relations = {"activity": "plan__county", "period": "county"}
    activity = serializers.PrimaryKeyRelatedField(queryset=Activity.objects.all())
    period = serializers.PrimaryKeyRelatedField(queryset=ReportingPeriod.objects.all())

    class Meta:
        model = ActivityProgress
        fields = ["id", "activity", "period", "status", "achieved", "narrative", "updated_at", "version"]
        read_only_fields = ["id", "updated_at", "version"]
        validators: list[object] = []  # the one-per-period rule is the model's, checked by the service


class ProgressUpdateSerializer(ProgressSerializer):
    """A record's activity and period stay. (Declared fields ignore Meta.read_only_fields:
    listing them there left them writable, so a lead institution could move its record
    onto another institution's activity.)"""

    activity = serializers.PrimaryKeyRelatedField(read_only=True)
    period = serializers.PrimaryKeyRelatedField(read_only=True)


class ProgressFilter(django_filters.FilterSet):
    institution = django_filters.NumberFilter(
        field_name="activity__lead_institution", help_text="The activity's lead institution."
    )

    class Meta:
        model = ActivityProgress
        fields = ["period", "institution", "activity", "status"]


class ProgressViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, KratViewSet):
    """What the lead institutions report about the plan's activities, period by period.
    The lead institution's representatives and the secretariat record it."""

    serializer_class = ProgressSerializer
    filterset_class = ProgressFilter
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self):
        queryset = ActivityProgress.objects.select_related("activity__plan__county", "period")
        return self.county_scope(queryset, "activity__plan__county").order_by(
            F("period__start_date").desc(), "pk"
        )

    def retrieve(self, request, *args, **kwargs):
        progress = self.get_object()
        return self.with_etag(progress, self.get_serializer(progress).data)

    @extend_schema(responses={201: ProgressSerializer})
    def create(self, request, *args, **kwargs):
        progress = ActivityProgress()
        apply_input(request, progress, ProgressSerializer, partial=False)
        access.require(can_record_progress(request.user, progress.activity))
        progress = services.progress_save(progress=progress, expected_version=None, user=request.user)
        data = ProgressSerializer(progress).data
        return Response(data, status=status.HTTP_201_CREATED, headers={"ETag": etag_of(progress)})

    def _update(self, request, partial: bool):
        progress = self.get_object()
        access.require(can_record_progress(request.user, progress.activity))
        check_if_match(request, etag_of(progress))
        apply_input(request, progress, ProgressUpdateSerializer, partial=partial)
        progress = services.progress_save(
            progress=progress, expected_version=progress.version, user=request.user
        )
        return self.with_etag(progress, ProgressSerializer(progress).data)

    @versioned_write(ProgressUpdateSerializer, responses=ProgressSerializer)
    def update(self, request, *args, **kwargs):
        return self._update(request, partial=False)

    @versioned_write(ProgressUpdateSerializer, responses=ProgressSerializer)
    def partial_update(self, request, *args, **kwargs):
        return self._update(request, partial=True)


def register(router) -> None:
    router.register("events", extend_schema(tags=["action plan"])(EventViewSet), basename="event")
    router.register("progress", extend_schema(tags=["action plan"])(ProgressViewSet), basename="progress")
