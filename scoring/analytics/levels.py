"""Indicator levels and the weighted scores built on them.

Part of scoring.analytics (see its docstring for the method). Pure: no Django.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from scoring.analytics.frames import (
    _LEVELS,
    LEVEL_MAX,
    LEVEL_MIN,
    _answers,
    _columns,
    _decisions,
    _ids,
    _levels,
    _no_missing_keys,
    _unique,
)
from scoring.analytics.framework import (
    _Framework,
    _framework,
    _parts_and_index,
    _weighted_means,
)

# --------------------------------------------------------------------------
# Levels and scores


def indicator_levels(
    answers: pd.DataFrame,
    consensus: pd.DataFrame,
    appeals: pd.DataFrame,
    *,
    no_evidence_level: float = LEVEL_MIN,
) -> pd.DataFrame:
    """The final level of every (region, indicator) that has an answer or a
    decision.

    answers: region, indicator, reviewer, level (NaN = "no evidence").
    consensus: region, indicator, level. appeals (upheld only): region,
    indicator, level, decided_at.

    Returns region, indicator, level (float), source ("appeal" | "consensus" |
    "median"), n_reviewers (int: how many reviewers gave a real level),
    evidenced (bool), sorted by region and indicator. Precedence: the latest
    upheld appeal, then the consensus, then the median of the reviewers'
    answers with "no evidence" scored as `no_evidence_level`. A decision is
    evidenced; a median is evidenced when more than half of its answers are
    real levels. A cell nobody answered and nobody decided is left out (it
    scores as no evidence in score_regions).
    """
    return _final_levels(
        _answers(answers),
        _decisions(consensus, appeals),
        _no_evidence(no_evidence_level),
    )


def _no_evidence(value: Any) -> float:
    level = float(LEVEL_MIN if value is None else value)
    if not LEVEL_MIN <= level <= LEVEL_MAX:
        raise ValueError("no_evidence_level must be between 1 and 5")
    return level


def _final_levels(
    ans: pd.DataFrame, decided: pd.DataFrame, no_evidence_level: float = LEVEL_MIN
) -> pd.DataFrame:
    """indicator_levels from checked answers and _decisions()."""
    scored = ans.assign(
        scored=ans["level"].fillna(no_evidence_level), real=ans["level"].notna()
    )
    stats = (
        scored.groupby(["region", "indicator"], sort=True)
        .agg(
            median=("scored", "median"),
            n_reviewers=("real", "sum"),
            n_answers=("real", "size"),
        )
        .reset_index()
    )
    out = stats.merge(decided, on=["region", "indicator"], how="outer", sort=True)
    has_decision = out["level"].notna()
    out["level"] = out["level"].where(has_decision, out["median"]).astype("float64")
    out["source"] = out["source"].where(has_decision, "median")
    out["n_reviewers"] = out["n_reviewers"].fillna(0).astype("int64")
    majority = 2 * out["n_reviewers"] > out["n_answers"].fillna(0)
    out["evidenced"] = (has_decision | majority).astype(bool)
    out = out.loc[
        out["level"].notna(), [*_LEVELS, "source", "n_reviewers", "evidenced"]
    ]
    out["source"] = out["source"].astype("str")
    return out.sort_values(["region", "indicator"], kind="mergesort").reset_index(
        drop=True
    )


def _level_matrix(levels: pd.DataFrame, fw: _Framework, name: str):
    """(sorted region Index, (R, I) matrix of levels with NaN where absent,
    (R, I) bool evidenced: the "evidenced" column when given, else a level)."""
    lv = _columns(levels, _LEVELS, name)
    _no_missing_keys(lv, ["region"], name)
    lv["indicator"] = _ids(lv["indicator"], f"{name}.indicator")
    lv["level"] = _levels(lv["level"], f"{name}.level")
    _unique(lv, ["region", "indicator"], name)
    if "evidenced" in levels.columns:
        evid = levels["evidenced"].astype(bool).to_numpy()
    else:
        evid = lv["level"].notna().to_numpy()
    regions = pd.Index(lv["region"].unique()).sort_values()
    matrix = np.full((len(regions), len(fw.ids)), np.nan)
    evidenced = np.zeros(matrix.shape, dtype=bool)
    rows = regions.get_indexer(lv["region"])
    cols = fw.positions(lv["indicator"], name)
    matrix[rows, cols] = lv["level"].to_numpy()
    evidenced[rows, cols] = evid & lv["level"].notna().to_numpy()
    return regions, matrix, evidenced


def score_regions(
    levels: pd.DataFrame,
    indicators: pd.DataFrame,
    *,
    part_weights: Mapping[str, Any],
    aspect_weights: Mapping[str, Any],
    no_evidence_level: float = LEVEL_MIN,
) -> pd.DataFrame:
    """Index, coverage, part and group scores of every region in `levels`.

    levels: region, indicator, level (as from indicator_levels), optionally
    evidenced. Every indicator of the framework without a level (absent or
    NaN) scores as `no_evidence_level`: nothing is renormalised. indicators: indicator, part, aspect, sub_dimension, dimension,
    element, weight. part_weights: {"blueprint": w, "practice": w};
    aspect_weights: {"baseline": w, ...}; weights >= 0, any scale.

    Returns one row per region, sorted: region, index, coverage, blueprint,
    practice, then "dimension:<code>"..., "aspect:<code>"..., "element:<code>"...,
    "sub_dimension:<code>"... . coverage: the index weight share of the
    evidenced levels.
    """
    fw = _framework(indicators, part_weights, aspect_weights)
    return _score(levels, fw, _no_evidence(no_evidence_level))


def _score(
    levels: pd.DataFrame, fw: _Framework, no_evidence_level: float = LEVEL_MIN
) -> pd.DataFrame:
    regions, matrix, evidenced = _level_matrix(levels, fw, "levels")
    matrix = np.where(np.isnan(matrix), no_evidence_level, matrix)
    blueprint, _, practice, index = _parts_and_index(fw, matrix)
    columns: dict[str, Any] = {
        "region": regions.array,
        "index": index,
        "coverage": evidenced @ fw.effective,
        "blueprint": blueprint,
        "practice": practice,
    }
    for kind, codes, weights in fw.groups:
        means = _weighted_means(matrix, weights)
        columns.update({f"{kind}:{code}": means[:, k] for k, code in enumerate(codes)})
    return pd.DataFrame(columns)
