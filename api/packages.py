"""GET /api/v1/releases/<id>/package.zip: a release as a Frictionless Data
Package (scoring/package.py), public like the other release endpoints."""

from __future__ import annotations

import hashlib

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from api.errors import error_body
from api.views import RELEASE_CACHE
from scoring import package
from scoring.models import Release


@require_GET
def release_package(request: HttpRequest, pk: str) -> HttpResponse:
    release = (
        Release.objects.filter(pk=int(pk)).first()
        if pk.isdigit() and len(pk) < 19
        else None
    )
    if release is None:
        return JsonResponse(
            error_body(404, "not_found", _("There is no release with this id.")),
            status=404,
        )
    tag = (
        '"'
        + hashlib.sha256(f"{release.checksum}|package".encode()).hexdigest()[:32]
        + '"'
    )
    if tag in request.headers.get("If-None-Match", ""):
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(
            package.package_bytes(release), content_type="application/zip"
        )
        response["Content-Disposition"] = (
            f'attachment; filename="release-{release.pk}-package.zip"'
        )
    response["ETag"] = tag
    response["Cache-Control"] = RELEASE_CACHE
    return response
