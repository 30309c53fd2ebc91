"""Bands and progress toward the target."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from dashboards.analytics.convert import _int


def band_order(bands: Sequence[Sequence[Any]]) -> list[str]:
    """Band codes low -> high from the framework's [[code, upper], ...]."""
    codes = [str(band[0]) for band in bands]
    if not codes:
        raise ValueError("no bands")
    if len(set(codes)) != len(codes):
        raise ValueError(f"a band code appears twice: {codes}")
    return codes


def _band_positions(frame: pd.DataFrame, codes: list[str]) -> np.ndarray:
    """Each row's band position (0 = lowest), -1 for an incomplete or unbanded
    row; ValueError for a band that is not one of `codes`."""
    bands = frame["band"].fillna("").astype(str).to_numpy(dtype=object)
    unknown = sorted({b for b in bands if b and b not in codes})
    if unknown:
        raise ValueError(f"bands {unknown} are not among {codes}")
    position = {code: k for k, code in enumerate(codes)}
    out = np.array([position.get(b, -1) for b in bands], dtype=np.int64)
    out[~frame["complete"].to_numpy(dtype=bool)] = -1
    return out


def progress(
    frame: pd.DataFrame,
    *,
    bands: Sequence[Sequence[Any]],
    target_band: str,
    target: int,
    members: pd.DataFrame | None = None,
    scoped: bool = False,
) -> dict[str, Any]:
    """Progress toward the program target, counted as the program counted.

    reached: complete regions at target_band or above that are program members
    (a cohort year); assessed and complete: rows of the frame; by_cohort: per
    cohort year (regions in no cohort last, under cohort_year None, their
    "reached" being non-members at the target band, not counted above).

    members: the registry rows in view (the registry filtered as the frame
    was); a row with a cohort year is a member. Without a scope (`scoped`
    False) the denominator is the program's target only when the registry
    holds as many members ("whole"); otherwise it is the number of members on
    record and "unknown" says how many the registry lacks. With a scope
    (a province, cohort or kind filter) the denominator is the members in view
    and the national target is not used.
    """
    codes = band_order(bands)
    if target_band not in codes:
        raise ValueError(f"target band {target_band!r} is not one of {codes}")
    at_target = _band_positions(frame, codes) >= codes.index(target_band)
    years = frame["cohort_year"].astype("Int64")
    member = years.notna().to_numpy(dtype=bool)
    reached = at_target & member
    counts = (
        pd.DataFrame({"year": years, "reached": at_target})
        .groupby("year", dropna=False, sort=True)["reached"]
        .agg(["size", "sum"])
    )
    by_cohort = [
        {"cohort_year": _int(year), "assessed": int(size), "reached": int(total)}
        for year, size, total in zip(
            counts.index, counts["size"], counts["sum"], strict=True
        )
    ]
    by_cohort.sort(
        key=lambda item: (item["cohort_year"] is None, item["cohort_year"] or 0)
    )
    if members is None:
        members = frame
    in_program = members["cohort_year"].notna().to_numpy(dtype=bool)
    known = int(in_program.sum())
    if "cohort_confirmed" in members.columns:
        certain = members["cohort_confirmed"].fillna(False).to_numpy(dtype=bool)
        unconfirmed = int((in_program & ~certain).sum())
    else:
        unconfirmed = 0
    whole = not scoped and known >= int(target)
    return {
        "reached": int(reached.sum()),
        "assessed": len(frame),
        "complete": int(frame["complete"].astype(bool).sum()),
        "target": int(target),
        "members": known,
        "members_unconfirmed": unconfirmed,
        "unknown": None if scoped else max(0, int(target) - known),
        "scoped": bool(scoped),
        "whole": whole,
        "denominator": int(target) if whole else known,
        "by_cohort": by_cohort,
    }


def bounds(
    frame: pd.DataFrame, *, margin: float = 0.5, min_span: float = 2.0
) -> dict[str, list[float]] | None:
    """The longitude and latitude ranges ({"x": [west, east], "y": [south,
    north]}) holding every located row, widened by `margin` degrees and to at
    least `min_span` degrees each way; None when no row has a location."""
    lons = pd.to_numeric(frame["longitude"], errors="coerce").astype("float64")
    lats = pd.to_numeric(frame["latitude"], errors="coerce").astype("float64")
    located = (lons.notna() & lats.notna()).to_numpy(dtype=bool)
    if not located.any():
        return None

    def span(values: pd.Series) -> list[float]:
        low, high = float(values.min()) - margin, float(values.max()) + margin
        if high - low < min_span:
            middle = (low + high) / 2
            low, high = middle - min_span / 2, middle + min_span / 2
        return [round(low, 3), round(high, 3)]

    return {"x": span(lons[located]), "y": span(lats[located])}


def band_distribution(
    frame: pd.DataFrame, *, bands: Sequence[Sequence[Any]]
) -> pd.DataFrame:
    """Complete regions per band, every band low -> high (zeros included), then
    a row with band "" for the incomplete or unbanded regions when there are
    any. Columns band, regions."""
    codes = band_order(bands)
    positions = _band_positions(frame, codes)
    counts = np.bincount(positions + 1, minlength=len(codes) + 1)
    labels, numbers = list(codes), [int(n) for n in counts[1:]]
    if counts[0]:
        labels.append("")
        numbers.append(int(counts[0]))
    return pd.DataFrame(
        {
            "band": pd.Series(labels, dtype="str"),
            "regions": pd.Series(numbers, dtype="int64"),
        }
    )
