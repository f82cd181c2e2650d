"""The table's core over the API: institutions, periods (read) and period submissions
(read; submit)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Prefetch, Q, QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.fields import Field
from rest_framework.request import Request
from rest_framework.response import Response

from krat import access
from krat.api.base import KratViewSet, ScopedRelationsMixin, check_if_match, etag_of, versioned_write
from krat.collation import albanian
from krat.membership import with_member_today
from krat.models import County, Institution, PeriodSubmission, ReportingPeriod, TableMembership, User
from krat.models.submission import SECTIONS
from krat.submissions import selectors as submission_selectors
from krat.submissions import services as submission_services
from krat.submissions.parts import PART_STATES
from krat.submissions.rules import can_edit_submission


class MembershipSerializer(serializers.ModelSerializer):
    class Meta:
        model = TableMembership
        fields = ["start_date", "end_date", "reference", "end_reference"]


class InstitutionSerializer(serializers.ModelSerializer):
    county: serializers.SlugRelatedField[County] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    is_table_member = serializers.BooleanField(
        read_only=True,
        help_text="A member of the Technical Table today, derived from its memberships "
        "(`memberships`: each with `start_date` and `end_date`, null while it lasts).",
    )
    memberships = MembershipSerializer(many=True, read_only=True)

    class Meta:
        model = Institution
        fields = ["id", "county", "name", "kind", "is_table_member", "memberships", "is_active", "version"]


class CountyFilter(django_filters.FilterSet):
    county = django_filters.CharFilter(field_name="county__slug", help_text="The county's slug.")


class InstitutionFilter(CountyFilter):
    class Meta:
        model = Institution
        fields = ["county", "kind", "is_active"]


class InstitutionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, KratViewSet):
    """The institutions of the counties you may read."""

    serializer_class = InstitutionSerializer
    filterset_class = InstitutionFilter

    def get_queryset(self) -> QuerySet[Institution]:
        queryset = (
            with_member_today(Institution.objects.select_related("county"))
            .prefetch_related(
                Prefetch("memberships", queryset=TableMembership.objects.order_by("start_date"))
            )
            .order_by(albanian("county__name"), albanian("name"), "pk")
        )
        return self.county_scope(queryset)


class PeriodSerializer(serializers.ModelSerializer):
    county: serializers.SlugRelatedField[County] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )

    class Meta:
        model = ReportingPeriod
        fields = ["id", "county", "label", "start_date", "end_date", "deadline", "is_closed", "version"]


class PeriodFilter(CountyFilter):
    class Meta:
        model = ReportingPeriod
        fields = ["county", "is_closed"]


class PeriodViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, KratViewSet):
    """The reporting periods of the counties you may read, newest first."""

    serializer_class = PeriodSerializer
    filterset_class = PeriodFilter

    def get_queryset(self) -> QuerySet[ReportingPeriod]:
        queryset = ReportingPeriod.objects.select_related("county").order_by("-start_date", "pk")
        return self.county_scope(queryset)


# --- Period submissions ------------------------------------------------------------------------

SECTION_FIELDS = [name for section in SECTIONS for name in (section, f"{section}_nothing_to_report")]


class SubmissionSerializer(serializers.ModelSerializer):
    class Meta:
        model = PeriodSubmission
        fields = [
            "id",
            "period",
            "institution",
            "state",
            *SECTION_FIELDS,
            "submitted_at",
            "reviewed_at",
            "return_comment",
            "version",
        ]
        read_only_fields = fields


class PartSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="What `nothing_to_report_parts` names it by.")
    title = serializers.CharField()
    state = serializers.ChoiceField(choices=PART_STATES)


class SubmissionDetailSerializer(SubmissionSerializer):
    """A submission with the structured parts that apply to its institution (given in the
    context as `parts`, see `part_states`)."""

    parts = serializers.SerializerMethodField()

    class Meta(SubmissionSerializer.Meta):
        fields = [*SubmissionSerializer.Meta.fields, "parts"]
        read_only_fields = fields

    @extend_schema_field(PartSerializer(many=True))
    def get_parts(self, submission: PeriodSubmission) -> list[dict[str, str]]:
        return list(PartSerializer(self.context["parts"], many=True).data)


def part_states(submission: PeriodSubmission, reader: User) -> list[dict[str, str]]:
    """Each part that applies to the submission's institution: its key, title and state, as
    the report page shows them to `reader` (without the parts that tell of case figures while
    they are not published to them, `krat.access.figures_published`)."""
    row = submission_selectors.submission_board_row(
        period=submission.period,
        institution=submission.institution,
        hide_case_parts=not access.figures_published(reader, submission.period, submission.institution),
    )
    return [
        {"key": status.part.key, "title": str(status.part.title), "state": status.state}
        for status in row.parts
    ]


class SubmitSerializer(serializers.Serializer):
    """The text to submit (sections left out keep their saved text) and the applicable
    parts that have nothing to report (the `parts` of the submission name them)."""

    nothing_to_report_parts = serializers.ListField(
        child=serializers.CharField(max_length=100),
        required=False,
        max_length=50,
        help_text="Keys of the submission's `parts`; a key that does not apply is ignored. "
        "Left out: the marks saved before stay.",
    )

    def get_fields(self) -> dict[str, Field[Any, Any, Any, Any]]:
        fields = super().get_fields()
        for section in SECTIONS:
            fields[section] = serializers.CharField(required=False, allow_blank=True, max_length=20000)
            fields[f"{section}_nothing_to_report"] = serializers.BooleanField(required=False)
        return fields


class OpenSerializer(ScopedRelationsMixin, serializers.Serializer):
    """The period and institution whose submission to open (made “not started” if missing)."""

    scoped_relations = {"period": "county", "institution": "county"}
    period = serializers.PrimaryKeyRelatedField(queryset=ReportingPeriod.objects.all())
    institution = serializers.PrimaryKeyRelatedField(queryset=Institution.objects.all())


class SubmissionFilter(django_filters.FilterSet):
    class Meta:
        model = PeriodSubmission
        fields = ["period", "institution", "state"]


class SubmissionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, KratViewSet):
    """Period submissions: every one to whole-county readers, their institution's to a
    representative. The institution's representatives (and the secretariat) open and submit."""

    http_method_names = ["get", "post", "head", "options"]
    serializer_class = SubmissionSerializer
    filterset_class = SubmissionFilter

    def get_queryset(self) -> QuerySet[PeriodSubmission]:
        user = self.request.user
        if not isinstance(user, User):  # the schema's generation
            return PeriodSubmission.objects.none()
        queryset = PeriodSubmission.objects.select_related("period__county", "institution__county").order_by(
            "-period__start_date", "institution__name", "pk"
        )
        queryset = self.county_scope(queryset, "period__county")
        if user.is_representative:
            queryset = queryset.filter(Q(institution_id=user.institution_id))
        return queryset

    @extend_schema(responses={200: SubmissionDetailSerializer})
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """One submission, with the state of each structured part that applies."""
        return self._detail(self.get_object())

    @extend_schema(request=OpenSerializer, responses={200: SubmissionDetailSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Open the institution's submission for the period, as its report page does
        (a closed period gets no new one)."""
        data = OpenSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        institution = data.validated_data["institution"]
        access.require(can_edit_submission(self.reader, institution))
        submission = submission_services.submission_open(
            period=data.validated_data["period"], institution=institution
        )
        return self._detail(submission)

    @versioned_write(SubmitSerializer, responses=SubmissionDetailSerializer)
    @action(detail=True, methods=["post"], serializer_class=SubmitSerializer)
    def submit(self, request: Request, pk: str | None = None) -> Response:
        """Submit to the secretariat, by the report form's rules: every section filled or
        marked “nothing to report”, every applicable part complete or marked."""
        submission = self.get_object()
        access.require(can_edit_submission(self.reader, submission.institution))
        check_if_match(request, etag_of(submission))
        data = SubmitSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        parts = values.pop("nothing_to_report_parts", None)
        for name, value in values.items():
            setattr(submission, name, value)
        submission = submission_services.submission_submit(
            submission=submission,
            user=self.reader,
            expected_version=submission.version,
            nothing_to_report_parts=parts,
        )
        return self._detail(submission)

    def _detail(self, submission: PeriodSubmission) -> Response:
        serializer = SubmissionDetailSerializer(
            submission, context={"parts": part_states(submission, self.reader)}
        )
        return self.with_etag(submission, serializer.data)
