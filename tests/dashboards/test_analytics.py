"""The dashboard arithmetic in dashboards.analytics, without a database.

The release fixture (data/release_2017.json) is a real published release of
25 regions, trimmed of its indicator levels; the registry comes from the
region files in regions/data. Larger releases are made up by synthetic_release.
"""

from __future__ import annotations

import ast
import copy
import json
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboards.analytics import (
    band_distribution,
    band_order,
    dimension_matrix,
    filter_frame,
    history,
    hotspot_counts,
    hotspots,
    medians,
    progress,
    release_frame,
    review_progress,
    scorecard,
)

ROOT = Path(__file__).parents[2]
REGION_FILES = ROOT / "regions" / "data"
RELEASE_FILE = Path(__file__).parent / "data" / "release_2017.json"
BANDS = [
    ["kurang", "1.8"],
    ["cukup", "2.6"],
    ["baik", "3.5"],
    ["sangat_baik", "4.2"],
    ["memuaskan", None],
]
DIMENSIONS = ["GOV", "ECO", "BRA", "SOC", "LIV", "ENV"]
ELEMENTS = ["STR", "INF", "SUP"]
REGISTRY_COLUMNS = [
    "region",
    "name",
    "kind",
    "province_code",
    "province_name",
    "cohort_year",
    "cohort_confirmed",
    "latitude",
    "longitude",
]
PROPERTY = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


# Test data -------------------------------------------------------------------


@cache
def _registry() -> pd.DataFrame:
    regions = pd.read_csv(REGION_FILES / "regions.csv", dtype=str)
    locations = pd.read_csv(
        REGION_FILES / "region_locations.csv",
        dtype={"code": str},
        usecols=["code", "latitude", "longitude"],
    )
    cohorts = pd.read_csv(REGION_FILES / "cohorts.csv", dtype={"code": str})
    # A region's cohort: its earliest membership that was not cancelled.
    cohorts = cohorts.loc[cohorts["status"] != "cancelled"]
    first_year = cohorts.groupby("code")["batch_year"].min()
    # Certain only when every membership that counts is confirmed.
    certain = (cohorts["confirmed"] == "yes").groupby(cohorts["code"]).all()
    frame = regions.rename(columns={"code": "region"}).merge(
        locations.rename(columns={"code": "region"}), on="region", how="left"
    )
    frame["cohort_year"] = frame["region"].map(first_year).astype("Int64")
    frame["cohort_confirmed"] = frame["region"].map(certain).astype("boolean")
    return frame.loc[:, REGISTRY_COLUMNS]


def registry() -> pd.DataFrame:
    """The 514 kabupaten/kota with their cohort year and location."""
    return _registry().copy()


def release_content() -> dict[str, Any]:
    """A fresh copy of the 25-region 2017 release."""
    return json.loads(RELEASE_FILE.read_text(encoding="utf-8"))


def _band(index: float) -> str:
    uppers = [float(upper) for _, upper in BANDS[:-1]]
    return BANDS[int(np.searchsorted(uppers, index, side="right"))][0]


def synthetic_release(regions: pd.DataFrame, *, seed: int = 2017) -> dict[str, Any]:
    """A release of every region in `regions`: random results, about one in ten
    regions incomplete, ranks computed as the scoring does (complete only,
    ties share the lower number)."""
    rng = np.random.default_rng(seed)
    n = len(regions)
    index = np.round(rng.uniform(1.5, 4.6, n), 6)
    complete = rng.uniform(size=n) > 0.1
    meta = regions.reset_index(drop=True)
    key = pd.Series(np.where(complete, index, np.nan))
    ranks = {"rank_national": key.rank(method="min", ascending=False)}
    size = pd.Series(rng.choice(["small", "medium", "large"], n))
    for column, group in {
        "rank_kind": meta["kind"],
        "rank_province": meta["province_code"],
        "rank_cohort": meta["cohort_year"],
        "rank_size": size,
    }.items():
        ranks[column] = key.groupby(group, dropna=True).rank(
            method="min", ascending=False
        )
    rows = []
    for i, code in enumerate(meta["region"]):
        details = {f"dimension:{d}": float(rng.uniform(1, 5)) for d in DIMENSIONS}
        details |= {f"element:{e}": float(rng.uniform(1, 5)) for e in ELEMENTS}
        details |= {"aspect:baseline": 3.0, "sub_dimension:GOV.KEB": 2.5}
        national = ranks["rank_national"].iloc[i]
        rows.append(
            {
                "region": code,
                "index": f"{index[i]:.6f}",
                "band": _band(index[i]),
                "coverage": "1.000000" if complete[i] else "0.500000",
                "complete": bool(complete[i]),
                "blueprint": f"{index[i]:.2f}",
                "practice": f"{index[i]:.2f}",
                "details": details,
                "size_class": size[i],
                "ranks": {
                    column: None if np.isnan(values.iloc[i]) else int(values.iloc[i])
                    for column, values in ranks.items()
                },
                "rank_interval": (
                    [None, None]
                    if np.isnan(national)
                    else [max(1, int(national) - 3), int(national) + 3]
                ),
                "levels": {"BP-GOV-01": {"level": "3", "source": "median"}},
            }
        )
    reached = sum(
        1
        for row in rows
        if row["complete"] and band_order(BANDS).index(row["band"]) >= 2
    )
    return {
        "cycle": {"id": 9, "name": "Synthetic", "year": 2019},
        "framework": {"code": "SYN", "bands": BANDS, "target_band": "baik"},
        "progress": {"reached": reached, "target": 100},
        "alpha": 0.5,
        "regions": rows,
    }


def _region(code: str, index: float | None, rank: int | None, **extra: Any):
    """One release region entry, complete when it has a rank."""
    row = {
        "region": code,
        "index": None if index is None else f"{index:.6f}",
        "band": "" if index is None else _band(index),
        "coverage": "1.000000" if rank is not None else "0.000000",
        "complete": rank is not None,
        "blueprint": None,
        "practice": None,
        "details": {},
        "size_class": "medium",
        "ranks": {"rank_national": rank},
        "rank_interval": [rank, rank],
        "levels": {},
    }
    row.update(extra)
    return row


def small_registry() -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "region": ["11.01", "11.71", "12.71", "36.74"],
            "name": ["Kabupaten A", "Kota B", "Kota C", "Kota Tangerang Selatan"],
            "kind": ["kabupaten", "kota", "kota", "kota"],
            "province_code": ["11", "11", "12", "36"],
            "province_name": ["Aceh", "Aceh", "Sumatera Utara", "Banten"],
            "cohort_year": pd.array([2017, None, 2018, 2017], dtype="Int64"),
            "latitude": [1.0, 2.0, np.nan, -6.3],
            "longitude": [95.0, 96.0, np.nan, 106.7],
        }
    )
    return frame


@pytest.fixture
def content() -> dict[str, Any]:
    return release_content()


@pytest.fixture
def frame(content: dict[str, Any]) -> pd.DataFrame:
    return release_frame(content, registry())


# Purity -----------------------------------------------------------------------


def test_modules_import_without_django() -> None:
    code = (
        "import sys\n"
        "import dashboards.analytics, dashboards.exports, scoring.contract\n"
        "loaded = [m for m in sys.modules if m == 'django' or m.startswith('django.')]\n"
        "assert not loaded, loaded\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr


def test_package_imports_only_pandas_numpy_and_itself() -> None:
    """An AST scan of every module of dashboards.analytics: no Django, no I/O."""
    package = ROOT / "dashboards" / "analytics"
    modules: set[str] = set()
    for path in package.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                modules |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                if node.module in ("dashboards", "scoring"):  # from scoring import x
                    modules |= {f"{node.module}.{a.name}" for a in node.names}
                else:
                    modules.add(node.module or "")
    own = {m for m in modules if m.startswith(("dashboards.", "scoring."))}
    assert own
    # The package itself and the release contract (pure too), nothing else.
    assert all(
        m.startswith("dashboards.analytics.") or m == "scoring.contract" for m in own
    )
    assert {m.split(".")[0] for m in modules - own} <= {
        "__future__",
        "collections",
        "math",
        "numpy",
        "pandas",
        "typing",
    }


# release_frame ----------------------------------------------------------------


STATUS_COLUMNS = [
    "ranked",
    "unranked_reason",
    "n_reviews",
    "tie_low",
    "tie_high",
    "index_low",
    "index_high",
    "index_adjusted",
    "rank_adjusted",
    "rank_change",
    "uncertainty",
]


def test_release_frame_columns_and_dtypes(
    frame: pd.DataFrame, content: dict[str, Any]
) -> None:
    assert len(frame) == len(content["regions"]) == 25
    fixed = [
        *REGISTRY_COLUMNS,
        "index",
        "coverage",
        "blueprint",
        "practice",
        "band",
        "complete",
        "size_class",
        "rank_national",
        "rank_kind",
        "rank_province",
        "rank_cohort",
        "rank_size",
        "rank_low",
        "rank_high",
        *STATUS_COLUMNS,
    ]
    assert list(frame.columns[: len(fixed)]) == fixed
    keys = {key for row in content["regions"] for key in row["details"]}
    assert set(frame.columns[len(fixed) :]) == keys
    assert "dimension:GOV" in keys
    assert "sub_dimension:GOV.KEB" in keys
    dtypes = frame.dtypes.astype(str).to_dict()
    for column in ("index", "coverage", "blueprint", "practice", *keys):
        assert dtypes[column] == "float64", column
    for column in ("rank_national", "rank_size", "rank_low", "rank_high"):
        assert dtypes[column] == "Int64", column
    assert dtypes["cohort_year"] == "Int64"
    assert dtypes["complete"] == "bool"
    assert dtypes["latitude"] == "float64"


def test_release_frame_values(frame: pd.DataFrame) -> None:
    row = frame.set_index("region").loc["14.05"]
    assert row["name"] == "Kabupaten Pelalawan"
    assert row["kind"] == "kabupaten"
    assert row["province_code"] == "14"
    assert row["province_name"] == "Riau"
    assert row["cohort_year"] == 2017
    assert row["index"] == pytest.approx(3.155184)
    assert row["blueprint"] == pytest.approx(3.258621)
    assert row["band"] == "baik"
    assert bool(row["complete"]) is True
    assert row["size_class"] == "medium"
    assert (row["rank_national"], row["rank_kind"], row["rank_province"]) == (13, 7, 2)
    assert (row["rank_low"], row["rank_high"]) == (6, 21)
    assert row["dimension:GOV"] == pytest.approx(3.096774)
    assert row["sub_dimension:ENV.ENE"] == pytest.approx(3.5)


def test_release_frame_sorted_by_national_rank_na_last(frame: pd.DataFrame) -> None:
    assert frame["rank_national"].iloc[:24].tolist() == list(range(1, 25))
    last = frame.iloc[-1]
    assert last["region"] == "36.74"
    assert pd.isna(last["rank_national"])
    assert np.isnan(last["index"])
    assert last["band"] == ""
    assert not last["complete"]
    assert np.isnan(last["dimension:GOV"])  # no details at all
    assert pd.isna(last["rank_low"])
    assert pd.isna(last["rank_high"])


def test_release_frame_ties_and_unranked_sorted_by_name() -> None:
    content = {
        "regions": [
            _region("12.71", 3.0, 1),
            _region("11.71", None, None),
            _region("11.01", 3.0, 1),
            _region("36.74", 2.0, None),
        ]
    }
    frame = release_frame(content, small_registry())
    assert frame["region"].tolist() == ["11.01", "12.71", "11.71", "36.74"]


def test_release_frame_unknown_region_and_missing_keys() -> None:
    regions = small_registry()
    content = {
        "regions": [
            _region("11.01", 3.2, 1, details={"dimension:GOV": 3.5}),
            _region("99.99", 2.9, 2, details={"element:STR": 2.0}),
            {"region": "11.71"},  # a bare entry: everything missing
        ]
    }
    frame = release_frame(content, regions).set_index("region")
    unknown = frame.loc["99.99"]
    assert unknown["name"] == "99.99"
    assert pd.isna(unknown["kind"])
    assert pd.isna(unknown["cohort_year"])
    assert np.isnan(unknown["latitude"])
    assert np.isnan(unknown["dimension:GOV"])
    assert frame.loc["11.01", "dimension:GOV"] == 3.5
    assert np.isnan(frame.loc["11.01", "element:STR"])
    bare = frame.loc["11.71"]
    assert bare["band"] == ""
    assert bare["size_class"] == ""
    assert not bare["complete"]
    assert pd.isna(bare["rank_national"])
    assert pd.isna(bare["rank_high"])


def test_release_frame_registry_without_optional_columns() -> None:
    regions = small_registry().loc[:, ["region", "name"]]
    frame = release_frame({"regions": [_region("11.01", 3.2, 1)]}, regions)
    assert list(frame.columns[: len(REGISTRY_COLUMNS)]) == REGISTRY_COLUMNS
    assert pd.isna(frame.loc[0, "cohort_year"])
    assert str(frame["cohort_year"].dtype) == "Int64"


def test_release_frame_empty_release() -> None:
    frame = release_frame({"regions": []}, small_registry())
    assert len(frame) == 0
    assert "rank_national" in frame.columns
    assert "index" in frame.columns


def test_release_frame_rejects_duplicates() -> None:
    regions = pd.concat([small_registry(), small_registry().iloc[:1]])
    with pytest.raises(ValueError, match="twice"):
        release_frame({"regions": [_region("11.01", 3.0, 1)]}, regions)
    twice = {"regions": [_region("11.01", 3.0, 1), _region("11.01", 3.0, 1)]}
    with pytest.raises(ValueError, match="twice"):
        release_frame(twice, small_registry())


def test_release_frame_takes_every_registered_region() -> None:
    # Its speed is measured by `make bench` (the dashboard's cold build).
    regions = registry()
    assert len(regions) == 514
    frame = release_frame(synthetic_release(regions), regions)
    assert len(frame) == 514
    assert frame["rank_national"].dropna().is_monotonic_increasing


# filter_frame and band_order ----------------------------------------------------


def test_filter_frame() -> None:
    content = {
        "regions": [
            _region("11.01", 3.0, 1),
            _region("11.71", 2.0, 2),
            _region("12.71", 4.0, 3),
            _region("36.74", None, None),
        ]
    }
    frame = release_frame(content, small_registry())
    assert len(filter_frame(frame)) == 4
    in_2017 = filter_frame(frame, cohort_year=2017)
    assert sorted(in_2017["region"]) == ["11.01", "36.74"]  # NA cohort left out
    assert filter_frame(frame, province_code="11")["region"].tolist() == [
        "11.01",
        "11.71",
    ]
    both = filter_frame(frame, cohort_year=2017, kind="kota")
    assert both["region"].tolist() == ["36.74"]
    assert len(filter_frame(frame, kind="kabupaten", province_code="12")) == 0
    assert filter_frame(frame, kind="kota").index.tolist() == [0, 1, 2]


def test_band_order() -> None:
    assert band_order(BANDS) == ["kurang", "cukup", "baik", "sangat_baik", "memuaskan"]
    assert band_order([("low", 2), ("high", None)]) == ["low", "high"]
    with pytest.raises(ValueError, match="twice"):
        band_order([["a", 1], ["a", None]])
    with pytest.raises(ValueError, match="no bands"):
        band_order([])


# progress and band_distribution ---------------------------------------------------


def test_progress_agrees_with_the_release(
    frame: pd.DataFrame, content: dict[str, Any]
) -> None:
    framework = content["framework"]
    result = progress(
        frame,
        bands=framework["bands"],
        target_band=framework["target_band"],
        target=content["progress"]["target"],
    )
    assert result["reached"] == content["progress"]["reached"] == 24
    assert result == {
        "reached": 24,
        "assessed": 25,
        "complete": 24,
        "target": 100,
        "members": 25,  # without a registry: the release's own members
        "members_unconfirmed": 0,
        "unknown": 75,
        "scoped": False,
        "whole": False,
        "denominator": 25,
        "by_cohort": [{"cohort_year": 2017, "assessed": 25, "reached": 24}],
    }


def test_progress_agrees_with_a_synthetic_release() -> None:
    regions = registry()
    content = synthetic_release(regions, seed=5)
    frame = release_frame(content, regions)
    result = progress(
        frame, bands=BANDS, target_band="baik", target=100, members=regions
    )
    assert result["assessed"] == 514
    by_cohort = result["by_cohort"]
    assert [c["cohort_year"] for c in by_cohort] == [2017, 2018, 2019, None]
    assert sum(c["assessed"] for c in by_cohort) == 514
    # The release counts every region; the program counts its members only.
    outside = by_cohort[-1]["reached"]
    assert outside > 0
    assert result["reached"] == content["progress"]["reached"] - outside
    assert sum(c["reached"] for c in by_cohort[:3]) == result["reached"]
    # The shipped lists: 99 distinct members (Banyumas twice), 3 unconfirmed.
    assert (result["members"], result["unknown"]) == (99, 1)
    assert result["members_unconfirmed"] == 3
    assert (result["whole"], result["denominator"]) == (False, 99)
    members = regions["cohort_year"].value_counts().to_dict()
    assert {c["cohort_year"]: c["assessed"] for c in by_cohort[:3]} == members


def test_progress_counts_complete_regions_at_or_above_the_target() -> None:
    content = {
        "regions": [
            _region("11.01", 3.6, 1),  # sangat_baik
            _region("11.71", 2.7, 2),  # baik
            _region("12.71", 2.0, 3),  # cukup
            _region("36.74", 4.5, None),  # memuaskan but incomplete
        ]
    }
    frame = release_frame(content, small_registry())
    result = progress(frame, bands=BANDS, target_band="baik", target=3)
    assert result["reached"] == 1  # 11.71 (in no cohort) is not a member
    assert result["complete"] == 3
    assert result["by_cohort"] == [
        {"cohort_year": 2017, "assessed": 2, "reached": 1},
        {"cohort_year": 2018, "assessed": 1, "reached": 0},
        {"cohort_year": None, "assessed": 1, "reached": 1},
    ]
    with pytest.raises(ValueError, match="target band"):
        progress(frame, bands=BANDS, target_band="hebat", target=3)


def test_band_distribution(frame: pd.DataFrame) -> None:
    table = band_distribution(frame, bands=BANDS)
    assert table["band"].tolist() == [*band_order(BANDS), ""]
    assert table["regions"].tolist() == [0, 0, 24, 0, 0, 1]
    assert str(table["regions"].dtype) == "int64"
    complete = filter_frame(frame, kind="kota").loc[lambda f: f["complete"]]
    assert band_distribution(complete, bands=BANDS)["band"].tolist() == band_order(
        BANDS
    )


def test_band_distribution_counts_incomplete_regions_as_unbanded() -> None:
    content = {"regions": [_region("11.01", 3.6, 1), _region("36.74", 4.5, None)]}
    frame = release_frame(content, small_registry())
    table = band_distribution(frame, bands=BANDS).set_index("band")["regions"]
    assert table["sangat_baik"] == 1
    assert table["memuaskan"] == 0
    assert table[""] == 1


def test_band_distribution_rejects_unknown_bands() -> None:
    content = {"regions": [_region("11.01", 3.6, 1, band="luar_biasa")]}
    frame = release_frame(content, small_registry())
    with pytest.raises(ValueError, match="luar_biasa"):
        band_distribution(frame, bands=BANDS)


band_rows = st.lists(
    st.tuples(
        st.one_of(st.none(), st.floats(1, 5, allow_nan=False)),
        st.booleans(),
        st.sampled_from([None, 2017, 2018]),
    ),
    max_size=30,
)


@PROPERTY
@given(rows=band_rows, target=st.sampled_from(band_order(BANDS)))
def test_distribution_and_progress_agree(rows, target: str) -> None:
    frame = pd.DataFrame(
        {
            "band": [_band(i) if i is not None else "" for i, _, _ in rows],
            "complete": [c and i is not None for i, c, _ in rows],
            "cohort_year": pd.array([y for _, _, y in rows], dtype="Int64"),
        }
    )
    table = band_distribution(frame, bands=BANDS)
    assert table["regions"].sum() == len(frame)
    unbanded = int((~frame["complete"]).sum())
    expected = [*band_order(BANDS), ""] if unbanded else band_order(BANDS)
    assert table["band"].tolist() == expected
    assert table["regions"].iloc[-1] == unbanded or not unbanded
    result = progress(frame, bands=BANDS, target_band=target, target=100)
    at_or_above = band_order(BANDS)[band_order(BANDS).index(target) :]
    members = frame.loc[frame["cohort_year"].notna().to_numpy(dtype=bool)]
    counted = band_distribution(members, bands=BANDS).set_index("band")["regions"]
    assert result["reached"] == int(counted[at_or_above].sum())
    in_cohorts = [c for c in result["by_cohort"] if c["cohort_year"] is not None]
    assert sum(c["reached"] for c in in_cohorts) == result["reached"]
    assert sum(c["assessed"] for c in result["by_cohort"]) == len(frame)
    years = [c["cohort_year"] for c in result["by_cohort"]]
    assert years == sorted(years, key=lambda y: (y is None, y or 0))


# Comparisons -------------------------------------------------------------------


def test_dimension_matrix(frame: pd.DataFrame) -> None:
    matrix = dimension_matrix(frame, [*DIMENSIONS, "XYZ"])
    assert list(matrix.columns) == ["name", *DIMENSIONS, "XYZ"]
    assert matrix.index.name == "region"
    assert matrix.index.tolist() == frame["region"].tolist()
    assert matrix.loc["14.05", "GOV"] == pytest.approx(3.096774)
    assert matrix.loc["14.05", "name"] == "Kabupaten Pelalawan"
    assert matrix["XYZ"].isna().all()
    assert np.isnan(matrix.loc["36.74", "ENV"])
    assert (matrix[DIMENSIONS].dtypes == "float64").all()


def test_medians(frame: pd.DataFrame) -> None:
    result = medians(frame, ["dimension:GOV", "index", "dimension:XYZ"])
    assert result["dimension:GOV"] == pytest.approx(
        float(np.nanmedian(frame["dimension:GOV"]))
    )
    assert result["index"] == pytest.approx(float(np.nanmedian(frame["index"])))
    assert result["dimension:XYZ"] is None
    empty = frame.iloc[:0]
    assert medians(empty, ["dimension:GOV"]) == {"dimension:GOV": None}
    assert type(result["index"]) is float


def test_scorecard(frame: pd.DataFrame) -> None:
    card = scorecard(frame, "14.05", dimensions=DIMENSIONS, elements=ELEMENTS)
    json.dumps(card, allow_nan=False)  # plain Python values, no NaN
    assert card["region"] == "14.05"
    assert card["name"] == "Kabupaten Pelalawan"
    assert card["index"] == pytest.approx(3.155184)
    assert card["band"] == "baik"
    assert card["complete"] is True
    assert card["coverage"] == 1.0
    assert card["rank_interval"] == [6, 21]
    gov = card["dimensions"][0]
    assert gov["code"] == "GOV"
    assert gov["value"] == pytest.approx(3.096774)
    assert gov["national_median"] == pytest.approx(
        float(frame["dimension:GOV"].median())
    )
    assert gov["cohort_median"] == gov["national_median"]  # all in 2017
    assert [e["code"] for e in card["elements"]] == ELEMENTS
    assert set(card["elements"][0]) == {"code", "value", "national_median"}
    ranks = {r["group"]: (r["rank"], r["of"]) for r in card["ranks"]}
    assert list(ranks) == ["national", "kind", "province", "cohort", "size"]
    assert ranks["national"] == (13, 24)
    ranked_kabupaten = frame.loc[
        (frame["kind"] == "kabupaten") & frame["rank_kind"].notna()
    ]
    assert ranks["kind"] == (7, len(ranked_kabupaten))
    riau = frame.loc[(frame["province_code"] == "14") & frame["rank_province"].notna()]
    assert ranks["province"] == (2, len(riau))
    assert ranks["cohort"] == (13, 24)
    for item in card["ranks"]:
        assert type(item["rank"]) is int
        assert type(item["of"]) is int


def test_scorecard_of_an_unranked_region(frame: pd.DataFrame) -> None:
    card = scorecard(frame, "36.74", dimensions=DIMENSIONS, elements=ELEMENTS)
    json.dumps(card, allow_nan=False)
    assert card["index"] is None
    assert card["band"] == ""
    assert card["complete"] is False
    assert card["dimensions"][0]["value"] is None
    assert card["dimensions"][0]["national_median"] is not None
    assert all(r["rank"] is None for r in card["ranks"])
    assert card["rank_interval"] == [None, None]


def test_scorecard_without_cohort_and_unknown_code() -> None:
    content = {
        "regions": [
            _region("11.01", 3.0, 1, details={"dimension:GOV": 3.0}),
            _region("11.71", 2.0, 2, details={"dimension:GOV": 2.0}),
            _region("36.74", 4.0, 3, details={"dimension:GOV": 4.0}),
        ]
    }
    frame = release_frame(content, small_registry())
    card = scorecard(frame, "11.71", dimensions=["GOV"], elements=[])
    assert card["dimensions"] == [
        {"code": "GOV", "value": 2.0, "national_median": 3.0, "cohort_median": None}
    ]
    cohort = {r["group"]: r["of"] for r in card["ranks"]}["cohort"]
    assert cohort is None
    in_2017 = scorecard(frame, "11.01", dimensions=["GOV"], elements=[])
    assert in_2017["dimensions"][0]["cohort_median"] == 3.5
    with pytest.raises(KeyError):
        scorecard(frame, "99.99", dimensions=["GOV"], elements=[])


def test_history() -> None:
    content = release_content()
    later = copy.deepcopy(content)
    entry = next(r for r in later["regions"] if r["region"] == "14.05")
    entry.update(index="3.400000", band="baik", ranks={"rank_national": 2})
    without = copy.deepcopy(content)
    without["regions"] = [r for r in without["regions"] if r["region"] != "14.05"]

    def release(year: int, number: int, kind: str, content: dict) -> dict:
        return {
            "cycle": f"GM100SC {year}",
            "year": year,
            "number": number,
            "kind": kind,
            "published_at": f"{year}-12-0{number}T10:00:00+07:00",
            "content": content,
        }

    entries = [
        release(2018, 1, "final", later),
        release(2017, 2, "final", content),
        release(2018, 2, "provisional", without),
        release(2017, 1, "provisional", content),
    ]
    result = history(entries, "14.05")
    assert [(h["year"], h["number"]) for h in result] == [
        (2017, 1),
        (2017, 2),
        (2018, 1),
    ]
    assert result[0] == {
        "cycle": "GM100SC 2017",
        "year": 2017,
        "number": 1,
        "kind": "provisional",
        "published_at": "2017-12-01T10:00:00+07:00",
        "index": pytest.approx(3.155184),
        "band": "baik",
        "rank_national": 13,
    }
    assert result[-1]["index"] == 3.4
    assert result[-1]["rank_national"] == 2
    unranked = history(entries, "36.74")[0]
    assert unranked["index"] is None
    assert unranked["rank_national"] is None
    assert unranked["band"] == ""
    assert history(entries, "99.99") == []


# Review work ---------------------------------------------------------------------


def test_review_progress() -> None:
    assignments = pd.DataFrame(
        [
            ("budi", "11.01", "submitted", 60, 60, False),
            ("budi", "11.71", "draft", 30, 60, True),
            ("budi", "12.71", "withdrawn", 0, 60, True),
            ("ani", "11.01", "draft", 15, 60, False),
            ("ani", "12.71", "submitted", 60, 60, True),
            ("citra", "36.74", "withdrawn", 10, 60, True),
        ],
        columns=["reviewer", "region", "status", "answered", "indicators", "overdue"],
    )
    table = review_progress(assignments)
    assert list(table.columns) == [
        "reviewer",
        "assigned",
        "submitted",
        "answered_share",
        "overdue",
    ]
    assert table["reviewer"].tolist() == ["ani", "budi", "citra"]
    rows = table.set_index("reviewer")
    assert rows.loc["budi", "assigned"] == 2
    assert rows.loc["budi", "submitted"] == 1
    assert rows.loc["budi", "answered_share"] == pytest.approx(90 / 120)
    assert rows.loc["budi", "overdue"] == 1  # the withdrawn one does not count
    assert rows.loc["ani", "overdue"] == 0  # submitted, even if late
    assert rows.loc["ani", "answered_share"] == pytest.approx(75 / 120)
    assert rows.loc["citra"].tolist() == [0, 0, 0.0, 0]
    assert str(table["assigned"].dtype) == "int64"
    assert str(table["answered_share"].dtype) == "float64"


def test_review_progress_empty() -> None:
    columns = ["reviewer", "region", "status", "answered", "indicators", "overdue"]
    table = review_progress(pd.DataFrame(columns=columns))
    assert len(table) == 0
    assert "answered_share" in table.columns
    with pytest.raises(ValueError, match="overdue"):
        review_progress(pd.DataFrame(columns=columns[:-1]))


def _answers(rows: list[tuple[str, str, str, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["region", "indicator", "reviewer", "level"])


def test_hotspots() -> None:
    nan = np.nan
    answers = _answers(
        [
            ("11.01", "BP-GOV-01", "ani", 1),
            ("11.01", "BP-GOV-01", "budi", 4),
            ("11.01", "BP-GOV-01", "citra", 3),
            ("11.01", "BP-GOV-02", "ani", 2),
            ("11.01", "BP-GOV-02", "budi", 3),  # spread 1
            ("11.71", "BP-GOV-01", "ani", 5),
            ("11.71", "BP-GOV-01", "budi", nan),  # one numeric level only
            ("11.71", "BP-ECO-01", "ani", 2),
            ("11.71", "BP-ECO-01", "budi", 4),
            ("11.71", "BP-ECO-01", "citra", nan),
            ("12.71", "BP-ECO-01", "ani", 1),
            ("12.71", "BP-ECO-01", "budi", 3),
        ]
    )
    hot = hotspots(answers)
    assert list(hot.columns) == [
        "region",
        "indicator",
        "min",
        "max",
        "spread",
        "reviewers",
    ]
    assert hot[["region", "indicator"]].values.tolist() == [
        ["11.01", "BP-GOV-01"],
        ["11.71", "BP-ECO-01"],
        ["12.71", "BP-ECO-01"],
    ]
    first = hot.iloc[0]
    assert (first["min"], first["max"], first["spread"], first["reviewers"]) == (
        1,
        4,
        3,
        3,
    )
    assert hot.iloc[1]["reviewers"] == 2  # the no-evidence answer left out
    assert len(hotspots(answers, spread=3)) == 1
    assert len(hotspots(answers, spread=1)) == 4

    by_indicator = hotspot_counts(hot, "indicator")
    assert by_indicator.values.tolist() == [["BP-ECO-01", 2], ["BP-GOV-01", 1]]
    by_region = hotspot_counts(hot, "region")
    assert list(by_region.columns) == ["region", "disagreements"]
    assert by_region["disagreements"].tolist() == [1, 1, 1]
    assert by_region["region"].tolist() == ["11.01", "11.71", "12.71"]
    with pytest.raises(ValueError, match="reviewer"):
        hotspot_counts(hot, "reviewer")


def test_hotspots_empty() -> None:
    hot = hotspots(_answers([("11.01", "BP-GOV-01", "ani", np.nan)]))
    assert len(hot) == 0
    assert "spread" in hot.columns
    assert len(hotspot_counts(hot, "region")) == 0


@PROPERTY
@given(
    levels=st.lists(
        st.tuples(
            st.sampled_from(["11.01", "11.71"]),
            st.sampled_from(["A", "B", "C"]),
            st.sampled_from(["ani", "budi", "citra"]),
            st.one_of(st.just(np.nan), st.integers(1, 5).map(float)),
        ),
        max_size=40,
        unique_by=lambda t: t[:3],
    ),
    spread=st.integers(1, 4),
)
def test_hotspots_properties(levels, spread: int) -> None:
    answers = _answers(levels)
    hot = hotspots(answers, spread=spread)
    assert (hot["spread"] >= spread).all()
    assert (hot["spread"] == hot["max"] - hot["min"]).all()
    assert (hot["reviewers"] >= 2).all()
    assert hot["spread"].is_monotonic_decreasing
    assert not hot.duplicated(["region", "indicator"]).any()
    numeric = answers.dropna(subset=["level"])
    for (region, indicator), group in numeric.groupby(["region", "indicator"]):
        wide = len(group) >= 2 and group["level"].max() - group["level"].min() >= spread
        found = ((hot["region"] == region) & (hot["indicator"] == indicator)).any()
        assert found == wide
    counts = hotspot_counts(hot, "indicator")
    assert counts["disagreements"].sum() == len(hot)


def test_review_progress_per_region() -> None:
    assignments = pd.DataFrame(
        {
            "reviewer": ["a", "b", "a"],
            "region": ["36.74", "36.74", "36.71"],
            "status": ["submitted", "draft", "draft"],
            "answered": [53, 10, 0],
            "indicators": [53, 53, 53],
            "overdue": [False, True, True],
        }
    )
    table = review_progress(assignments, by="region")
    assert table["region"].tolist() == ["36.71", "36.74"]
    assert table["assigned"].tolist() == [1, 2]
    assert table["submitted"].tolist() == [0, 1]
    assert table["overdue"].tolist() == [1, 1]
    assert table["answered_share"].tolist() == pytest.approx([0.0, 63 / 106])
    with pytest.raises(ValueError, match="reviewer or region"):
        review_progress(assignments, by="indicator")
