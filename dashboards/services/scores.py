"""The API's score rows of a release (GET /api/v1/releases/<id>/scores/ and
/api/v1/scores/?cycle=), rendered once per release and language; api.views
pages and renders them."""

from __future__ import annotations

import pickle
from typing import Any

from dashboards import display
from dashboards.services import published
from dashboards.services.reading import published_content
from regions.models import Region
from scoring.models import Release

ROWS_PART = "score-rows"


def score_rows(
    release: Release,
    *,
    with_levels: bool = False,
    content: dict[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """The release's regions as API rows, best rank first."""
    content = content if content is not None else published_content(release)
    names = dict(
        Region.objects.filter(
            code__in=[r["region"] for r in content["regions"]]
        ).values_list("code", "name")
    )
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


def rows_rendered(rows: list[dict[str, Any]]) -> published.Rendered:
    # Pickled, not JSON: the API pages and renders them as DRF data.
    return published.rendered(
        pickle.dumps(rows, protocol=pickle.HIGHEST_PROTOCOL),
        "application/python-pickle",
    )


def cached_rows(release: Release) -> list[dict[str, Any]]:
    """score_rows(with_levels=True) of the release in the active language,
    rendered once (the API builds each representation from them)."""
    found = published.fetch(
        release,
        ROWS_PART,
        lambda: rows_rendered(score_rows(release, with_levels=True)),
    )
    return pickle.loads(found.body)


def flat(row: dict[str, Any]) -> dict[str, Any]:
    """A CSV row: the aggregates as their own columns."""
    out = {
        k: v for k, v in row.items() if k not in ("aggregates", "levels", "uncertainty")
    }
    out.update(row.get("aggregates", {}))
    return out
