"""REST API v1, public reads. Only published releases appear here; a release
never changes, so its responses carry a strong ETag and long cache headers."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

import django_filters
from django.db.models import Count, Prefetch
from django.db.models.fields.json import KeyTransform
from django.http import Http404, HttpResponse
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
from dashboards import services as dashboard_services
from dashboards.services import published
from regions.models import ProgramMembership, Region
from scoring.models import Release

RELEASE_CACHE = published.RELEASE_CACHE
LATEST_CACHE = published.LATEST_CACHE
# Kept for importers: the rows now live with the other published parts.
score_rows = dashboard_services.score_rows
flat = dashboard_services.flat


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

# What a score list's bytes depend on besides the release and the language
# (the pagination links also name the host); other parameters are ignored, so
# that junk in a query string cannot fill the cache.
REPRESENTATION = ("page", "page_size", "band", "format", "cycle")


def representation(request: Request) -> str:
    """The part name of the representation asked for (published.py)."""
    params = "&".join(
        f"{name}={request.query_params.get(name, '')}" for name in REPRESENTATION
    )
    here = f"{request.get_host()}|{request.path}|{params}"
    here += f"|{request.accepted_renderer.format}"
    return "api:" + hashlib.sha256(here.encode()).hexdigest()[:32]


def cached(
    request: Request, release: Release, build: Callable[[], Any], *, cache: str
) -> HttpResponse:
    """304 when the client has this representation; else its bytes, rendered
    once per release, language and representation (published.py), from the
    release's score rows, themselves rendered once."""
    renderer = request.accepted_renderer

    def render() -> published.Rendered:
        body = renderer.render(build(), renderer.media_type, {"request": request})
        charset = renderer.charset or "utf-8"
        return published.rendered(body, f"{renderer.media_type}; charset={charset}")

    found = published.fetch(release, representation(request), render)
    return published.respond(request, found, cache)


def scores_response(
    view, request: Request, release: Release, *, cache: str
) -> HttpResponse:
    def build() -> Any:
        rows = [
            {k: v for k, v in row.items() if k != "levels"}
            for row in dashboard_services.cached_rows(release)
        ]
        band = request.query_params.get("band")
        if band:
            rows = [r for r in rows if r["band"] == band]
        if request.accepted_renderer.format == "csv":
            return [dashboard_services.flat(r) for r in rows]
        return view.get_paginated_response(view.paginate_queryset(rows)).data

    return cached(request, release, build, cache=cache)


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
        return scores_response(self, request, self._release(pk), cache=RELEASE_CACHE)

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
        release = self._release(pk)

        def build() -> Any:
            for row in dashboard_services.cached_rows(release):
                if row["region"] == code:
                    return row
            raise Http404

        return cached(request, release, build, cache=RELEASE_CACHE)


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
        return scores_response(self, request, release, cache=LATEST_CACHE)
