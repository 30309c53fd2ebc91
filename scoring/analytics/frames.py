"""Constants, column specifications and the checks of the input frames.

Part of scoring.analytics (see its docstring for the method). Pure: no Django.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from scoring import contract

PARTS = ("blueprint", "practice")
ASPECTS = ("baseline", "output", "outcome", "impact", "quick_win")
GROUP_KINDS = ("dimension", "aspect", "element", "sub_dimension")
LEVEL_MIN, LEVEL_MAX = 1.0, 5.0
INDEX_DECIMALS = 6
COVERAGE_TOLERANCE = 1e-9
SMALL_BELOW = 200_000  # population < 200,000: small
LARGE_ABOVE = 1_000_000  # population > 1,000,000: large; in between: medium
# Rank column -> input column forming the group, every peer group but national.
RANK_GROUPS = {
    group.rank: group.scoring_column
    for group in contract.PEER_GROUPS
    if group.scoring_column is not None
}
# Level cells (draws x regions x indicators) computed at once in rank_intervals.
_CHUNK_CELLS = 1_000_000
# Most answers-per-cell tuples (n**n) for which medians are tabulated.
_TUPLE_LIMIT = 50_000

_ANSWERS = {"region": "object", "indicator": "int64", "reviewer": "int64"}
_ANSWERS |= {"level": "float64"}
_DECISIONS = {"region": "object", "indicator": "int64", "level": "float64"}
_APPEALS = _DECISIONS | {"decided_at": "object"}
_LEVELS = {"region": "object", "indicator": "int64", "level": "float64"}
_INDICATORS = {
    "indicator": "int64",
    "part": "object",
    "aspect": "object",
    "sub_dimension": "object",
    "dimension": "object",
    "element": "object",
    "weight": "float64",
}
_REGIONS = {
    "region": "object",
    "kind": "object",
    "province": "object",
    "cohort_year": "Int64",
    "population": "Int64",
}


# --------------------------------------------------------------------------
# Input checks


def _columns(frame: pd.DataFrame | None, spec: Mapping[str, str], name: str):
    """The frame's `spec` columns (a fresh frame), or an empty frame with them
    when `frame` is None or has no columns at all."""
    if frame is None or len(frame.columns) == 0:
        return pd.DataFrame({c: pd.Series(dtype=d) for c, d in spec.items()})
    missing = [c for c in spec if c not in frame.columns]
    if missing:
        raise ValueError(f"{name} lacks column(s): {', '.join(missing)}")
    return frame[list(spec)].reset_index(drop=True)


def _numbers(series: pd.Series, name: str) -> np.ndarray:
    try:
        values = pd.to_numeric(series)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{name} must be numbers") from error
    return values.to_numpy(dtype="float64", na_value=np.nan)


def _ids(series: pd.Series, name: str) -> np.ndarray:
    values = _numbers(series, name)
    if np.isnan(values).any() or (values != np.round(values)).any():
        raise ValueError(f"{name} must be integer ids")
    return values.astype(np.int64)


def _levels(series: pd.Series, name: str, *, allow_missing: bool = True) -> np.ndarray:
    values = _numbers(series, name)
    missing = np.isnan(values)
    given = values[~missing]
    if ((given < LEVEL_MIN) | (given > LEVEL_MAX)).any():
        raise ValueError(f"{name} must be between 1 and 5")
    if not allow_missing and missing.any():
        raise ValueError(f"{name} must not be missing")
    return values


def _no_missing_keys(frame: pd.DataFrame, keys: list[str], name: str) -> None:
    if any(frame[key].isna().to_numpy().any() for key in keys):
        raise ValueError(f"{name}: {', '.join(keys)} must not be missing")


def _unique(frame: pd.DataFrame, keys: list[str], name: str) -> None:
    duplicated = frame.duplicated(keys, keep=False)
    if duplicated.any():
        example = frame.loc[duplicated, keys].iloc[0].tolist()
        raise ValueError(f"{name} has duplicate rows for {keys}: e.g. {example}")


def _weight(value: Any, name: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{name} must be a number") from error
    if not np.isfinite(number) or number < 0:
        raise ValueError(f"{name} must be a finite number >= 0")
    return number


def _codes(series: pd.Series) -> np.ndarray:
    """Codes as a numpy object array of str, missing as ""."""
    return series.astype(object).where(series.notna(), "").astype(str).to_numpy(object)


def _answers(answers: pd.DataFrame) -> pd.DataFrame:
    ans = _columns(answers, _ANSWERS, "answers")
    _no_missing_keys(ans, ["region"], "answers")
    ans["indicator"] = _ids(ans["indicator"], "answers.indicator")
    ans["reviewer"] = _ids(ans["reviewer"], "answers.reviewer")
    ans["level"] = _levels(ans["level"], "answers.level")
    _unique(ans, ["region", "indicator", "reviewer"], "answers")
    return ans


def _decisions(consensus: pd.DataFrame, appeals: pd.DataFrame) -> pd.DataFrame:
    """region, indicator, level, source for every decided (region, indicator):
    the latest upheld appeal, else the consensus. Sorted by region, indicator."""
    con = _columns(consensus, _DECISIONS, "consensus")
    _no_missing_keys(con, ["region"], "consensus")
    con["indicator"] = _ids(con["indicator"], "consensus.indicator")
    con["level"] = _levels(con["level"], "consensus.level", allow_missing=False)
    _unique(con, ["region", "indicator"], "consensus")

    app = _columns(appeals, _APPEALS, "appeals")
    _no_missing_keys(app, ["region"], "appeals")
    app["indicator"] = _ids(app["indicator"], "appeals.indicator")
    app["level"] = _levels(app["level"], "appeals.level", allow_missing=False)
    # Latest decision wins; equal times are settled by the higher level, so the
    # row order of the input never matters.
    app = app.sort_values(
        ["region", "indicator", "decided_at", "level"],
        na_position="first",
        kind="mergesort",
    ).drop_duplicates(["region", "indicator"], keep="last")

    decided = pd.concat(
        [
            app.loc[:, ["region", "indicator", "level"]].assign(source="appeal"),
            con.assign(source="consensus"),
        ],
        ignore_index=True,
    ).drop_duplicates(["region", "indicator"], keep="first")  # appeal over consensus
    return decided.sort_values(["region", "indicator"], kind="mergesort").reset_index(
        drop=True
    )
