"""The 500 page, with the request id a user can quote to the help desk."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponseServerError
from django.template import loader


def server_error(request: HttpRequest) -> HttpResponseServerError:
    template = loader.get_template("500.html")
    body = template.render({"request_id": getattr(request, "id", "")})
    return HttpResponseServerError(body)
