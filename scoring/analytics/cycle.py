"""The whole cycle in one call: compute_cycle and its result.

Part of scoring.analytics (see its docstring for the method). Pure: no Django.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from scoring import contract
from scoring.analytics.agreement import (
    _agreement,
    _leniency,
    progress,
)
from scoring.analytics.bootstrap import (
    _rank_rows,
    interval,
    rank_quantiles,
    review_draws,
    tied_groups,
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
    _no_evidence,
    _score,
)
from scoring.analytics.ranks import (
    _index_key,
    assign_bands,
    rank_regions,
)
from scoring.analytics.severity import adjusted_answers, severity

# --------------------------------------------------------------------------
# The whole cycle

AGREEMENT_FLOOR = float(contract.AGREEMENT_FLOOR)  # Krippendorff (2004): >= .667
# Peer group key in `uncertainty` -> rank column (national first).
PEER_GROUPS = {group.key: group.rank for group in contract.PEER_GROUPS}
_GROUP_BY = {
    group.key: group.scoring_column
    for group in contract.PEER_GROUPS
    if group.scoring_column is not None
}


@dataclass(frozen=True)
class CycleResult:
    """Everything a cycle's results page needs.

    levels: as from indicator_levels. scores: one row per region in `regions`
    (and in the levels), sorted, with the columns of score_regions,
    assign_bands and rank_regions plus n_reviews, ranked, unranked_reason,
    index_low, index_high, rank_low, rank_high (national rank interval),
    tie_low, tie_high (national tied group), uncertainty ({group: {"interval",
    "tie"}}), index_adjusted, rank_adjusted; a region without any level has
    index NaN and coverage 0. alpha: the cycle's ordinal Krippendorff's
    alpha; low_agreement: alpha below AGREEMENT_FLOOR (or not computable
    although some cell has two reviewers). agreement: indicator, alpha,
    n_units. leniency: reviewer, mean_deviation, n. severity: reviewer,
    severity, severity_low, severity_high, n. progress: {"reached", "target"}.
    """

    levels: pd.DataFrame
    scores: pd.DataFrame
    alpha: float
    agreement: pd.DataFrame
    leniency: pd.DataFrame
    progress: dict[str, int]
    severity: pd.DataFrame | None = None
    low_agreement: bool = False


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
    no_evidence_level: float | None = None,
    min_reviews: int = 1,
    draws: int = 500,
    seed: int = 2017,
    level: float = 0.9,
) -> CycleResult:
    """Levels, scores, bands, ranks, intervals, tied groups, agreement,
    severity and progress of one cycle (see the package docstring)."""
    if not 0 < float(level) < 1:
        raise ValueError("level must be between 0 and 1")
    no_evidence = _no_evidence(no_evidence_level)
    ans, decided = _answers(answers), _decisions(consensus, appeals)
    fw = _framework(indicators, part_weights, aspect_weights)
    levels = _final_levels(ans, decided, no_evidence)
    scores = _score(levels, fw, no_evidence)
    meta = _columns(regions, _REGIONS, "regions")
    everyone = pd.Index(meta["region"].unique()).union(scores["region"]).sort_values()
    scores = scores.set_index("region").reindex(everyone).rename_axis("region")
    scores["coverage"] = scores["coverage"].fillna(0.0)
    reviews = ans.groupby("region")["reviewer"].nunique()
    scores["n_reviews"] = reviews.reindex(everyone).fillna(0).astype("int64")
    scores = scores.reset_index()
    scores = assign_bands(scores, bands, min_coverage=min_coverage)
    has_index = scores["index"].notna().to_numpy()
    complete = scores["complete"].to_numpy(bool)
    enough = (scores["n_reviews"] >= int(min_reviews)).to_numpy()
    scores["ranked"] = complete & enough
    scores["unranked_reason"] = np.select(
        [~has_index, ~complete, ~enough], ["no_index", "incomplete", "few_reviews"], ""
    )
    scores = rank_regions(scores, meta)

    # Review-level bootstrap of every region with an index.
    with_index = scores.loc[has_index, "region"].to_numpy()
    values = review_draws(
        ans,
        decided,
        fw,
        with_index,
        no_evidence_level=no_evidence,
        draws=draws,
        seed=seed,
    )
    point = scores.loc[has_index, "index"].to_numpy(float)
    low, high = interval(values, point, level) if len(point) else (point, point)
    scores["index_low"] = np.nan
    scores["index_high"] = np.nan
    scores.loc[has_index, "index_low"] = low
    scores.loc[has_index, "index_high"] = high
    scores = _rank_uncertainty(scores, meta, values, has_index, level)

    sev = severity(ans)
    adjusted = _final_levels(adjusted_answers(ans, sev), decided, no_evidence)
    adjusted = _score(adjusted, fw, no_evidence).set_index("region")["index"]
    scores["index_adjusted"] = adjusted.reindex(scores["region"]).to_numpy()
    key = pd.Series(
        np.where(scores["ranked"], _index_key(scores["index_adjusted"]), np.nan)
    )
    scores["rank_adjusted"] = key.rank(method="min", ascending=False).astype("Int64")

    alpha, per_indicator = _agreement(ans)
    pairs = ans.loc[ans["level"].notna()].groupby(["region", "indicator"]).size() >= 2
    low_agreement = bool(
        alpha < AGREEMENT_FLOOR if not np.isnan(alpha) else pairs.any()
    )
    return CycleResult(
        levels=levels,
        scores=scores,
        alpha=alpha,
        agreement=per_indicator,
        leniency=_leniency(ans, levels),
        progress=progress(scores, bands=bands, target_band=target_band, target=target),
        severity=sev,
        low_agreement=low_agreement,
    )


def _rank_uncertainty(
    scores: pd.DataFrame,
    meta: pd.DataFrame,
    values: np.ndarray,
    has_index: np.ndarray,
    level: float,
) -> pd.DataFrame:
    """rank_low/high, tie_low/high (national) and uncertainty per region."""
    column_of = np.full(len(scores), -1)
    column_of[has_index] = np.arange(int(has_index.sum()))
    ranked = scores["ranked"].to_numpy(bool)
    groups = meta.set_index("region").reindex(scores["region"])
    groups["size_class"] = scores["size_class"].to_numpy()
    uncertainty: list[dict[str, Any]] = [{} for _ in range(len(scores))]
    for name, rank_column in PEER_GROUPS.items():
        if name == "national":
            labels = pd.Series(0, index=scores.index)
        else:
            by = _GROUP_BY.get(name, "size_class")
            labels = pd.Series(groups[by].to_numpy(), index=scores.index)
        point = scores[rank_column]
        usable = ranked & labels.notna().to_numpy() & point.notna().to_numpy()
        for _, members in labels[usable].groupby(labels[usable]).groups.items():
            rows = np.asarray(members)
            draws = values[:, column_of[rows]]
            at = point.to_numpy()[rows].astype(np.int64)
            low, high = rank_quantiles(_rank_rows(draws), level)
            low, high = np.minimum(low, at), np.maximum(high, at)  # hold the point
            tie = tied_groups(at, draws)
            for k, r in enumerate(rows):
                uncertainty[r][name] = {
                    "interval": [int(low[k]), int(high[k])],
                    "tie": [int(tie[k, 0]), int(tie[k, 1])],
                }
    scores["uncertainty"] = uncertainty
    for column, part, at in (
        ("rank_low", "interval", 0),
        ("rank_high", "interval", 1),
        ("tie_low", "tie", 0),
        ("tie_high", "tie", 1),
    ):
        scores[column] = pd.array(
            [
                u["national"][part][at] if "national" in u else pd.NA
                for u in uncertainty
            ],
            dtype="Int64",
        )
    return scores
