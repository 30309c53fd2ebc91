"""The release frame: a release's regions joined with the registry, and filters."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from dashboards.analytics.columns import (
    INTERVAL_COLUMNS,
    RANK_COLUMNS,
    REGISTRY_COLUMNS,
    RESULT_NUMBERS,
    detail_columns,
)
from dashboards.analytics.convert import _floats, _ints
from dashboards.analytics.status import result_status


def _registry(regions: pd.DataFrame) -> pd.DataFrame:
    """The registry with its documented columns (missing ones all NA), indexed
    by region code."""
    if "region" not in regions.columns:
        raise ValueError("regions lacks the region column")
    duplicated = regions["region"].duplicated()
    if duplicated.any():
        example = regions.loc[duplicated, "region"].iloc[:5].tolist()
        raise ValueError(f"regions lists region codes twice: {example}")
    out = {}
    for column, dtype in REGISTRY_COLUMNS.items():
        if column in regions.columns:
            out[column] = regions[column].astype(dtype).array  # type: ignore[call-overload]
        else:
            empty = pd.Series([None] * len(regions), dtype=object)
            out[column] = empty.astype(dtype).array  # type: ignore[call-overload]
    extra = [c for c in regions.columns if c not in REGISTRY_COLUMNS]
    for column in extra:
        out[column] = regions[column].array
    return pd.DataFrame(out).set_index(pd.Index(out["region"], name="region"))


def release_frame(content: Mapping[str, Any], regions: pd.DataFrame) -> pd.DataFrame:
    """One row per region of the release, joined with the registry (see the
    module docstring for the columns); sorted by national tied group, then
    rank_national (NA last), name and code. Kind, province and cohort are
    the release snapshot's (as at publication) when it has one. A region missing from the registry keeps its code as name."""
    rows = content.get("regions") or []
    codes = [str(row["region"]) for row in rows]
    if len(set(codes)) != len(codes):
        raise ValueError("the release lists a region twice")
    registry = _registry(_as_published(regions, content))
    joined = registry.reindex(pd.Index(codes, name="region"))
    columns: dict[str, Any] = {c: joined[c].array for c in registry.columns}
    columns["region"] = np.array(codes, dtype=object)
    names = joined["name"].to_numpy(dtype=object, na_value=None)  # type: ignore[call-overload]
    columns["name"] = np.array(
        [
            code if name is None else name
            for code, name in zip(codes, names, strict=True)
        ],
        dtype=object,
    )
    for column in RESULT_NUMBERS:
        columns[column] = _floats(row.get(column) for row in rows)
    columns["band"] = np.array([row.get("band") or "" for row in rows], dtype=object)
    columns["complete"] = np.array(
        [bool(row.get("complete")) for row in rows], dtype=bool
    )
    columns["size_class"] = np.array(
        [row.get("size_class") or "" for row in rows], dtype=object
    )
    for column in RANK_COLUMNS:
        columns[column] = _ints((row.get("ranks") or {}).get(column) for row in rows)
    intervals = [list(row.get("rank_interval") or [None, None]) for row in rows]
    for k, column in enumerate(INTERVAL_COLUMNS):
        columns[column] = _ints(
            pair[k] if len(pair) > k else None for pair in intervals
        )

    shown = [result_status(row, content) for row in rows]
    columns["ranked"] = np.array([s["ranked"] for s in shown], dtype=bool)
    columns["unranked_reason"] = pd.array(
        [s["unranked_reason"] for s in shown], dtype="str"
    )
    columns["n_reviews"] = _ints(s["n_reviews"] for s in shown)
    columns["tie_low"] = _ints(s["tie"][0] for s in shown)
    columns["tie_high"] = _ints(s["tie"][1] for s in shown)
    columns["index_low"] = _floats(s["index_interval"][0] for s in shown)
    columns["index_high"] = _floats(s["index_interval"][1] for s in shown)
    columns["index_adjusted"] = _floats(s["index_adjusted"] for s in shown)
    columns["rank_adjusted"] = _ints(s["rank_adjusted"] for s in shown)
    columns["rank_change"] = _ints(s["rank_change"] for s in shown)
    columns["uncertainty"] = np.array([s["uncertainty"] for s in shown], dtype=object)

    details: dict[str, np.ndarray] = {}
    for i, row in enumerate(rows):
        for key, value in (row.get("details") or {}).items():
            values = details.get(key)
            if values is None:
                values = details[key] = np.full(len(rows), np.nan)
            values[i] = np.nan if value is None else value
    for key in detail_columns(details):
        columns[key] = details[key]
    unknown = [key for key in details if key not in columns]  # keys without ":"
    for key in sorted(unknown):
        columns[key] = details[key]

    for column in ("region", "name", "band", "size_class"):
        columns[column] = pd.array(columns[column], dtype="str")
    frame = pd.DataFrame(columns)
    frame = frame.sort_values(
        ["tie_low", "rank_national", "name", "region"],
        na_position="last",
        kind="stable",
    )
    return frame.reset_index(drop=True)


def _as_published(regions: pd.DataFrame, content: Mapping[str, Any]) -> pd.DataFrame:
    """The registry with each region's kind, province and cohort as the
    release's snapshot recorded them at publication (its ranks and peer
    groups were computed from these, not from today's registry); names and
    locations stay the registry's. A release without a snapshot: unchanged."""
    shot = (content.get("snapshot") or {}).get("regions") if content else None
    if not shot or "region" not in regions.columns:
        return regions
    published = {str(row["region"]): row for row in shot}
    out = regions.copy()
    codes = out["region"].astype(str).tolist()
    missing = [code for code in published if code not in set(codes)]
    if missing:  # a region deleted from the registry since
        extra = pd.DataFrame({"region": missing})
        out = pd.concat([out, extra], ignore_index=True)
        codes = out["region"].astype(str).tolist()

    def pick(
        column: str, value: Callable[[Mapping[str, Any]], Any], current: list[Any]
    ) -> list[Any]:
        return [
            value(published[code]) if code in published else old
            for code, old in zip(codes, current, strict=True)
        ]

    def counted(row: Mapping[str, Any]) -> list[dict[str, Any]]:
        return [
            m for m in row.get("memberships") or [] if m.get("status") != "cancelled"
        ]

    def column(name: str) -> list[Any]:
        if name in out.columns:
            return out[name].tolist()
        return [None] * len(out)

    out["kind"] = pick("kind", lambda r: r.get("kind"), column("kind"))
    out["province_code"] = pick(
        "province_code", lambda r: r.get("province"), column("province_code")
    )
    out["province_name"] = pick(
        "province_name", lambda r: r.get("province_name"), column("province_name")
    )
    out["cohort_year"] = pd.array(
        pick("cohort_year", lambda r: r.get("cohort_year"), column("cohort_year")),
        dtype="Int64",
    )
    out["cohort_confirmed"] = pd.array(
        pick(
            "cohort_confirmed",
            lambda r: (
                all(m.get("confirmed") for m in counted(r)) if counted(r) else None
            ),
            column("cohort_confirmed"),
        ),
        dtype="boolean",
    )
    if "cohort_years" in out.columns:
        out["cohort_years"] = pd.Series(
            pick(
                "cohort_years",
                lambda r: tuple(sorted(m["year"] for m in counted(r))),
                column("cohort_years"),
            ),
            dtype=object,
        )
    return out


def filter_frame(
    frame: pd.DataFrame,
    *,
    cohort_year: int | None = None,
    province_code: str | None = None,
    kind: str | None = None,
) -> pd.DataFrame:
    """The rows matching every filter given (None: no filter), in their order.
    With a cohort_years column (tuples of every year whose membership counts)
    a cohort filter keeps the regions listed that year, as the region list
    does (Kabupaten Banyumas is in 2018 and 2019); without it, cohort_year."""
    mask = np.ones(len(frame), dtype=bool)
    if cohort_year is not None and "cohort_years" in frame.columns:
        wanted = int(cohort_year)
        mask &= np.array(
            [
                isinstance(years, tuple | list) and wanted in years
                for years in frame["cohort_years"]
            ],
            dtype=bool,
        )
    elif cohort_year is not None:
        mask &= (frame["cohort_year"] == int(cohort_year)).fillna(False).to_numpy()
    if province_code is not None:
        mask &= (frame["province_code"] == str(province_code)).to_numpy()
    if kind is not None:
        mask &= (frame["kind"] == str(kind)).to_numpy()
    return frame.loc[mask].reset_index(drop=True)
