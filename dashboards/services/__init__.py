"""What the dashboards, scorecards, exports and the API's score lists read: a
published release joined with the region registry, the framework's names in
the active language, and the live review figures for the ministry. Charts are
built by `charts` (plotly) from tables built by `analytics` (pandas).

A release never changes: what the public reads from it is rendered once to
bytes (published.py, the one cache layer for releases), by the worker right
after publication (rendering.py) or on first use.

    reading      the registry frame, releases (content deferred), the content
                 without the answers, framework names, chart labels
    published    pre-rendered bytes: cache keys, one builder at a time, ETag/304
    national     the national dashboard's data
    scorecards   the region scorecards, every region in one pass
    scores       the API's score rows
    rendering    all of a release's parts at once (the worker)
    ministry     the ministry's live review dashboard
    downloads    the CSV/XLSX exports
"""

from dashboards.services.downloads import release_export, reviews_export
from dashboards.services.ministry import ministry
from dashboards.services.national import dashboard, dashboard_bytes, dashboard_data
from dashboards.services.reading import (
    Filters,
    Framework,
    chart_labels,
    framework_of,
    latest_release,
    published_content,
    published_cycles,
    region_frame,
    release_frame,
    releases,
    requested_filters,
    separators,
)
from dashboards.services.rendering import render_release
from dashboards.services.scorecards import (
    RANK_GROUPS,
    SOURCES,
    regions_in,
    scorecard,
    scorecard_bytes,
    scorecard_release,
)
from dashboards.services.scores import cached_rows, flat, score_rows

__all__ = [
    "RANK_GROUPS",
    "SOURCES",
    "Filters",
    "Framework",
    "cached_rows",
    "chart_labels",
    "dashboard",
    "dashboard_bytes",
    "dashboard_data",
    "flat",
    "framework_of",
    "latest_release",
    "ministry",
    "published_content",
    "published_cycles",
    "region_frame",
    "regions_in",
    "release_export",
    "release_frame",
    "releases",
    "render_release",
    "requested_filters",
    "reviews_export",
    "score_rows",
    "scorecard",
    "scorecard_bytes",
    "scorecard_release",
    "separators",
]
