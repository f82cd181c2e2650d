"""What every API view shares: the language of messages, the county scope, ETag / If-Match."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, TypeVar, cast

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.db.models import QuerySet
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation.trans_real import parse_accept_lang_header
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.exceptions import NotAuthenticated
from rest_framework.fields import Field
from rest_framework.relations import ManyRelatedField, RelatedField
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from krat import access
from krat.api.errors import PreconditionFailed, PreconditionRequired
from krat.audit import Carried, log_downloads
from krat.models import User
from krat.models.base import Versioned

_M = TypeVar("_M", bound=models.Model)
_F = TypeVar("_F", bound=Callable[..., Any])


def request_language(header: str) -> str:
    """The first of the request's Accept-Language that we speak; Albanian otherwise.

    Pages ignore Accept-Language on purpose (Albanian first, see krat.middleware); a
    system calling the API states its language in the header instead of a cookie.
    """
    supported = dict(settings.LANGUAGES)
    for code, _quality in parse_accept_lang_header(header or ""):
        base = code.split("-")[0].lower()
        if base in supported:
            return base
    return settings.LANGUAGE_CODE


def county_scope(queryset: QuerySet[_M], user: User | AnonymousUser, field: str = "county") -> QuerySet[_M]:
    """Only what the user's county holds (everything for national observers)."""
    if isinstance(user, User) and access.is_national(user):
        return queryset
    county_id = getattr(user, "county_id", None)
    return queryset.filter(**{f"{field}_id": county_id}) if county_id else queryset.none()


if TYPE_CHECKING:  # what the mixin is mixed into
    from krat.http import AuthenticatedHttpRequest

    _Serializer = serializers.Serializer
else:
    _Serializer = object


class ScopedRelationsMixin(_Serializer):
    """A serializer whose related fields offer only records of the user's county:
    `scoped_relations = {"field": "path__to__county"}`. Another county's record is
    answered like one that does not exist."""

    scoped_relations: dict[str, str] = {}

    def get_fields(self) -> dict[str, Field[Any, Any, Any, Any]]:
        fields = super().get_fields()
        request = self.context.get("request")
        if request is None:
            return fields
        for name, path in self.scoped_relations.items():
            field = fields.get(name)
            if field is None or field.read_only:
                continue
            target = field.child_relation if isinstance(field, ManyRelatedField) else field
            if not isinstance(target, RelatedField) or target.queryset is None:
                raise TypeError(f"{type(self).__name__}.{name} offers no records to scope.")
            # A ModelSerializer's own related fields hold the model's manager.
            target.queryset = county_scope(target.queryset.all(), request.user, path)
        return fields


def log_read(request: Request, *, what: str, carried: Iterable[Carried]) -> None:
    """An API read of case figures goes into the download log as an export does (a row
    per period it carried, exact or hidden). A HEAD answers no body, so no figures."""
    if request.method == "GET":
        # DRF's Request passes every attribute through to the signed-in HttpRequest it wraps.
        log_downloads(cast("AuthenticatedHttpRequest", request), what=what, carried=carried)


def etag_of(obj: Versioned) -> str:
    return f'W/"{obj.pk}-{obj.version}"'


def check_if_match(request: Request, current: str) -> None:
    """428 without If-Match, 412 when it names another version than the stored one."""
    header = request.headers.get("If-Match", "").strip()
    if not header or header == "*":
        raise PreconditionRequired
    offered = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    if current.removeprefix("W/") not in offered:
        raise PreconditionFailed


IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=True,
    description=(
        'The ETag header of the version you read, as it came (W/"<id>-<version>"; a grid\'s '
        "names its period, its institution and its versions)."
    ),
)
ETAG_RESPONSES = {
    412: OpenApiResponse(description="Someone saved a newer version since the ETag you sent."),
    428: OpenApiResponse(description="If-Match is missing."),
}


def versioned_write(
    serializer: type[BaseSerializer[Any]],
    *,
    responses: type[BaseSerializer[Any]] | BaseSerializer[Any] | None = None,
) -> Callable[[_F], _F]:
    """The schema of a write guarded by If-Match."""
    return extend_schema(
        parameters=[IF_MATCH],
        request=serializer,
        responses={
            200: responses or serializer,
            400: OpenApiResponse(description="Field errors."),
            **ETAG_RESPONSES,
        },
    )


class KratViewSet(viewsets.GenericViewSet):
    """Activates the request's language, scopes querysets to the user's counties."""

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        translation.activate(request_language(request.headers.get("Accept-Language", "")))
        request.LANGUAGE_CODE = translation.get_language()
        super().initial(request, *args, **kwargs)

    def finalize_response(self, request: Request, response: Response, *args: Any, **kwargs: Any) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Content-Language"] = translation.get_language()
        patch_vary_headers(response, ["Accept-Language"])
        return response

    def county_scope(self, queryset: QuerySet[_M], field: str = "county") -> QuerySet[_M]:
        return county_scope(queryset, self.request.user, field)

    @property
    def reader(self) -> User:
        """The signed-in user: every API view requires one (`IsAuthenticated`, the default
        permission), so an anonymous request never reaches a view's body."""
        user = self.request.user
        if not isinstance(user, User):
            raise NotAuthenticated
        return user

    def with_etag(self, obj: Versioned, data: Any) -> Response:
        return Response(data, headers={"ETag": etag_of(obj)})


def apply_input(
    request: Request, instance: models.Model, serializer_class: type[BaseSerializer[Any]], *, partial: bool
) -> dict[str, Any]:
    """Validate the request's fields with `serializer_class` and set them on `instance`
    (unsaved: the app's service validates the record as a whole and saves it)."""
    serializer = serializer_class(instance, data=request.data, partial=partial, context={"request": request})
    serializer.is_valid(raise_exception=True)
    validated: dict[str, Any] = serializer.validated_data
    many_to_many = getattr(getattr(serializer_class, "Meta", None), "many_to_many", ())
    for name, value in validated.items():
        if name not in many_to_many:
            setattr(instance, name, value)
    return validated
