"""A result's status: ranked or why not, tied group, sensitivity."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dashboards.analytics.convert import _int
from scoring.contract import MIN_REVIEWS, UNRANKED_REASONS, min_reviews, pair

__all__ = ["MIN_REVIEWS", "UNRANKED_REASONS", "min_reviews", "result_status"]


def result_status(row: Mapping[str, Any], content: Mapping[str, Any]) -> dict[str, Any]:
    """Whether one region entry of a release is ranked and why not, its
    national tied group, index interval, severity-adjusted index and rank
    change, its interval and tie in each peer group; JSON-safe. A release
    published before these keys existed reads as it did: ranked when it has
    a national rank, its tie a group of one, no index interval, no adjusted
    index (docs/scoring.md; dashboards.display)."""
    ranks = row.get("ranks") or {}
    rank = _int(ranks.get("rank_national"))
    complete = bool(row.get("complete"))
    ranked = bool(row.get("ranked", rank is not None))
    reason = row.get("unranked_reason") or ""
    if not ranked and not reason:
        reason = "incomplete" if not complete else "no_index"
    tie = [_int(v) for v in pair(row.get("tie"))]
    if ranked and rank is not None and tie[0] is None:
        tie = [rank, rank]
    interval = pair(row.get("index_interval"))
    adjusted_rank = _int(row.get("rank_adjusted"))
    uncertainty = row.get("uncertainty") or {}
    if not uncertainty and ranked and rank is not None:
        uncertainty = {
            "national": {"interval": pair(row.get("rank_interval")), "tie": tie}
        }
    return {
        "complete": complete,
        "ranked": ranked and rank is not None,
        "unranked_reason": "" if ranked and rank is not None else reason,
        "n_reviews": _int(row.get("n_reviews")),
        "min_reviews": min_reviews(content),
        "tie": tie,
        "tied": tie[0] is not None and tie[0] != tie[1],
        "index_interval": interval,
        "index_adjusted": row.get("index_adjusted"),
        "rank_adjusted": adjusted_rank,
        # Positive: the region climbs (a smaller rank number) once each
        # reviewer's severity is taken out; negative: it drops.
        "rank_change": None
        if rank is None or adjusted_rank is None
        else rank - adjusted_rank,
        "uncertainty": uncertainty,
        # A band is shown only for a complete result (old releases kept one).
        "band_shown": (row.get("band") or "") if complete else "",
    }
