import contextvars
import logging
import re
import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers


class LanguageMiddleware:
    """Bahasa Indonesia unless the user picked another language with the switch.

    Unlike Django's LocaleMiddleware this ignores the browser's Accept-Language:
    ministry staff often run English-language browsers, yet the system speaks
    Indonesian first. The switch (django.views.i18n.set_language) sets the cookie.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.languages = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in self.languages:
            language = settings.LANGUAGE_CODE
        request.LANGUAGE_CODE = language
        # override, not activate: the thread goes back to its previous language
        # afterwards, so nothing run later in it (a task, a test) inherits this one.
        with translation.override(language):
            response = self.get_response(request)
        patch_vary_headers(response, ["Cookie"])
        response.headers.setdefault("Content-Language", language)
        return response


# Permissions-Policy -----------------------------------------------------------


class PermissionsPolicyMiddleware:
    """Send settings.PERMISSIONS_POLICY (feature -> allow list, `()` = nobody)
    as the Permissions-Policy header of every response: the system never uses
    the camera, microphone, location, payments or USB devices, so no page, nor
    anything framed into one, may ask for them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.header = ", ".join(
            f"{feature}={allow}"
            for feature, allow in getattr(settings, "PERMISSIONS_POLICY", {}).items()
        )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response


# Request ids ------------------------------------------------------------------

REQUEST_ID = contextvars.ContextVar("request_id", default="-")
_VALID_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")


class RequestIdMiddleware:
    """Give every request an id: the proxy's `X-Request-ID` when it sends a
    sane one, else a new one. It is in every log line written while the request
    is handled (RequestIdFilter) and in the response's `X-Request-ID`, so a user
    reporting an error page can quote it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.headers.get("X-Request-ID", "")
        request.id = given if _VALID_ID.fullmatch(given) else uuid.uuid4().hex
        token = REQUEST_ID.set(request.id)
        try:
            response = self.get_response(request)
        finally:
            REQUEST_ID.reset(token)
        response.headers["X-Request-ID"] = request.id
        return response


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = REQUEST_ID.get()
        return True
