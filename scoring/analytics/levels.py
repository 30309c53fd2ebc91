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
    answers: pd.DataFrame, consensus: pd.DataFrame, appeals: pd.DataFrame
) -> pd.DataFrame:
    """The final level of every (region, indicator) that has one.

    answers: region, indicator, reviewer, level (NaN = "no evidence").
    consensus: region, indicator, level. appeals (upheld only): region,
    indicator, level, decided_at.

    Returns region, indicator, level (float), source ("appeal" | "consensus" |
    "median"), n_reviewers (int: how many reviewers gave a level), sorted by
    region and indicator. Precedence: the latest upheld appeal, then the
    consensus, then the median of the reviewers' levels; a cell with none of
    these is left out.
    """
    return _final_levels(_answers(answers), _decisions(consensus, appeals))


def _final_levels(ans: pd.DataFrame, decided: pd.DataFrame) -> pd.DataFrame:
    """indicator_levels from checked answers and _decisions()."""
    stats = (
        ans.groupby(["region", "indicator"], sort=True)["level"]
        .agg(median="median", n_reviewers="count")
        .reset_index()
    )
    out = stats.merge(decided, on=["region", "indicator"], how="outer", sort=True)
    has_decision = out["level"].notna()
    out["level"] = out["level"].where(has_decision, out["median"]).astype("float64")
    out["source"] = out["source"].where(has_decision, "median")
    out["n_reviewers"] = out["n_reviewers"].fillna(0).astype("int64")
    out = out.loc[out["level"].notna(), [*_LEVELS, "source", "n_reviewers"]]
    out["source"] = out["source"].astype("str")
    return out.sort_values(["region", "indicator"], kind="mergesort").reset_index(
        drop=True
    )


def _level_matrix(levels: pd.DataFrame, fw: _Framework, name: str):
    """(sorted region Index, (R, I) matrix of levels with NaN where absent)."""
    lv = _columns(levels, _LEVELS, name)
    _no_missing_keys(lv, ["region"], name)
    lv["indicator"] = _ids(lv["indicator"], f"{name}.indicator")
    lv["level"] = _levels(lv["level"], f"{name}.level")
    _unique(lv, ["region", "indicator"], name)
    regions = pd.Index(lv["region"].unique()).sort_values()
    matrix = np.full((len(regions), len(fw.ids)), np.nan)
    rows = regions.get_indexer(lv["region"])
    matrix[rows, fw.positions(lv["indicator"], name)] = lv["level"].to_numpy()
    return regions, matrix


def score_regions(
    levels: pd.DataFrame,
    indicators: pd.DataFrame,
    *,
    part_weights: Mapping[str, Any],
    aspect_weights: Mapping[str, Any],
) -> pd.DataFrame:
    """Index, coverage, part and group scores of every region in `levels`.

    levels: region, indicator, level (as from indicator_levels; NaN levels count
    as absent). indicators: indicator, part, aspect, sub_dimension, dimension,
    element, weight. part_weights: {"blueprint": w, "practice": w};
    aspect_weights: {"baseline": w, ...}; weights >= 0, any scale.

    Returns one row per region, sorted: region, index, coverage, blueprint,
    practice, then "dimension:<code>"..., "aspect:<code>"..., "element:<code>"...,
    "sub_dimension:<code>"... (NaN where no indicator of the group has a level).
    """
    fw = _framework(indicators, part_weights, aspect_weights)
    return _score(levels, fw)


def _score(levels: pd.DataFrame, fw: _Framework) -> pd.DataFrame:
    regions, matrix = _level_matrix(levels, fw, "levels")
    blueprint, _, practice, index = _parts_and_index(fw, matrix)
    columns: dict[str, Any] = {
        "region": regions.array,
        "index": index,
        "coverage": (~np.isnan(matrix)) @ fw.effective,
        "blueprint": blueprint,
        "practice": practice,
    }
    for kind, codes, weights in fw.groups:
        means = _weighted_means(matrix, weights)
        columns.update({f"{kind}:{code}": means[:, k] for k, code in enumerate(codes)})
    return pd.DataFrame(columns)
