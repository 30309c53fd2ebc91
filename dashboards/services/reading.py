"""Reads the dashboards share: the registry as a frame, the published cycles
and releases (never their content), a release's content without the
reviewers' answers, and the framework's names in the active language."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
from django.db import connection
from django.db.models import JSONField
from django.db.models.expressions import RawSQL
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from assessments.models import Cycle, FrameworkVersion
from dashboards import analytics
from regions import selectors
from regions.models import Region
from scoring.models import Release


@dataclass(frozen=True)
class Filters:
    cohort_year: int | None = None
    province_code: str | None = None
    kind: str | None = None

    @property
    def key(self) -> str:
        return f"{self.cohort_year}:{self.province_code}:{self.kind}"


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


def releases() -> Any:
    """Releases with their cycle, newest first, without their content (a
    release of 514 regions holds megabytes of JSON: decoding it costs more
    than the whole rest of a request)."""
    return (
        Release.objects.select_related("cycle")
        .defer("content")
        .order_by("-cycle__year", "-published_at", "-number")
    )


def latest_release(
    cycle: Cycle | None = None, *, cycle_id: int | None = None
) -> Release | None:
    """The latest release of the cycle, or of the most recent published cycle
    (its content deferred)."""
    found = releases()
    if cycle is not None:
        found = found.filter(cycle=cycle)
    if cycle_id is not None:
        found = found.filter(cycle_id=cycle_id)
    return found.first()


COHORTS = (2017, 2018, 2019)  # dashboards.forms.DashboardFilterForm's choices


def requested_filters(params: Any) -> tuple[Filters, int | None]:
    """The dashboard's filters and cycle id from a query string, valid as
    DashboardFilterForm validates them: any invalid value gives the
    unfiltered view of the latest release, as the page does. A query only
    for a province code."""
    from regions.models import Province

    unfiltered: tuple[Filters, int | None] = (Filters(), None)
    cycle, cohort = params.get("cycle", ""), params.get("cohort", "")
    province, kind = params.get("province", ""), params.get("kind", "")
    if (cycle and not cycle.isdigit()) or (cohort and not cohort.isdigit()):
        return unfiltered
    if cohort and int(cohort) not in COHORTS:
        return unfiltered
    if kind and kind not in Region.Kind.values:
        return unfiltered
    if province and not Province.objects.filter(code=province).exists():
        return unfiltered
    filters = Filters(
        cohort_year=int(cohort) if cohort else None,
        province_code=province or None,
        kind=kind or None,
    )
    return filters, int(cycle) if cycle else None


# The reviewers' answers (snapshot.answers) are most of a release's bytes and
# no dashboard reads them: the database drops them before sending the rest.
_WITHOUT_ANSWERS = {
    "postgresql": "content #- '{snapshot,answers}'",
    "sqlite": "json_remove(content, '$.snapshot.answers')",
}


def published_content(release: Release) -> dict[str, Any]:
    """The release's content without snapshot.answers (one query)."""
    expression = _WITHOUT_ANSWERS.get(connection.vendor)
    if expression is None:
        return Release.objects.values_list("content", flat=True).get(pk=release.pk)
    return (
        Release.objects.filter(pk=release.pk)
        .annotate(shown=RawSQL(expression, [], output_field=JSONField()))
        .values_list("shown", flat=True)
        .get()
    )


@dataclass(frozen=True)
class Framework:
    """Codes and names (in the active language) a release's charts need."""

    dimensions: list[str]
    elements: list[str]
    bands: list[str]
    target_band: str
    labels: dict[str, str]


def framework_of(release: Release, content: dict[str, Any]) -> Framework:
    framework = (
        FrameworkVersion.objects.prefetch_related(
            "dimensions", "readiness_elements", "bands"
        )
        .filter(code=release.framework_code)
        .first()
    )
    bands = analytics.band_order(content["framework"]["bands"])
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
        target_band=content["framework"]["target_band"],
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


def release_frame(release: Release, content: dict[str, Any] | None = None) -> Any:
    if content is None:
        content = published_content(release)
    return analytics.release_frame(content, region_frame())
