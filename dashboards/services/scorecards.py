"""The region scorecards: every region of a release in one pass (the
worker's, at publication), each rendered to bytes per language; one region on
first use when its bytes are missing (published.py)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd
from django.utils.translation import gettext_lazy

from assessments.models import FrameworkVersion, Indicator
from dashboards import analytics, charts, display
from dashboards.services import published
from dashboards.services.reading import (
    framework_of,
    published_content,
    region_frame,
    releases,
    separators,
)
from regions.models import Region
from reviews.models import Answer, Review
from scoring.models import Release

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
REGIONS_PART = "regions"
STATUS_KEYS = (
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


# Which release a scorecard shows --------------------------------------------


def assessed_codes(release: Release) -> list[str]:
    return [str(row["region"]) for row in published_content(release)["regions"]]


def regions_in(release: Release) -> frozenset[str]:
    """The codes of the regions a release assessed (rendered once)."""
    found = published.fetch(
        release,
        REGIONS_PART,
        lambda: published.as_json(assessed_codes(release)),
        language="-",
    )
    return frozenset(published.json_of(found))


def scorecard_release(region: Region, cycle_id: int | None = None) -> Release | None:
    """The latest release (of the cycle, if given) that assessed the region."""
    found = releases()
    if cycle_id is not None:
        found = found.filter(cycle_id=cycle_id)
    for release in found:
        if region.pk in regions_in(release):
            return release
    return None


def generation() -> int:
    """The newest release's id: a scorecard's history lists every release, so
    its bytes are rendered again once another release is out."""
    return Release.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def part(code: str, newest: int) -> str:
    return f"scorecard:{code}:{newest}"


def scorecard_bytes(region: Region, release: Release) -> published.Rendered:
    """One region's scorecard data (GET /regions/<code>/scorecard/data/)."""
    newest = generation()
    return published.fetch(
        release,
        part(region.pk, newest),
        lambda: published.as_json(next(iter(build(release, [region.pk]).values()))),
    )


def scorecard(region: Region, release: Release) -> dict[str, Any]:
    return published.json_of(scorecard_bytes(region, release))


# Building them ----------------------------------------------------------------


class Pass:
    """What every scorecard of a release shares, read once: the release
    joined with the registry, the national medians, each region's history
    across releases, its indicator levels and the reviewers' comments."""

    def __init__(
        self,
        release: Release,
        content: dict[str, Any] | None = None,
        registry: pd.DataFrame | None = None,
    ) -> None:
        self.release = release
        self.content = content if content is not None else published_content(release)
        registry = region_frame() if registry is None else registry
        self.frame = analytics.release_frame(self.content, registry)
        self.national = analytics.medians(self.frame, ["blueprint", "practice"])
        self.entries = {row["region"]: row for row in self.content["regions"]}
        self.history = _history_entries(release, self.content)
        framework = FrameworkVersion.objects.filter(code=release.framework_code).first()
        self.indicators: list[Indicator] = (
            list(framework.indicators.order_by("order")) if framework else []
        )
        self.comments = _comments(release)

    def data(self, code: str, framework: Any) -> dict[str, Any]:
        """One region's scorecard data in the active language."""
        labels, marks = framework.labels, separators()
        card = analytics.scorecard(
            self.frame,
            code,
            dimensions=framework.dimensions,
            elements=framework.elements,
        )
        history = analytics.history(self.history, code)
        entry = self.entries.get(code, {})
        status = display.labels(entry, self.content)
        return {
            "card": card,
            "status": {key: status[key] for key in STATUS_KEYS},
            "caveat": display.caveat(self.content),
            # Releases of the new method say how their intervals were drawn.
            "whole_reviews": "method" in self.content,
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
            "indicators": self.indicator_rows(code, entry),
            "charts": {
                "radar": charts.radar_chart(card["dimensions"], labels, marks),
                "parts": charts.parts_chart(
                    card["blueprint"],
                    card["practice"],
                    labels,
                    marks,
                    national=self.national,
                ),
                "elements": charts.elements_chart(card["elements"], labels, marks),
                "history": charts.history_chart(history, labels, marks),
            },
        }

    def indicator_rows(self, code: str, entry: dict[str, Any]) -> list[dict[str, Any]]:
        """The scorecard's indicator table: the release's level and where it
        came from; the reviewers' comments (unnamed) only once it is final."""
        levels = entry.get("levels", {})
        comments = self.comments.get(code, {})
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
            for indicator in self.indicators
        ]


def build(
    release: Release, codes: Iterable[str] | None = None, shared: Pass | None = None
) -> dict[str, dict[str, Any]]:
    """Scorecard data by region code, in the active language (every region
    of the release when `codes` is None)."""
    shared = shared or Pass(release)
    framework = framework_of(release, shared.content)
    wanted = list(shared.entries) if codes is None else list(codes)
    return {code: shared.data(code, framework) for code in wanted}


def _history_entries(release: Release, content: dict[str, Any]) -> list[dict[str, Any]]:
    """Every published release with its regions, oldest first (this one's
    from the content already read)."""
    entries = []
    others = (
        Release.objects.select_related("cycle")
        .exclude(pk=release.pk)
        .defer("content")
        .order_by("cycle__year", "number")
    )
    regions = dict(
        Release.objects.exclude(pk=release.pk).values_list("pk", "content__regions")
    )
    for other in [*others, release]:
        entries.append(
            {
                "cycle": other.cycle.name,
                "year": other.cycle.year,
                "number": other.number,
                "kind": other.kind,
                "published_at": other.published_at.isoformat(),
                "content": {
                    "regions": content["regions"]
                    if other.pk == release.pk
                    else regions.get(other.pk) or []
                },
            }
        )
    return entries


def _comments(release: Release) -> dict[str, dict[int, list[str]]]:
    """The submitted reviews' comments by region and indicator (final
    releases only), in reviewer then indicator order."""
    found: dict[str, dict[int, list[str]]] = {}
    if release.kind != Release.Kind.FINAL:
        return found
    answers = (
        Answer.objects.filter(
            review__cycle_id=release.cycle_id,
            review__status=Review.Status.SUBMITTED,
        )
        .exclude(comment="")
        .order_by("review__region_id", "review__reviewer_id", "indicator__order")
        .values_list("review__region_id", "indicator_id", "comment")
    )
    for region_id, indicator_id, comment in answers:
        found.setdefault(region_id, {}).setdefault(indicator_id, []).append(comment)
    return found
