"""Comparisons: dimension matrix, medians, a region's scorecard and history."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from dashboards.analytics.columns import _PEER_GROUPS
from dashboards.analytics.convert import _float, _int
from scoring.contract import pair


def _detail(frame: pd.DataFrame, key: str) -> pd.Series:
    """A details column as float64 (all NaN when the frame lacks it)."""
    if key in frame.columns:
        return frame[key].astype("float64")
    return pd.Series(np.nan, index=frame.index, dtype="float64")


def dimension_matrix(frame: pd.DataFrame, dimensions: Sequence[str]) -> pd.DataFrame:
    """name then one float64 column per dimension code (from "dimension:<code>"),
    indexed by region code, rows in the frame's order."""
    out = pd.DataFrame(
        {"name": frame["name"].to_numpy()},
        index=pd.Index(frame["region"].to_numpy(), name="region", dtype="str"),
    )
    out["name"] = out["name"].astype("str")
    for code in dimensions:
        out[code] = _detail(frame, f"dimension:{code}").to_numpy()
    return out


def _median(values: pd.Series) -> float | None:
    values = values.dropna()
    return _float(values.median()) if len(values) else None


def medians(frame: pd.DataFrame, keys: Sequence[str]) -> dict[str, float | None]:
    """The median of each column (NaN left out); None when it has no value."""
    return {key: _median(_detail(frame, key)) for key in keys}


def _confirmed(value: Any) -> bool:
    """A cohort is confirmed unless the registry says it is not (True for a
    registry without the column, as before the column existed)."""
    if value is None or value is pd.NA:
        return True
    return bool(value)


def _confirmed_mask(frame: pd.DataFrame) -> np.ndarray:
    if "cohort_confirmed" not in frame.columns:
        return np.ones(len(frame), dtype=bool)
    return frame["cohort_confirmed"].fillna(True).to_numpy(dtype=bool)


def _peer_count(
    frame: pd.DataFrame, rank: str, group: str | None, row: pd.Series
) -> int | None:
    ranked = frame[rank].notna().to_numpy()
    if group is None:
        return int(ranked.sum())
    value = row[group]
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    if group == "size_class" and value == "":
        return None
    same = (frame[group] == value).fillna(False).to_numpy(dtype=bool)
    return int((ranked & same).sum())


def scorecard(
    frame: pd.DataFrame,
    code: str,
    *,
    dimensions: Sequence[str],
    elements: Sequence[str],
) -> dict[str, Any]:
    """One region's card, JSON-serialisable: its results, each dimension and
    element against the median of the frame's rows that have a value (complete
    or not; for dimensions also of the rows of its cohort year, None without a
    cohort), and its ranks with the size of each peer group among the ranked
    rows ("of" is None when the region is in no such group). KeyError for a
    code not in the frame."""
    hits = np.flatnonzero(frame["region"].to_numpy(dtype=object) == code)
    if not len(hits):
        raise KeyError(code)
    row = frame.iloc[hits[0]]
    year = _int(row["cohort_year"])
    cohort_confirmed = _confirmed(row.get("cohort_confirmed"))
    # Cohort medians count only regions whose cohort is confirmed; a region
    # whose own cohort is unconfirmed has none (docs/scoring.md, "Cohorts").
    cohort = (
        frame.loc[
            (frame["cohort_year"] == year).fillna(False).to_numpy(dtype=bool)
            & _confirmed_mask(frame)
        ]
        if year is not None and cohort_confirmed
        else None
    )
    dims = []
    for dim in dimensions:
        key = f"dimension:{dim}"
        dims.append(
            {
                "code": dim,
                "value": _float(row.get(key)),
                "national_median": _median(_detail(frame, key)),
                "cohort_median": None
                if cohort is None
                else _median(_detail(cohort, key)),
            }
        )
    elems = []
    for element in elements:
        key = f"element:{element}"
        elems.append(
            {
                "code": element,
                "value": _float(row.get(key)),
                "national_median": _median(_detail(frame, key)),
            }
        )
    uncertainty = row.get("uncertainty")
    if not isinstance(uncertainty, Mapping):
        uncertainty = {}
    ranks = []
    for rank, (group, column) in _PEER_GROUPS.items():
        found = uncertainty.get(group) or {}
        ranks.append(
            {
                "group": group,
                "rank": _int(row[rank]),
                "of": _peer_count(frame, rank, column, row),
                # The 90% rank interval and the tied group in this peer group
                # ([None, None] when the release does not give them).
                "interval": [_int(v) for v in pair(found.get("interval"))],
                "tie": [_int(v) for v in pair(found.get("tie"))],
            }
        )
    return {
        "region": str(code),
        "name": str(row["name"]),
        "cohort_year": year,
        "cohort_confirmed": cohort_confirmed if year is not None else None,
        "index": _float(row["index"]),
        "band": str(row["band"]) if isinstance(row["band"], str) else "",
        "coverage": _float(row["coverage"]),
        "complete": bool(row["complete"]),
        "blueprint": _float(row["blueprint"]),
        "practice": _float(row["practice"]),
        "dimensions": dims,
        "elements": elems,
        "ranks": ranks,
        "rank_interval": [_int(row["rank_low"]), _int(row["rank_high"])],
        "ranked": bool(row.get("ranked", False)),
        "unranked_reason": str(row.get("unranked_reason") or ""),
        "n_reviews": _int(row.get("n_reviews")),
        "index_interval": [_float(row.get("index_low")), _float(row.get("index_high"))],
        "index_adjusted": _float(row.get("index_adjusted")),
        "rank_adjusted": _int(row.get("rank_adjusted")),
        "rank_change": _int(row.get("rank_change")),
    }


def history(entries: Sequence[Mapping[str, Any]], code: str) -> list[dict[str, Any]]:
    """One region's index, band and national rank in each release (ordered by
    year then release number), leaving out releases without the region."""
    out = []
    for entry in sorted(entries, key=lambda e: (int(e["year"]), int(e["number"]))):
        content = entry.get("content") or {}
        row = next(
            (r for r in content.get("regions") or [] if r.get("region") == code),
            None,
        )
        if row is None:
            continue
        out.append(
            {
                "cycle": entry["cycle"],
                "year": int(entry["year"]),
                "number": int(entry["number"]),
                "kind": entry["kind"],
                "published_at": entry["published_at"],
                "index": _float(row.get("index")),
                "band": row.get("band") or "",
                "rank_national": _int((row.get("ranks") or {}).get("rank_national")),
            }
        )
    return out
