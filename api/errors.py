"""One JSON error shape for the whole API:

    {"error": {"status": 404, "code": "not_found", "message": "...", "fields": {...}}}

`fields` appears with 400 validation errors (field name -> messages). Messages
follow the request's language (Bahasa Indonesia by default). An unexpected
exception in an API view answers this shape with status 500 (and is logged),
and an unknown path under /api/ answers it with 404 (`not_found` below).
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

logger = logging.getLogger("api.errors")


def error_body(status: int, code: str, message: str) -> dict[str, Any]:
    return {"error": {"status": status, "code": code, "message": message}}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, exceptions.PermissionDenied) and str(exc.detail).startswith(
        "CSRF Failed"
    ):  # DRF's session check words this in English only
        exc = exceptions.PermissionDenied(
            _(
                "The CSRF check failed: reload the page and try again, "
                "or use an API token."
            ),
            code="csrf_failed",
        )
    response = drf_exception_handler(exc, context)
    if response is None:
        request = context.get("request")
        logger.exception(
            "Unexpected error in %s", getattr(request, "path", "?"), exc_info=exc
        )
        return Response(
            error_body(
                500,
                "server_error",
                _("Something went wrong on the server. Please try again later."),
            ),
            status=500,
        )
    detail = response.data
    error: dict[str, Any] = {"status": response.status_code}
    if isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        error["code"] = codes if isinstance(codes, str) else "invalid"
    if isinstance(detail, dict) and "detail" in detail:
        error["message"] = str(detail["detail"])
    elif isinstance(exc, exceptions.ValidationError):
        error["message"] = _("Invalid input.")
        error["fields"] = detail
    else:
        error["message"] = str(detail)
    response.data = {"error": error}
    return response


def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """Any path under /api/ that no route matches: the JSON 404, not a page."""
    return JsonResponse(
        error_body(404, "not_found", str(exceptions.NotFound.default_detail)),
        status=404,
    )
