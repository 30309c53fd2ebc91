"""The whole cycle in one call: compute_cycle and its result.

Part of scoring.analytics (see its docstring for the method). Pure: no Django.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from scoring.analytics.agreement import (
    _agreement,
    _leniency,
    progress,
)
from scoring.analytics.bootstrap import (
    _intervals,
)
from scoring.analytics.frames import (
    _REGIONS,
    _answers,
    _columns,
    _decisions,
)
from scoring.analytics.framework import (
    _framework,
)
from scoring.analytics.levels import (
    _final_levels,
    _score,
)
from scoring.analytics.ranks import (
    assign_bands,
    rank_regions,
)

# --------------------------------------------------------------------------
# The whole cycle


@dataclass(frozen=True)
class CycleResult:
    """Everything a cycle's results page needs.

    levels: as from indicator_levels. scores: one row per region in `regions`
    (and in the levels), sorted, with the columns of score_regions,
    assign_bands and rank_regions plus rank_low and rank_high (Int64, NA when
    incomplete); a region without any level has index NaN and coverage 0.
    alpha: the cycle's ordinal Krippendorff's alpha. agreement: indicator,
    alpha, n_units. leniency: reviewer, mean_deviation, n. progress: {"reached",
    "target"}.
    """

    levels: pd.DataFrame
    scores: pd.DataFrame
    alpha: float
    agreement: pd.DataFrame
    leniency: pd.DataFrame
    progress: dict[str, int]


def compute_cycle(
    answers: pd.DataFrame,
    consensus: pd.DataFrame,
    appeals: pd.DataFrame,
    indicators: pd.DataFrame,
    regions: pd.DataFrame,
    *,
    part_weights: Mapping[str, Any],
    aspect_weights: Mapping[str, Any],
    bands: Sequence[tuple[str, Any]],
    min_coverage: float,
    target_band: str,
    target: int,
    draws: int = 500,
    seed: int = 2017,
) -> CycleResult:
    """Levels, scores, bands, ranks, rank intervals, agreement, leniency and
    progress of one cycle (see the module docstring for the method)."""
    ans, decided = _answers(answers), _decisions(consensus, appeals)
    fw = _framework(indicators, part_weights, aspect_weights)
    levels = _final_levels(ans, decided)
    scores = _score(levels, fw)
    meta = _columns(regions, _REGIONS, "regions")
    everyone = pd.Index(meta["region"].unique()).union(scores["region"]).sort_values()
    scores = scores.set_index("region").reindex(everyone).rename_axis("region")
    scores["coverage"] = scores["coverage"].fillna(0.0)
    scores = scores.reset_index()
    scores = assign_bands(scores, bands, min_coverage=min_coverage)
    scores = rank_regions(scores, meta)
    intervals = _intervals(
        ans,
        decided,
        levels,
        fw,
        scores.loc[scores["complete"], "region"].tolist(),
        draws=draws,
        seed=seed,
        level=0.9,
    )
    scores = scores.merge(intervals, on="region", how="left", validate="one_to_one")
    for column in ("rank_low", "rank_high"):
        scores[column] = scores[column].astype("Int64")
    alpha, per_indicator = _agreement(ans)
    return CycleResult(
        levels=levels,
        scores=scores,
        alpha=alpha,
        agreement=per_indicator,
        leniency=_leniency(ans, levels),
        progress=progress(scores, bands=bands, target_band=target_band, target=target),
    )
