"""Reviewer agreement (Krippendorff's ordinal alpha), leniency and progress.

Part of scoring.analytics (see its docstring for the method). Pure: no Django.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from scoring.analytics.frames import (
    _LEVELS,
    _answers,
    _columns,
    _ids,
    _levels,
    _unique,
)
from scoring.analytics.ranks import (
    _bands,
)

# --------------------------------------------------------------------------
# Reviewer agreement


def _alpha_from_coincidences(coincidences: np.ndarray) -> np.ndarray:
    """Ordinal alpha from coincidence matrices (..., V, V) over values sorted
    ascending. NaN where fewer than two pairable values or no expected
    disagreement (a single value used)."""
    n_c = coincidences.sum(axis=-1)  # (..., V)
    n = n_c.sum(axis=-1)  # (...,)
    # Ordinal distance: (sum_{g=c..k} n_g - (n_c + n_k) / 2)^2, which is the
    # squared difference of the values' mid-positions cumsum(n) - n / 2.
    middle = np.cumsum(n_c, axis=-1) - n_c / 2
    delta = (middle[..., :, None] - middle[..., None, :]) ** 2
    observed = (coincidences * delta).sum(axis=(-2, -1))
    expected = (n_c[..., :, None] * n_c[..., None, :] * delta).sum(axis=(-2, -1))
    with np.errstate(invalid="ignore", divide="ignore"):
        alpha = 1 - (n - 1) * observed / expected
    return np.where((n >= 2) & (expected > 0), alpha, np.nan)


def _coincidences(counts: np.ndarray) -> np.ndarray:
    """Per-unit coincidence matrices (U, V, V) from value counts (U, V);
    zero for units with fewer than two values."""
    m = counts.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        scale = np.where(m >= 2, 1.0 / (m - 1), 0.0)
    weighted = counts * scale[:, None]
    pairs = weighted[:, :, None] * counts[:, None, :]
    diagonal = np.arange(counts.shape[1])
    pairs[:, diagonal, diagonal] -= weighted
    return pairs


def krippendorff_alpha_ordinal(values: np.ndarray) -> float:
    """Krippendorff's alpha, ordinal metric, of a units x coders matrix.

    NaN marks a missing value. Values are ranked by their numeric order (any
    numbers, not only 1-5). Returns NaN when not computable: fewer than two
    pairable values (units with two or more values), or every value the same.
    """
    matrix = np.asarray(values, dtype="float64")
    if matrix.ndim != 2:
        raise ValueError("values must be a units x coders matrix")
    present = ~np.isnan(matrix)
    distinct = np.unique(matrix[present])
    if len(distinct) == 0:
        return float("nan")
    code = np.searchsorted(distinct, np.where(present, matrix, distinct[0]))
    counts = np.zeros((matrix.shape[0], len(distinct)))
    unit = np.broadcast_to(np.arange(matrix.shape[0])[:, None], matrix.shape)
    np.add.at(counts, (unit[present], code[present]), 1.0)
    return float(_alpha_from_coincidences(_coincidences(counts).sum(axis=0)))


def agreement(answers: pd.DataFrame) -> tuple[float, pd.DataFrame]:
    """Reviewer agreement: (cycle alpha, per-indicator frame).

    Ordinal Krippendorff's alpha with units (region, indicator) and values the
    reviewers' levels ("no evidence" = missing). The frame has indicator, alpha
    (NaN when not computable), n_units (regions where at least two reviewers
    gave that indicator a level), one row per indicator in `answers`, sorted.
    """
    return _agreement(_answers(answers))


def _agreement(ans: pd.DataFrame) -> tuple[float, pd.DataFrame]:
    indicators = np.sort(ans["indicator"].unique())
    given = ans.loc[ans["level"].notna()]
    distinct = np.unique(given["level"].to_numpy())
    units = given.groupby(["region", "indicator"], sort=True)
    unit = units.ngroup().to_numpy()
    keys = units.size().reset_index()
    n_units, n_values = len(keys), len(distinct)
    code = np.searchsorted(distinct, given["level"].to_numpy())
    counts = np.bincount(unit * n_values + code, minlength=n_units * n_values)
    counts = counts.reshape(n_units, n_values).astype(float)
    pairs = _coincidences(counts)  # (U, V, V)

    cycle = float(_alpha_from_coincidences(pairs.sum(axis=0))) if n_units else np.nan
    # Per indicator: sum the units' coincidences by indicator.
    group = np.searchsorted(indicators, keys["indicator"].to_numpy())
    per_indicator = np.zeros((len(indicators), n_values, n_values))
    np.add.at(per_indicator, group, pairs)
    pairable = np.bincount(
        group,
        weights=(counts.sum(axis=1) >= 2).astype(float),
        minlength=len(indicators),
    )
    frame = pd.DataFrame(
        {
            "indicator": indicators.astype(np.int64),
            "alpha": _alpha_from_coincidences(per_indicator)
            if n_values
            else np.full(len(indicators), np.nan),
            "n_units": pairable.astype(np.int64),
        }
    )
    return cycle, frame


def leniency(answers: pd.DataFrame, levels: pd.DataFrame) -> pd.DataFrame:
    """Each reviewer's mean deviation from the final levels.

    answers: region, indicator, reviewer, level; levels: region, indicator,
    level (from indicator_levels). Returns reviewer, mean_deviation (mean of
    reviewer level - final level; > 0 is lenient), n (indicators compared),
    sorted by reviewer; reviewers who gave no level are left out.
    """
    final = _columns(levels, _LEVELS, "levels")
    final["indicator"] = _ids(final["indicator"], "levels.indicator")
    final["level"] = _levels(final["level"], "levels.level")
    _unique(final, ["region", "indicator"], "levels")
    return _leniency(_answers(answers), final)


def _leniency(ans: pd.DataFrame, final: pd.DataFrame) -> pd.DataFrame:
    given = ans.loc[ans["level"].notna()]
    both = given.merge(
        final.loc[:, ["region", "indicator", "level"]].rename(
            columns={"level": "final"}
        ),
        on=["region", "indicator"],
    )
    both = both.loc[both["final"].notna()]
    both["deviation"] = both["level"] - both["final"]
    out = (
        both.groupby("reviewer", sort=True)["deviation"]
        .agg(mean_deviation="mean", n="count")
        .reset_index()
    )
    out["reviewer"] = out["reviewer"].astype("int64")
    out["n"] = out["n"].astype("int64")
    return out


def progress(
    scores: pd.DataFrame,
    *,
    bands: Sequence[tuple[str, Any]],
    target_band: str,
    target: int,
) -> dict[str, int]:
    """{"reached": complete regions at target_band or above, "target": target}."""
    codes, _ = _bands(bands)
    if target_band not in codes:
        raise ValueError(f"target band {target_band!r} is not one of {codes}")
    order = {code: k for k, code in enumerate(codes)}
    band_order = scores["band"].map(order).astype("float64")
    reached = (band_order >= order[target_band]) & scores["complete"].astype(bool)
    return {"reached": int(reached.sum()), "target": int(target)}
