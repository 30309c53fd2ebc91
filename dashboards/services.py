"""What the dashboards and exports read: a published release joined with the
region registry, the framework's names in the active language, and the live
review figures for the ministry. Charts are built by `charts` (plotly) from
tables built by `analytics` (pandas); this module only fetches and caches.

A release never changes, so everything built from one is cached by release,
filters and language (for a day, so that a renamed region shows up again).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
from django.core.cache import cache
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from assessments.models import Band, Cycle, FrameworkVersion
from dashboards import analytics, charts, display, exports
from regions import selectors
from regions.models import Region
from reviews.models import Answer, Appeal, Review
from reviews.services import answered_counts
from scoring.models import Release, ScoreRun

CACHE_SECONDS = 60 * 60 * 24
CACHE_VERSION = 3  # 3: status, ties and caveat (issue 14); 2: progress counts members


@dataclass(frozen=True)
class Filters:
    cohort_year: int | None = None
    province_code: str | None = None
    kind: str | None = None

    @property
    def key(self) -> str:
        return f"{self.cohort_year}:{self.province_code}:{self.kind}"


# Reading ----------------------------------------------------------------------


def region_frame() -> pd.DataFrame:
    """The registry as `analytics` expects it: two queries for every region.
    cohort_year is the earliest membership that counts, cohort_confirmed
    whether every membership of the region that counts is confirmed."""
    cohorts = selectors.region_cohorts()
    rows = Region.objects.values_list(
        "code",
        "name",
        "kind",
        "province_id",
        "province__name",
        "latitude",
        "longitude",
    )
    frame = pd.DataFrame(
        list(rows),
        columns=[
            "region",
            "name",
            "kind",
            "province_code",
            "province_name",
            "latitude",
            "longitude",
        ],
    )
    found = [cohorts.get(code) for code in frame["region"]]
    frame["cohort_year"] = pd.array(
        [None if c is None else c.year for c in found], dtype="Int64"
    )
    frame["cohort_confirmed"] = pd.array(
        [None if c is None else c.confirmed for c in found], dtype="boolean"
    )
    frame["cohort_years"] = pd.Series(
        [() if c is None else c.years for c in found], dtype=object
    )
    for column in ("latitude", "longitude"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("float64")
    return frame


def published_cycles() -> list[Cycle]:
    return list(
        Cycle.objects.filter(releases__isnull=False).distinct().order_by("-year")
    )


def latest_release(cycle: Cycle | None = None) -> Release | None:
    """The latest release of the cycle, or of the most recent published cycle."""
    releases = Release.objects.select_related("cycle")
    if cycle is not None:
        releases = releases.filter(cycle=cycle)
    return releases.order_by("-cycle__year", "-published_at", "-number").first()


@dataclass(frozen=True)
class Framework:
    """Codes and names (in the active language) a release's charts need."""

    dimensions: list[str]
    elements: list[str]
    bands: list[str]
    target_band: str
    labels: dict[str, str]


def framework_of(release: Release) -> Framework:
    framework = (
        FrameworkVersion.objects.prefetch_related(
            "dimensions", "readiness_elements", "bands"
        )
        .filter(code=release.framework_code)
        .first()
    )
    content = release.content["framework"]
    bands = analytics.band_order(content["bands"])
    labels = chart_labels()
    dimensions: list[str] = []
    elements: list[str] = []
    if framework is not None:
        for dimension in framework.dimensions.all():
            dimensions.append(dimension.code)
            labels[f"dimension:{dimension.code}"] = dimension.name
        for element in framework.readiness_elements.all():
            elements.append(element.code)
            labels[f"element:{element.code}"] = element.name
        for band in framework.bands.all():
            labels[f"band:{band.code}"] = band.name
    return Framework(
        dimensions=dimensions,
        elements=elements,
        bands=bands,
        target_band=content["target_band"],
        labels=labels,
    )


def chart_labels() -> dict[str, str]:
    """Titles, series, axes and table headers of every chart (the keys of
    `charts.LABEL_KEYS`), in the active language."""
    return {
        "title:progress": _("Regions at the target band"),
        "title:ranking": _("Readiness index by region"),
        "title:heatmap": _("Scores by dimension"),
        "title:bands": _("Regions by band"),
        "title:map": _("Where the assessed regions are"),
        "title:radar": _("The six dimensions"),
        "title:parts": _("Blueprint and Practice"),
        "title:elements": _("Readiness elements"),
        "title:history": _("Index across releases"),
        "title:reviewers": _("Review progress per reviewer"),
        "title:hotspots": _("Disagreements"),
        "progress:overall": _("All regions"),
        "cohort:none": _("No cohort"),
        "band:none": _("Not banded (incomplete)"),
        "status:incomplete": _("Incomplete"),
        "status:tied": _("tied"),
        "status:few_reviews": _("Not ranked: too few reviews"),
        "series:region": _("This region"),
        "series:national_median": _("National median"),
        "series:cohort_median": _("Cohort median"),
        "part:blueprint": _("Blueprint"),
        "part:practice": _("Practice"),
        "kind:provisional": _("Provisional"),
        "kind:final": _("Final"),
        "col:region": _("Region"),
        "col:province": _("Province"),
        "col:index": _("Index"),
        "col:band": _("Band"),
        "col:rank": _("Rank"),
        "col:point_rank": _("point rank"),
        "col:status": _("Status"),
        "col:cohort": _("Cohort"),
        "col:assessed": _("Assessed"),
        "col:reached": _("Reached the target band"),
        "col:target": _("Target"),
        "col:regions": _("Regions"),
        "col:latitude": _("Latitude"),
        "col:longitude": _("Longitude"),
        "col:dimension": _("Dimension"),
        "col:element": _("Element"),
        "col:part": _("Part"),
        "col:score": _("Score"),
        "col:cycle": _("Cycle"),
        "col:release": _("Release"),
        "col:kind": _("Kind"),
        "col:published": _("Published at"),
        "col:reviewer": _("Reviewer"),
        "col:assigned": _("Assigned"),
        "col:submitted": _("Submitted"),
        "col:remaining": _("Remaining"),
        "col:answered_share": _("Share answered"),
        "col:overdue": _("Overdue"),
        "col:disagreements": _("Disagreements"),
        "col:indicator": _("Indicator"),
    }


def separators() -> str:
    """plotly's decimal and thousands marks for the active language."""
    return ".," if get_language() == "en" else ",."


def _cached(key: str, build) -> Any:
    key = f"dash:v{CACHE_VERSION}:{get_language()}:{key}"
    found = cache.get(key)
    if found is None:
        found = build()
        cache.set(key, found, timeout=CACHE_SECONDS)
    return found


def release_frame(release: Release) -> pd.DataFrame:
    return analytics.release_frame(release.content, region_frame())


# The public dashboard ---------------------------------------------------------


def dashboard(release: Release, filters: Filters) -> dict[str, Any]:
    """Summary figures and every chart of the national dashboard."""
    return _cached(
        f"dashboard:{release.pk}:{release.checksum}:{filters.key}",
        lambda: _dashboard(release, filters),
    )


def _dashboard(release: Release, filters: Filters) -> dict[str, Any]:
    framework = framework_of(release)
    labels, marks = framework.labels, separators()
    registry = region_frame()
    scope = {
        "cohort_year": filters.cohort_year,
        "province_code": filters.province_code,
        "kind": filters.kind,
    }
    frame = analytics.filter_frame(
        analytics.release_frame(release.content, registry), **scope
    )
    in_view = analytics.filter_frame(registry, **scope)
    progress = analytics.progress(
        frame,
        bands=release.content["framework"]["bands"],
        target_band=framework.target_band,
        target=release.content["progress"]["target"],
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
        frame, bands=release.content["framework"]["bands"]
    )
    return {
        "summary": progress,
        "caveat": display.caveat(release.content),
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


# The region scorecard ---------------------------------------------------------


def regions_in(release: Release) -> frozenset[str]:
    """The codes of the regions a release assessed (its content is read once)."""
    return _cached(
        f"regions:{release.pk}:{release.checksum}",
        lambda: frozenset(row["region"] for row in release.content["regions"]),
    )


def scorecard_release(region: Region, cycle_id: int | None = None) -> Release | None:
    """The latest release (of the cycle, if given) that assessed the region."""
    releases = Release.objects.select_related("cycle").defer("content")
    if cycle_id is not None:
        releases = releases.filter(cycle_id=cycle_id)
    for release in releases.order_by("-cycle__year", "-published_at", "-number"):
        if region.pk in regions_in(release):
            return release
    return None


def scorecard(region: Region, release: Release) -> dict[str, Any]:
    return _cached(
        f"scorecard:{release.pk}:{release.checksum}:{region.pk}",
        lambda: _scorecard(region, release),
    )


def _scorecard(region: Region, release: Release) -> dict[str, Any]:
    framework = framework_of(release)
    labels, marks = framework.labels, separators()
    frame = release_frame(release)
    card = analytics.scorecard(
        frame,
        region.pk,
        dimensions=framework.dimensions,
        elements=framework.elements,
    )
    national = analytics.medians(frame, ["blueprint", "practice"])
    history = analytics.history(_history_entries(region), region.pk)
    entry = next(
        (row for row in release.content["regions"] if row["region"] == region.pk),
        {},
    )
    status = display.labels(entry, release.content)
    return {
        "card": card,
        "status": {
            key: status[key]
            for key in (
                "ranked",
                "unranked_reason",
                "tied",
                "status_label",
                "rank_label",
                "point_label",
                "index_label",
                "adjusted_label",
                "rank_change",
            )
        },
        "caveat": display.caveat(release.content),
        # Releases of the new method say how their intervals were drawn.
        "whole_reviews": "method" in release.content,
        "rank_labels": [
            {
                "group": rank["group"],
                "tie": display.rank_label(
                    {
                        "ranked": rank["rank"] is not None,
                        "tie": rank["tie"],
                        "tied": rank["tie"][0] is not None
                        and rank["tie"][0] != rank["tie"][1],
                    },
                    rank["rank"],
                ),
                "range": display.range_label(rank["interval"]),
            }
            for rank in card["ranks"]
        ],
        "band_name": labels.get(f"band:{card['band']}", card["band"]),
        "history": history,
        "indicators": indicator_rows(region, release),
        "charts": {
            "radar": charts.radar_chart(card["dimensions"], labels, marks),
            "parts": charts.parts_chart(
                card["blueprint"], card["practice"], labels, marks, national=national
            ),
            "elements": charts.elements_chart(card["elements"], labels, marks),
            "history": charts.history_chart(history, labels, marks),
        },
    }


def _history_entries(region: Region) -> list[dict[str, Any]]:
    """Every published release that assessed the region, oldest first."""
    entries = []
    for release in Release.objects.select_related("cycle").order_by(
        "cycle__year", "number"
    ):
        entries.append(
            {
                "cycle": release.cycle.name,
                "year": release.cycle.year,
                "number": release.number,
                "kind": release.kind,
                "published_at": release.published_at.isoformat(),
                "content": release.content,
            }
        )
    return entries


SOURCES = {
    "median": gettext_lazy("Median of the reviewers"),
    "consensus": gettext_lazy("Consensus"),
    "appeal": gettext_lazy("Appeal upheld"),
}
RANK_GROUPS = {
    "national": gettext_lazy("Nationally"),
    "kind": gettext_lazy("Among the same kind (kabupaten or kota)"),
    "province": gettext_lazy("Within the province"),
    "cohort": gettext_lazy("Within the cohort year"),
    "size": gettext_lazy("Among regions of the same size class"),
}


def indicator_rows(region: Region, release: Release) -> list[dict[str, Any]]:
    """The scorecard's indicator table: the release's level and where it came
    from; the reviewers' comments (unnamed) only once the release is final."""
    levels = next(
        (
            row["levels"]
            for row in release.content["regions"]
            if row["region"] == region.pk
        ),
        {},
    )
    framework = FrameworkVersion.objects.filter(code=release.framework_code).first()
    indicators = (
        list(framework.indicators.order_by("order")) if framework is not None else []
    )
    comments: dict[int, list[str]] = {}
    if release.kind == Release.Kind.FINAL:
        answers = (
            Answer.objects.filter(
                review__cycle_id=release.cycle_id,
                review__region=region,
                review__status=Review.Status.SUBMITTED,
            )
            .exclude(comment="")
            .order_by("review__reviewer_id", "indicator__order")
            .values_list("indicator_id", "comment")
        )
        for indicator_id, comment in answers:
            comments.setdefault(indicator_id, []).append(comment)
    return [
        {
            "code": indicator.code,
            "name": indicator.name,
            "part": indicator.get_part_display(),
            "level": levels.get(indicator.code, {}).get("level"),
            "source": levels.get(indicator.code, {}).get("source", ""),
            "source_label": SOURCES.get(
                levels.get(indicator.code, {}).get("source", ""), ""
            ),
            "comments": comments.get(indicator.pk, []),
        }
        for indicator in indicators
    ]


# The ministry dashboard -------------------------------------------------------


def ministry(cycle: Cycle) -> dict[str, Any]:
    """Live review figures of a cycle (not cached: reviews move every minute)."""
    labels, marks = chart_labels(), separators()
    now = timezone.now()
    indicators = cycle.framework.indicators.count()
    reviews = list(
        Review.objects.filter(cycle=cycle)
        .values_list("pk", "reviewer__username", "region_id", "status")
        .order_by("reviewer__username", "region_id")
    )
    answered = answered_counts([pk for pk, *_rest in reviews])
    overdue_now = now >= cycle.reviews_close
    assignments = pd.DataFrame(
        [
            {
                "reviewer": username,
                "region": region,
                "status": "submitted" if status == Review.Status.SUBMITTED else "draft",
                "answered": answered.get(pk, 0),
                "indicators": indicators,
                "overdue": overdue_now and status != Review.Status.SUBMITTED,
            }
            for pk, username, region, status in reviews
        ],
        columns=["reviewer", "region", "status", "answered", "indicators", "overdue"],
    )
    progress = analytics.review_progress(assignments)
    per_region = analytics.review_progress(assignments, by="region")
    names = dict(
        Region.objects.filter(pk__in=per_region["region"].tolist()).values_list(
            "code", "name"
        )
    )
    answers = pd.DataFrame(
        list(
            Answer.objects.filter(
                review__cycle=cycle, review__status=Review.Status.SUBMITTED
            ).values_list(
                "review__region_id",
                "indicator__code",
                "review__reviewer__username",
                "level",
            )
        ),
        columns=["region", "indicator", "reviewer", "level"],
    )
    answers["level"] = pd.to_numeric(answers["level"], errors="coerce").astype(
        "float64"
    )
    hot = analytics.hotspots(answers)
    by_region = analytics.hotspot_counts(hot, "region")
    by_indicator = analytics.hotspot_counts(hot, "indicator")
    appeals = dict(
        Appeal.objects.filter(submission__cycle=cycle)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    overdue = [
        {"reviewer": username, "region": region}
        for pk, username, region, status in reviews
        if overdue_now and status != Review.Status.SUBMITTED
    ]
    run = (
        ScoreRun.objects.filter(cycle=cycle, status=ScoreRun.Status.DONE)
        .exclude(alpha=None)
        .order_by("-finished_at")
        .first()
    )
    return {
        "alpha": run.alpha if run else None,
        "reviews": {
            "assigned": len(reviews),
            "submitted": sum(
                1 for *_rest, status in reviews if status == Review.Status.SUBMITTED
            ),
            "overdue": len(overdue),
        },
        "overdue": overdue,
        "regions": [
            dict(row, name=names.get(row["region"], row["region"]))
            for row in per_region.to_dict("records")
        ],
        "appeals": {status: appeals.get(status, 0) for status in Appeal.Status.values},
        "charts": {
            "reviewers": charts.reviewer_progress_chart(
                progress.to_dict("records"), labels, marks
            ),
            "hotspots_region": charts.hotspot_chart(
                by_region.to_dict("records"), labels, marks, key="region"
            ),
            "hotspots_indicator": charts.hotspot_chart(
                by_indicator.to_dict("records"), labels, marks, key="indicator"
            ),
        },
    }


# Exports ----------------------------------------------------------------------


def release_export(release: Release, fmt: str) -> bytes:
    band_names = {
        band.code: band.name
        for band in Band.objects.filter(framework__code=release.framework_code)
    }
    table = exports.release_table(
        release_frame(release),
        band_names=band_names,
        low_agreement=display.low_agreement(release.content),
        caveat=display.caveat(release.content),
    )
    if fmt == "csv":
        return exports.to_csv(table)
    return exports.to_xlsx(
        table,
        sheet=_("Release"),
        notes=[
            (_("Cycle"), release.cycle.name),
            (_("Release"), f"{release.number} ({release.get_kind_display()})"),
            (_("Published at"), release.published_at.isoformat()),
            (_("Framework version"), release.framework_code),
            (_("SHA-256 of the content"), release.checksum),
            *(
                [(_("Caveat"), display.caveat(release.content))]
                if display.low_agreement(release.content)
                else []
            ),
        ],
    )


def reviews_export(cycle: Cycle, fmt: str) -> bytes:
    """Every answer of the cycle's reviews: region x indicator x reviewer."""
    rows = [
        {
            "region_code": region_code,
            "region_name": region_name,
            "indicator": indicator,
            "reviewer": reviewer,
            "review_status": status,
            "level": level,
            "no_evidence": no_evidence,
            "comment": comment,
            "citation": (
                f"{cited_name} p. {cited_page}" if cited_name and cited_page else ""
            ),
            "submitted_at": submitted_at.isoformat() if submitted_at else None,
        }
        for (
            region_code,
            region_name,
            indicator,
            reviewer,
            status,
            level,
            no_evidence,
            comment,
            cited_name,
            cited_page,
            submitted_at,
        ) in Answer.objects.filter(review__cycle=cycle)
        .order_by("review__region_id", "indicator__order", "review__reviewer__username")
        .values_list(
            "review__region_id",
            "review__region__name",
            "indicator__code",
            "review__reviewer__username",
            "review__status",
            "level",
            "no_evidence",
            "comment",
            "cited_version__original_name",
            "cited_page",
            "review__submitted_at",
        )
    ]
    table = exports.review_table(rows)
    if fmt == "csv":
        return exports.to_csv(table)
    return exports.to_xlsx(
        table,
        sheet=_("Reviews"),
        notes=[
            (_("Cycle"), cycle.name),
            (_("Exported at"), timezone.now().isoformat()),
        ],
    )
