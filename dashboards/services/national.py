"""The public national dashboard: summary figures and every chart of a
release, per filter, rendered to bytes once (published.py)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from dashboards import analytics, charts, display
from dashboards.services import published
from dashboards.services.reading import (
    Filters,
    framework_of,
    published_content,
    region_frame,
    separators,
)
from scoring.models import Release

# Rendered by the worker at publication; any other filter on first use.
COMMON_FILTERS = (
    Filters(),
    *(Filters(cohort_year=year) for year in (2017, 2018, 2019)),
    Filters(kind="kabupaten"),
    Filters(kind="kota"),
)


def part(filters: Filters) -> str:
    return f"dashboard:{filters.key}"


def dashboard_bytes(release: Release, filters: Filters) -> published.Rendered:
    """The dashboard data's bytes (GET /dashboard/data/)."""
    return published.fetch(
        release,
        part(filters),
        lambda: published.as_json(
            dashboard_data(release, filters, published_content(release))
        ),
    )


def dashboard(release: Release, filters: Filters) -> dict[str, Any]:
    """Summary figures and every chart of the national dashboard."""
    return published.json_of(dashboard_bytes(release, filters))


def dashboard_data(
    release: Release,
    filters: Filters,
    content: dict[str, Any],
    registry: pd.DataFrame | None = None,
    framework: Any = None,
) -> dict[str, Any]:
    framework = framework or framework_of(release, content)
    labels, marks = framework.labels, separators()
    registry = region_frame() if registry is None else registry
    scope = {
        "cohort_year": filters.cohort_year,
        "province_code": filters.province_code,
        "kind": filters.kind,
    }
    frame = analytics.filter_frame(analytics.release_frame(content, registry), **scope)
    in_view = analytics.filter_frame(registry, **scope)
    progress = analytics.progress(
        frame,
        bands=content["framework"]["bands"],
        target_band=framework.target_band,
        target=content["progress"]["target"],
        members=in_view,
        scoped=any(value is not None for value in scope.values()),
    )
    progress["province"] = filters.province_code is not None
    map_chart = charts.map_chart(frame, framework.bands, labels, marks)
    if filters.province_code is not None:
        # Zoom to the province: the bounds of all its regions, assessed or not.
        box = analytics.bounds(in_view)
        if box is not None:
            map_chart["figure"]["layout"]["xaxis"]["range"] = box["x"]
            map_chart["figure"]["layout"]["yaxis"]["range"] = box["y"]
    distribution = analytics.band_distribution(
        frame, bands=content["framework"]["bands"]
    )
    return {
        "summary": progress,
        "caveat": display.caveat(content),
        "regions": [
            [code, name]
            for code, name in frame[["region", "name"]].itertuples(index=False)
        ],
        "charts": {
            # The overall bar against the members counted, as the headline.
            "progress": charts.progress_chart(
                {**progress, "target": progress["denominator"]}, labels, marks
            ),
            "map": map_chart,
            "ranking": charts.ranking_chart(frame, framework.bands, labels, marks),
            "heatmap": charts.heatmap_chart(frame, framework.dimensions, labels, marks),
            "bands": charts.band_chart(
                list(distribution.itertuples(index=False, name=None)),
                framework.bands,
                labels,
                marks,
            ),
        },
    }
