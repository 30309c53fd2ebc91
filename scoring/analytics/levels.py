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
    """indicator_levels from checked answers and _decisions().

    Each (region, indicator) cell as one integer; the answers sorted once by
    cell and scored level, so a cell's median is read off at its middle
    positions ((a + b) / 2, as pandas computes it)."""
    n_ans = len(ans)
    region_of, regions = pd.factorize(
        pd.concat([ans["region"], decided["region"]], ignore_index=True), sort=True
    )
    indicator = np.concatenate(
        [ans["indicator"].to_numpy(np.int64), decided["indicator"].to_numpy(np.int64)]
    )
    indicators, indicator_of = np.unique(indicator, return_inverse=True)
    width = max(1, len(indicators))
    cell = region_of.astype(np.int64) * width + np.ravel(indicator_of)
    answer_cell, decided_cell = cell[:n_ans], cell[n_ans:]

    level = ans["level"].to_numpy(np.float64)
    real = ~np.isnan(level)
    scored = np.where(real, level, float(no_evidence_level))
    order = np.lexsort((scored, answer_cell))
    scored, answer_cell, real = scored[order], answer_cell[order], real[order]
    first = np.ones(n_ans, dtype=bool)
    first[1:] = answer_cell[1:] != answer_cell[:-1]
    starts = np.flatnonzero(first)
    n_answers = np.diff(np.append(starts, n_ans))
    median = (
        scored[starts + (n_answers - 1) // 2] + scored[starts + n_answers // 2]
    ) / 2
    n_reviewers = np.add.reduceat(real.astype(np.int64), starts) if n_ans else starts

    cells = np.union1d(answer_cell[starts], decided_cell)
    at = np.searchsorted(cells, answer_cell[starts])
    out_level = np.full(len(cells), np.nan)
    out_level[at] = median
    out_reviewers = np.zeros(len(cells), dtype=np.int64)
    out_reviewers[at] = n_reviewers
    out_answers = np.zeros(len(cells), dtype=np.int64)
    out_answers[at] = n_answers
    source = np.full(len(cells), "median", dtype=object)
    has_decision = np.zeros(len(cells), dtype=bool)
    at = np.searchsorted(cells, decided_cell)
    out_level[at] = decided["level"].to_numpy(np.float64)
    source[at] = decided["source"].to_numpy(object)
    has_decision[at] = True
    majority = 2 * out_reviewers > out_answers
    return pd.DataFrame(
        {
            "region": pd.Series(
                regions.take(cells // width), dtype=ans["region"].dtype
            ),
            "indicator": indicators[cells % width].astype(np.int64),
            "level": out_level,
            "source": pd.Series(source).astype("str"),
            "n_reviewers": out_reviewers,
            "evidenced": has_decision | majority,
        }
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
