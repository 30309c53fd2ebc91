"""Review work for the lead's dashboard: progress per reviewer or region, and
disagreement hotspots."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

_ASSIGNMENTS = ("reviewer", "region", "status", "answered", "indicators", "overdue")
_ANSWERS = ("region", "indicator", "reviewer", "level")


def _require(frame: pd.DataFrame, columns: Sequence[str], name: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{name} lacks columns {missing}")


def _counts(series: pd.Series) -> np.ndarray:
    return pd.to_numeric(series).fillna(0).to_numpy(dtype="float64")


def review_progress(assignments: pd.DataFrame, *, by: str = "reviewer") -> pd.DataFrame:
    """Per reviewer (or per region, `by="region"`): assigned (not withdrawn),
    submitted, answered_share (answered / indicators summed over the
    assignments not withdrawn; 0.0 when there are no indicators) and overdue
    (overdue assignments neither submitted nor withdrawn). Sorted by `by`."""
    if by not in ("reviewer", "region"):
        raise ValueError(f"by must be reviewer or region, not {by!r}")
    _require(assignments, _ASSIGNMENTS, "assignments")
    status = assignments["status"].astype(str)
    active = (status != "withdrawn").to_numpy()
    submitted = (status == "submitted").to_numpy()
    overdue = assignments["overdue"].fillna(False).astype(bool).to_numpy()
    parts = pd.DataFrame(
        {
            by: assignments[by].astype("str").to_numpy(),
            "assigned": active.astype("int64"),
            "submitted": submitted.astype("int64"),
            "answered": np.where(active, _counts(assignments["answered"]), 0),
            "indicators": np.where(active, _counts(assignments["indicators"]), 0),
            "overdue": (overdue & active & ~submitted).astype("int64"),
        }
    )
    sums = parts.groupby(by, sort=True).sum()
    answered = sums["answered"].to_numpy(dtype="float64")
    indicators = sums["indicators"].to_numpy(dtype="float64")
    share = np.divide(
        answered, indicators, out=np.zeros_like(answered), where=indicators > 0
    )
    return pd.DataFrame(
        {
            by: pd.Series(sums.index.to_numpy(), dtype="str"),
            "assigned": sums["assigned"].to_numpy(dtype="int64"),
            "submitted": sums["submitted"].to_numpy(dtype="int64"),
            "answered_share": share,
            "overdue": sums["overdue"].to_numpy(dtype="int64"),
        }
    )


_HOTSPOTS = ("region", "indicator", "min", "max", "spread", "reviewers")


def hotspots(answers: pd.DataFrame, *, spread: int = 2) -> pd.DataFrame:
    """(region, indicator) pairs where reviewers disagree: at least two numeric
    levels (no-evidence NaN left out) with max - min >= spread. Columns region,
    indicator, min, max, spread, reviewers (how many reviewers gave a numeric
    level); widest spread first, then region and indicator."""
    _require(answers, _ANSWERS, "answers")
    levels = answers.loc[:, list(_ANSWERS)].copy()
    levels["level"] = pd.to_numeric(levels["level"]).astype("float64")
    levels = levels.loc[levels["level"].notna()]
    stats = (
        levels.groupby(["region", "indicator"], sort=False)
        .agg(
            min=("level", "min"),
            max=("level", "max"),
            levels=("level", "size"),
            reviewers=("reviewer", "nunique"),
        )
        .reset_index()
    )
    stats["spread"] = stats["max"] - stats["min"]
    keep = (stats["levels"] >= 2) & (stats["spread"] >= spread - 1e-9)
    out = stats.loc[keep, list(_HOTSPOTS)]
    out = out.sort_values(
        ["spread", "region", "indicator"], ascending=[False, True, True]
    )
    out["reviewers"] = out["reviewers"].astype("int64")
    return out.reset_index(drop=True)


def hotspot_counts(hot: pd.DataFrame, by: str) -> pd.DataFrame:
    """Disagreements per region or per indicator: columns <by>, disagreements;
    most first, ties by <by>."""
    if by not in ("region", "indicator"):
        raise ValueError(f"by must be region or indicator, not {by!r}")
    counts = hot.groupby(by, sort=True).size().rename("disagreements").reset_index()
    counts["disagreements"] = counts["disagreements"].astype("int64")
    counts = counts.sort_values(
        ["disagreements", by], ascending=[False, True], kind="stable"
    )
    return counts.reset_index(drop=True)
