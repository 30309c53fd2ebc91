"""Bands and ranks in every peer group.

Part of scoring.analytics (see its docstring for the method). Pure: no Django.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import numpy as np
import pandas as pd

from scoring.analytics.frames import (
    _REGIONS,
    COVERAGE_TOLERANCE,
    INDEX_DECIMALS,
    LARGE_ABOVE,
    RANK_GROUPS,
    SMALL_BELOW,
    _columns,
    _no_missing_keys,
    _unique,
    _weight,
)

# --------------------------------------------------------------------------
# Bands and ranks


def _bands(bands: Sequence[tuple[str, Any]]) -> tuple[list[str], np.ndarray]:
    """(codes, upper bounds of all but the top band as floats), checked."""
    bands = list(bands)
    if not bands:
        raise ValueError("at least one band is needed")
    codes = [str(code) for code, _ in bands]
    if len(set(codes)) != len(codes):
        raise ValueError("band codes must be unique")
    if bands[-1][1] is not None:
        raise ValueError("the top (last) band has no upper bound")
    if any(upper is None for _, upper in bands[:-1]):
        raise ValueError("only the top (last) band may lack an upper bound")
    uppers = np.array([float(upper) for _, upper in bands[:-1]])
    if np.any(np.diff(uppers) <= 0) or not np.all(np.isfinite(uppers)):
        raise ValueError("band upper bounds must increase")
    return codes, uppers


_SIX = Decimal(1).scaleb(-INDEX_DECIMALS)
SHOWN_DECIMALS = 2
_TWO = Decimal(1).scaleb(-SHOWN_DECIMALS)


def _index_key(index: pd.Series | np.ndarray) -> np.ndarray:
    return np.round(np.asarray(index, dtype="float64"), INDEX_DECIMALS)


def assign_bands(
    scores: pd.DataFrame,
    bands: Sequence[tuple[str, Any]],
    *,
    min_coverage: float,
) -> pd.DataFrame:
    """`scores` with band and complete added.

    bands: ordered (code, upper bound) pairs, the last with None. band is the
    code of the first band whose upper bound exceeds the index (rounded to
    INDEX_DECIMALS); NaN without an index. complete is True when the region has
    an index and coverage >= min_coverage (with a 1e-9 tolerance for float
    noise).
    """
    codes, uppers = _bands(bands)
    minimum = _weight(min_coverage, "min_coverage")
    out = scores.copy()
    key = _index_key(out["index"])
    coverage = pd.to_numeric(out["coverage"]).astype("float64")
    complete = ~np.isnan(key) & (coverage >= minimum - COVERAGE_TOLERANCE).to_numpy()
    shown = _shown(key)
    position = np.searchsorted(uppers, np.where(np.isnan(shown), 0.0, shown), "right")
    band = np.array(codes, dtype=object)[position]
    band[np.isnan(key) | ~complete] = None
    out["band"] = pd.Series(band, index=out.index, dtype="str")
    out["complete"] = complete
    return out


def _shown(key: np.ndarray) -> np.ndarray:
    """The index as shown: its 6-decimal value rounded half-up to 2 decimals
    (3.4996 shows 3.50), as exact decimals converted back to floats."""
    out = np.full(key.shape, np.nan)
    for k, value in enumerate(key.tolist()):
        if value == value:
            exact = Decimal(repr(value)).quantize(_SIX).quantize(_TWO, ROUND_HALF_UP)
            out[k] = float(exact)
    return out


def _size_class(population: pd.Series) -> pd.Series:
    pop = population.astype("Float64").astype("float64").to_numpy()
    size = np.select(
        [pop < SMALL_BELOW, pop <= LARGE_ABOVE, pop > LARGE_ABOVE],
        ["small", "medium", "large"],
        default="",
    ).astype(object)
    size[size == ""] = None
    return pd.Series(size, index=population.index, dtype="str")


def rank_regions(scores: pd.DataFrame, regions: pd.DataFrame) -> pd.DataFrame:
    """`scores` (with complete, from assign_bands) with size_class and ranks.

    regions: region, kind, province, cohort_year, population; every region in
    `scores` must be there. Adds size_class and rank_national, rank_kind,
    rank_province, rank_cohort, rank_size (Int64): ranks among ranked regions
    only (the "ranked" column when present, else complete), rank 1 = highest index, ties share the lower number (indices compared
    at INDEX_DECIMALS); NA for incomplete regions and unknown groups.
    """
    if "complete" not in scores.columns:
        raise ValueError("scores lacks complete: call assign_bands first")
    meta = _columns(regions, _REGIONS, "regions")
    _no_missing_keys(meta, ["region"], "regions")
    _unique(meta, ["region"], "regions")
    unknown = ~scores["region"].isin(meta["region"])
    if unknown.any():
        example = scores.loc[unknown, "region"].iloc[:5].tolist()
        raise ValueError(f"scores has regions missing from regions: {example}")
    meta = meta.set_index("region")
    meta = meta.loc[scores["region"].to_numpy()].set_index(scores.index)
    meta["cohort_year"] = meta["cohort_year"].astype("Int64")
    meta["size_class"] = _size_class(meta["population"].astype("Int64"))

    out = scores.copy()
    out["size_class"] = meta["size_class"]
    chosen = "ranked" if "ranked" in out.columns else "complete"
    complete = out[chosen].astype(bool).to_numpy()
    key = pd.Series(
        np.where(complete, _index_key(out["index"]), np.nan), index=out.index
    )
    out["rank_national"] = key.rank(method="min", ascending=False).astype("Int64")
    for column, group in RANK_GROUPS.items():
        ranks = key.groupby(meta[group], dropna=True).rank(
            method="min", ascending=False
        )
        out[column] = ranks.reindex(out.index).astype("Int64")
    return out
