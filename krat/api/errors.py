"""Errors are JSON: `{"detail": "..."}`, or `{"field": ["message", ...]}` for validation,
in the language the request asked for (`krat.api.base`)."""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from krat.concurrency import MissingVersionError, StaleEditError


class PreconditionRequired(exceptions.APIException):
    status_code = 428
    default_detail = _(
        "Send the ETag you last read in an If-Match header, so that a newer version is not overwritten."
    )
    default_code = "precondition_required"


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = _("Someone else saved this record since you read it. Read it again, then retry.")
    default_code = "precondition_failed"


def field_errors(error: DjangoValidationError) -> dict[str, list[str]]:
    """A Django ValidationError as {field: [messages]}; errors without a field go under
    `non_field_errors` (DRF's key)."""
    if hasattr(error, "error_dict"):
        result: dict[str, list[str]] = {}
        for field, errors in error.message_dict.items():
            key = api_settings.NON_FIELD_ERRORS_KEY if field == NON_FIELD_ERRORS else field
            result.setdefault(key, []).extend(errors)
        return result
    return {api_settings.NON_FIELD_ERRORS_KEY: list(error.messages)}


def as_api_error(error: DjangoValidationError) -> exceptions.APIException:
    if isinstance(error, StaleEditError):
        return PreconditionFailed(" ".join(error.messages))
    if isinstance(error, MissingVersionError):
        return PreconditionRequired()
    return exceptions.ValidationError(field_errors(error))


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = as_api_error(exc)
    return drf_exception_handler(exc, context)
