"""The numbers of the public readiness dashboard, from a published release.

Pure functions over dicts and pandas DataFrames, no Django: the views read a
release's content (the JSON dict that scoring.services.release_content wrote)
and the region registry into a frame, and call these. Keeping them here lets
them be tested without a database.

The release frame (release_frame) has one row per region of the release:

    the registry columns   region, name, kind, province_code, province_name,
                           cohort_year (Int64), cohort_confirmed (boolean:
                           every membership that counts is confirmed; NA
                           outside the program), latitude, longitude (float64)
    the result             index, coverage, blueprint, practice (float64, NaN
                           for null), band (str, "" when none), complete (bool),
                           size_class (str, "" when none)
    the ranks              rank_national, rank_kind, rank_province,
                           rank_cohort, rank_size, rank_low, rank_high (Int64)
    the status             ranked (bool), unranked_reason (str: "incomplete",
                           "few_reviews", "no_index" or ""), n_reviews,
                           tie_low, tie_high (national tied group),
                           rank_adjusted, rank_change (Int64), index_low,
                           index_high, index_adjusted (float64), uncertainty
                           (object: the per-peer-group interval and tie);
                           see result_status for old releases
    the details            one float64 column per details key of the release,
                           named as the key ("dimension:GOV", "element:STR",
                           "aspect:baseline", "sub_dimension:GOV.KEB", ...)

Counting rules shared by progress() and band_distribution(): a region counts
in a band only when it is complete (an incomplete region keeps a band for
display but is never counted toward the program target). progress() counts
only the program's members (a cohort year), as the program counted; cohort
medians count only regions whose cohort is confirmed (docs/scoring.md,
"Kohort / Cohorts").
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "DETAIL_FAMILIES",
    "RANK_COLUMNS",
    "REGISTRY_COLUMNS",
    "band_distribution",
    "band_order",
    "bounds",
    "detail_columns",
    "dimension_matrix",
    "filter_frame",
    "history",
    "hotspot_counts",
    "hotspots",
    "medians",
    "progress",
    "release_frame",
    "review_progress",
    "scorecard",
]

# Registry columns and their dtypes, in the order the release frame has them.
REGISTRY_COLUMNS: dict[str, str] = {
    "region": "str",
    "name": "str",
    "kind": "str",
    "province_code": "str",
    "province_name": "str",
    "cohort_year": "Int64",
    "cohort_confirmed": "boolean",
    "latitude": "float64",
    "longitude": "float64",
}
RESULT_NUMBERS = ("index", "coverage", "blueprint", "practice")
RANK_COLUMNS = (
    "rank_national",
    "rank_kind",
    "rank_province",
    "rank_cohort",
    "rank_size",
)
INTERVAL_COLUMNS = ("rank_low", "rank_high")
# Detail key families, in the order exports and docs list them.
DETAIL_FAMILIES = ("dimension", "element", "aspect", "sub_dimension")
# Rank column -> (scorecard group name, registry/result column of the group).
_PEER_GROUPS = {
    "rank_national": ("national", None),
    "rank_kind": ("kind", "kind"),
    "rank_province": ("province", "province_code"),
    "rank_cohort": ("cohort", "cohort_year"),
    "rank_size": ("size", "size_class"),
}


# --------------------------------------------------------------------------
# Small conversions


def _float(value: Any) -> float | None:
    """A JSON-safe float: None for null, NA and NaN."""
    if value is None or value is pd.NA:
        return None
    number = float(value)
    return None if math.isnan(number) else number


def _int(value: Any) -> int | None:
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    return int(value)


def _floats(values: Iterable[Any]) -> np.ndarray:
    return np.array(
        [np.nan if v is None else float(v) for v in values], dtype="float64"
    )


def _ints(values: Iterable[Any]) -> pd.arrays.IntegerArray:
    return pd.array(list(values), dtype="Int64")


def detail_columns(columns: Iterable[str]) -> list[str]:
    """The details columns among `columns` ("family:code"), sorted by family
    (dimension, element, aspect, sub_dimension, then any other alphabetically)
    and then by code."""
    families = {family: k for k, family in enumerate(DETAIL_FAMILIES)}

    def key(column: str) -> tuple[int, str, str]:
        family, _, code = column.partition(":")
        return (families.get(family, len(families)), family, code)

    return sorted((c for c in columns if ":" in c), key=key)


# --------------------------------------------------------------------------
# A result's status (ranked, tied group, sensitivity)

MIN_REVIEWS = 3  # the framework's default when a release does not say
UNRANKED_REASONS = ("incomplete", "few_reviews", "no_index")


def _pair(value: Any) -> list[Any]:
    pair = list(value) if isinstance(value, list | tuple) else []
    return [*pair, None, None][:2]


def min_reviews(content: Mapping[str, Any]) -> int:
    """The release's minimum of submitted reviews for a rank."""
    method = content.get("method") or {}
    return _int(method.get("min_reviews")) or MIN_REVIEWS


def result_status(row: Mapping[str, Any], content: Mapping[str, Any]) -> dict[str, Any]:
    """Whether one region entry of a release is ranked and why not, its
    national tied group, index interval, severity-adjusted index and rank
    change, its interval and tie in each peer group; JSON-safe. A release
    published before these keys existed reads as it did: ranked when it has
    a national rank, its tie a group of one, no index interval, no adjusted
    index (docs/scoring.md; dashboards.display)."""
    ranks = row.get("ranks") or {}
    rank = _int(ranks.get("rank_national"))
    complete = bool(row.get("complete"))
    ranked = bool(row.get("ranked", rank is not None))
    reason = row.get("unranked_reason") or ""
    if not ranked and not reason:
        reason = "incomplete" if not complete else "no_index"
    tie = [_int(v) for v in _pair(row.get("tie"))]
    if ranked and rank is not None and tie[0] is None:
        tie = [rank, rank]
    interval = _pair(row.get("index_interval"))
    adjusted_rank = _int(row.get("rank_adjusted"))
    uncertainty = row.get("uncertainty") or {}
    if not uncertainty and ranked and rank is not None:
        uncertainty = {
            "national": {"interval": _pair(row.get("rank_interval")), "tie": tie}
        }
    return {
        "complete": complete,
        "ranked": ranked and rank is not None,
        "unranked_reason": "" if ranked and rank is not None else reason,
        "n_reviews": _int(row.get("n_reviews")),
        "min_reviews": min_reviews(content),
        "tie": tie,
        "tied": tie[0] is not None and tie[0] != tie[1],
        "index_interval": interval,
        "index_adjusted": row.get("index_adjusted"),
        "rank_adjusted": adjusted_rank,
        # Positive: the region climbs (a smaller rank number) once each
        # reviewer's severity is taken out; negative: it drops.
        "rank_change": None
        if rank is None or adjusted_rank is None
        else rank - adjusted_rank,
        "uncertainty": uncertainty,
        # A band is shown only for a complete result (old releases kept one).
        "band_shown": (row.get("band") or "") if complete else "",
    }


# --------------------------------------------------------------------------
# The release frame


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
            out[column] = regions[column].astype(dtype).array
        else:
            empty = pd.Series([None] * len(regions), dtype=object)
            out[column] = empty.astype(dtype).array
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
    names = joined["name"].to_numpy(dtype=object, na_value=None)
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

    def pick(column: str, value, current):
        return [
            value(published[code]) if code in published else old
            for code, old in zip(codes, current, strict=True)
        ]

    def counted(row) -> list[dict[str, Any]]:
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


# --------------------------------------------------------------------------
# Bands and progress


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


# --------------------------------------------------------------------------
# Comparisons


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


def _peer_count(frame: pd.DataFrame, rank: str, group: str | None, row) -> int | None:
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
                "interval": [_int(v) for v in _pair(found.get("interval"))],
                "tie": [_int(v) for v in _pair(found.get("tie"))],
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


# --------------------------------------------------------------------------
# Review work (the lead's dashboard)

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
