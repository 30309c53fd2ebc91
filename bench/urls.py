"""The app's URLs plus the ceilings for the published-data benchmark: a bare
Django view returning, from memory, the same bytes as the endpoint measured
(scores, dashboard or scorecard data)."""

import os
from functools import cache
from pathlib import Path

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import path

from smartcity.urls import urlpatterns as app_urlpatterns

BODIES = ("scores", "dashboard", "scorecard")


@cache
def body(name: str) -> bytes:
    return (Path(os.environ["BENCH_BODIES"]) / f"{name}.body").read_bytes()


def ceiling(request: HttpRequest, name: str) -> HttpResponse:
    if name not in BODIES:
        raise Http404
    return HttpResponse(body(name), content_type="application/json")


urlpatterns = [path("bench/ceiling/<str:name>/", ceiling), *app_urlpatterns]
