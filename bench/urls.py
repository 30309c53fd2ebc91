"""The app's URLs plus the ceiling for the API benchmark: a bare Django view
returning, from memory, the same bytes as the scores endpoint."""

import os
from functools import cache
from pathlib import Path

from django.http import HttpRequest, HttpResponse
from django.urls import path

from smartcity.urls import urlpatterns as app_urlpatterns


@cache
def body() -> bytes:
    return Path(os.environ["BENCH_BODY"]).read_bytes()


def ceiling(request: HttpRequest) -> HttpResponse:
    return HttpResponse(body(), content_type="application/json")


urlpatterns = [path("bench/ceiling/", ceiling), *app_urlpatterns]
