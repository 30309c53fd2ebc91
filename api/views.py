"""REST API v1, public reads. Only published releases appear here; a release
never changes, so its responses carry a strong ETag and long cache headers."""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import django_filters
from django.core.cache import cache as django_cache
from django.db.models import Count, Prefetch
from django.db.models.fields.json import KeyTransform
from django.http import Http404, HttpResponse
from django.utils.translation import get_language
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import filters, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from api import serializers
from api.cycles import cycle_filterset, cycle_parameter, cycle_q
from api.pagination import Pages
from api.renderers import CSVRenderer
from assessments.models import (
    Cycle,
    Dimension,
    FrameworkVersion,
    Indicator,
    ReadinessElement,
    RubricLevel,
)
from dashboards import display
from regions.models import ProgramMembership, Region
from scoring.models import Release

RELEASE_CACHE = "public, max-age=31536000, immutable"
LATEST_CACHE = "public, max-age=60"


class RegionFilter(django_filters.FilterSet):
    province = django_filters.CharFilter(field_name="province_id")
    kind = django_filters.ChoiceFilter(choices=Region.Kind.choices)
    cohort = django_filters.NumberFilter(method="in_cohort", label="cohort year")

    class Meta:
        model = Region
        fields = ["province", "kind", "cohort"]

    def in_cohort(self, queryset, name: str, value: int):
        return queryset.in_cohort(int(value))


class RegionViewSet(viewsets.ReadOnlyModelViewSet):
    """The 514 kabupaten/kota, with province, location and cohort years."""

    serializer_class = serializers.RegionSerializer
    lookup_field = "code"
    lookup_value_regex = r"\d{2}\.\d{2}"
    filterset_class = RegionFilter
    filter_backends = [
        django_filters.rest_framework.DjangoFilterBackend,
        filters.SearchFilter,
        filters.OrderingFilter,
    ]
    search_fields = ["name", "capital"]
    ordering_fields = ["code", "name", "population"]
    ordering = ["code"]

    def get_queryset(self):
        return Region.objects.select_related("province").prefetch_related(
            Prefetch(
                "memberships",
                queryset=ProgramMembership.objects.only(
                    "region_id", "year", "status", "confirmed"
                ),
            )
        )


class CycleViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.CycleSerializer
    queryset = (
        Cycle.objects.select_related("framework")
        .annotate(region_count=Count("regions"))
        .order_by("-year", "-submissions_open")
    )


class FrameworkViewSet(viewsets.ReadOnlyModelViewSet):
    """Framework versions; one in full: weights, bands, dimensions, readiness
    elements and indicators with their five-level rubric."""

    queryset = FrameworkVersion.objects.order_by("code")

    def get_serializer_class(self):
        if self.action == "retrieve":
            return serializers.FrameworkDetailSerializer
        return serializers.FrameworkSerializer

    def get_queryset(self):
        if self.action != "retrieve":
            return super().get_queryset()
        return (
            super()
            .get_queryset()
            .prefetch_related(
                "bands",
                Prefetch(
                    "dimensions",
                    queryset=Dimension.objects.prefetch_related("sub_dimensions"),
                ),
                Prefetch(
                    "readiness_elements",
                    queryset=ReadinessElement.objects.prefetch_related("sub_elements"),
                ),
                Prefetch(
                    "indicators",
                    queryset=Indicator.objects.select_related(
                        "sub_dimension", "readiness"
                    ).prefetch_related(
                        Prefetch(
                            "rubric", queryset=RubricLevel.objects.order_by("level")
                        )
                    ),
                ),
            )
        )


# Scores from releases -------------------------------------------------------


def score_rows(release: Release, *, with_levels: bool = False) -> list[dict[str, Any]]:
    """The release's regions as API rows, best rank first."""
    names = dict(
        Region.objects.filter(
            code__in=[r["region"] for r in release.content["regions"]]
        ).values_list("code", "name")
    )
    content = release.content
    low_agreement = display.low_agreement(content)
    caveat = display.caveat(content)
    rows = []
    for region in content["regions"]:
        shown = display.entry(region, content)
        row = {
            "region": region["region"],
            "name": names.get(region["region"], ""),
            "index": region["index"],
            "band": region["band"],
            "coverage": region["coverage"],
            "complete": region["complete"],
            "blueprint": region["blueprint"],
            "practice": region["practice"],
            "aggregates": region["details"],
            "size_class": region["size_class"],
            **region["ranks"],
            "rank_low": region["rank_interval"][0],
            "rank_high": region["rank_interval"][1],
            "ranked": shown["ranked"],
            "unranked_reason": shown["unranked_reason"],
            "n_reviews": shown["n_reviews"],
            "min_reviews": shown["min_reviews"],
            "tie_low": shown["tie"][0],
            "tie_high": shown["tie"][1],
            "index_low": shown["index_interval"][0],
            "index_high": shown["index_interval"][1],
            "index_adjusted": shown["index_adjusted"],
            "rank_adjusted": shown["rank_adjusted"],
            "rank_change": shown["rank_change"],
            "uncertainty": shown["uncertainty"],
            "low_agreement": low_agreement,
            "caveat": caveat,
        }
        if with_levels:
            row["levels"] = region["levels"]
        rows.append(row)
    return sorted(
        rows,
        key=lambda r: display.sort_key(r, r["rank_national"], r["region"]),
    )


def flat(row: dict[str, Any]) -> dict[str, Any]:
    """A CSV row: the aggregates as their own columns."""
    out = {
        k: v for k, v in row.items() if k not in ("aggregates", "levels", "uncertainty")
    }
    out.update(row.get("aggregates", {}))
    return out


def etag_for(release: Release, request: Request) -> str:
    """Strong: the release's checksum and the exact representation asked for."""
    key = (
        f"{release.checksum}|{request.get_full_path()}"
        f"|{request.accepted_renderer.format}|{get_language()}"
    )
    return '"' + hashlib.sha256(key.encode()).hexdigest()[:32] + '"'


class Recent:
    """A few rendered releases kept in this process, in front of the shared
    cache: safe, since a release never changes."""

    def __init__(self, size: int = 16) -> None:
        self.size, self.items = size, OrderedDict()
        self.lock = threading.Lock()  # gunicorn's threads share it

    def get(self, key: str) -> tuple[str, bytes] | None:
        with self.lock:
            body = self.items.get(key)
            if body is not None:
                self.items.move_to_end(key)
            return body

    def put(self, key: str, body: tuple[str, bytes]) -> None:
        with self.lock:
            self.items[key] = body
            self.items.move_to_end(key)
            while len(self.items) > self.size:
                self.items.popitem(last=False)


RENDERED = Recent()


def cached(
    request: Request, find: Callable[[], Release], build, *, cache: str, pk: str = ""
) -> HttpResponse:
    """304 when the client has this representation; else its bytes, rendered
    once and kept in this process and in the shared cache (a release never
    changes, so neither do they). With the release's `pk` known, a cached
    representation is served without touching the database."""
    renderer = request.accepted_renderer
    # The language too: the caveat text follows the language switch.
    here = f"{request.get_full_path()}|{renderer.format}|{get_language()}"
    key = f"api:release:{pk}:{hashlib.sha256(here.encode()).hexdigest()}" if pk else ""
    found = (RENDERED.get(key) or django_cache.get(key)) if key else None
    if found is None:
        release = find()
        tag = etag_for(release, request)
        key = key or f"api:release:{tag.strip(chr(34))}"
        found = RENDERED.get(key) or django_cache.get(key)
        if found is None:
            body = renderer.render(
                build(release), renderer.media_type, {"request": request}
            )
            found = (tag, body)
            django_cache.set(key, found, timeout=60 * 60 * 24)
    RENDERED.put(key, found)
    tag, body = found
    if tag in request.headers.get("If-None-Match", ""):
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(
            body,
            content_type=f"{renderer.media_type}; charset={renderer.charset or 'utf-8'}",
        )
    response["ETag"] = tag
    response["Cache-Control"] = cache
    return response


def scores_response(
    view, request: Request, find: Callable[[], Release], *, cache: str, pk: str = ""
) -> HttpResponse:
    def build(release: Release) -> Any:
        rows = score_rows(release)
        band = request.query_params.get("band")
        if band:
            rows = [r for r in rows if r["band"] == band]
        if request.accepted_renderer.format == "csv":
            return [flat(r) for r in rows]
        return view.get_paginated_response(view.paginate_queryset(rows)).data

    return cached(request, find, build, cache=cache, pk=pk)


BAND = OpenApiParameter("band", OpenApiTypes.STR, description="Only this band code.")


class ReleaseViewSet(viewsets.ReadOnlyModelViewSet):
    """Published releases, latest first; their scores per region."""

    serializer_class = serializers.ReleaseSerializer
    lookup_value_regex = r"\d+"
    renderer_classes = [JSONRenderer, CSVRenderer]
    pagination_class = Pages
    filter_backends = [django_filters.rest_framework.DjangoFilterBackend]
    filterset_class = cycle_filterset(Release, "kind")

    def get_queryset(self):
        # The content can be large: the list takes only its progress.
        return (
            Release.objects.select_related("cycle")
            .defer("content")
            .annotate(progress=KeyTransform("progress", "content"))
            .order_by("-published_at", "-pk")
        )

    @extend_schema(responses=serializers.ScoreSerializer(many=True), parameters=[BAND])
    @action(detail=True, methods=["get"], url_path="scores")
    def scores(
        self, request: Request, pk: str | None = None, format: str | None = None
    ) -> Response:
        return scores_response(
            self, request, lambda: self._release(pk), cache=RELEASE_CACHE, pk=pk
        )

    def _release(self, pk: str | None) -> Release:
        return get_object_or_404(Release.objects.defer("content"), pk=pk)

    @extend_schema(responses=serializers.ScoreDetailSerializer)
    @action(detail=True, methods=["get"], url_path=r"scores/(?P<code>\d{2}\.\d{2})")
    def region_score(
        self,
        request: Request,
        pk: str | None = None,
        code: str = "",
        format: str | None = None,
    ) -> Response:
        def build(release: Release) -> Any:
            for row in score_rows(release, with_levels=True):
                if row["region"] == code:
                    return row
            raise Http404

        return cached(
            request, lambda: self._release(pk), build, cache=RELEASE_CACHE, pk=pk
        )


class ScoresViewSet(viewsets.GenericViewSet):
    """`scores/?cycle=2017`: the scores of the cycle's latest published release."""

    renderer_classes = [JSONRenderer, CSVRenderer]
    pagination_class = Pages
    serializer_class = serializers.ScoreSerializer
    queryset = Release.objects.none()

    @extend_schema(
        responses=serializers.ScoreSerializer(many=True),
        parameters=[
            cycle_parameter(required=True),
            BAND,
        ],
    )
    def list(self, request: Request, format: str | None = None) -> Response:
        release = (
            Release.objects.defer("content")
            .filter(cycle_q(request.query_params.get("cycle", "")))
            .order_by("-published_at", "-pk")
            .first()
        )
        if release is None:
            raise Http404
        return scores_response(self, request, lambda: release, cache=LATEST_CACHE)
