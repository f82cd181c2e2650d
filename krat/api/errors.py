"""Errors are JSON: `{"detail": "..."}`, or `{"field": ["message", ...]}` for validation,
in the language the request asked for (`krat.api.base`)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.response import Response
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


class NotJson(exceptions.ParseError):
    default_detail = _("The request body is not valid JSON.")
    default_code = "parse_error"


class CsrfFailed(exceptions.PermissionDenied):
    default_detail = _(
        "The security check of this browser session failed (a missing or old CSRF token). "
        "Reload the page, or call the API with a personal token instead."
    )
    default_code = "csrf_failed"


def in_our_words(exc: Exception) -> Exception:
    """An error whose message DRF or Django wrote in English (Python's JSON error, "No
    Decision matches the given query.", "CSRF Failed: …") as one of ours, in the request's
    language; any other error as it is (DRF's own messages are in our catalogue)."""
    if isinstance(exc, DjangoValidationError):
        return as_api_error(exc)
    if isinstance(exc, Http404):
        return exceptions.NotFound()
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied()
    detail = str(getattr(exc, "detail", ""))
    if isinstance(exc, exceptions.ParseError) and detail.startswith("JSON parse error"):
        return NotJson()
    if isinstance(exc, exceptions.PermissionDenied) and detail.startswith("CSRF Failed"):
        return CsrfFailed()
    return exc


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    return drf_exception_handler(in_our_words(exc), context)
