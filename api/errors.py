"""One JSON error shape for the whole API:

    {"error": {"status": 404, "code": "not_found", "message": "...", "fields": {...}}}

`fields` appears with 400 validation errors (field name -> messages).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    detail = response.data
    error: dict[str, Any] = {"status": response.status_code}
    if isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        error["code"] = codes if isinstance(codes, str) else "invalid"
    if isinstance(detail, dict) and "detail" in detail:
        error["message"] = str(detail["detail"])
    elif isinstance(exc, exceptions.ValidationError):
        error["message"] = "Invalid input."
        error["fields"] = detail
    else:
        error["message"] = str(detail)
    response.data = {"error": error}
    return response
