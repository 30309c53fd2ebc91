"""The dashboard's pure chart builders (the dashboards.charts package)."""

from __future__ import annotations

import ast
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from dashboards import charts
from dashboards.charts import style

BANDS = ["kurang", "cukup", "baik", "sangat_baik", "memuaskan"]
EDGES = [1.8, 2.6, 3.5, 4.2]
DIMENSIONS = ["GOV", "ECO", "BRA", "SOC", "LIV", "ENV"]
ELEMENTS = ["STR", "INF", "SUP"]
FAMILY = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"

EN = {
    "band:kurang": "Poor",
    "band:cukup": "Fair",
    "band:baik": "Good",
    "band:sangat_baik": "Very good",
    "band:memuaskan": "Excellent",
    "band:none": "No band",
    "dimension:GOV": "Governance",
    "dimension:ECO": "Economy",
    "dimension:BRA": "Branding",
    "dimension:SOC": "Society",
    "dimension:LIV": "Living",
    "dimension:ENV": "Environment",
    "element:STR": "Structure",
    "element:INF": "Infrastructure",
    "element:SUP": "Superstructure",
    "kind:provisional": "Provisional",
    "kind:final": "Final",
    "cohort:none": "No cohort",
    "progress:overall": "All cohorts",
    "status:incomplete": "Incomplete",
    "series:region": "This region",
    "series:national_median": "National median",
    "series:cohort_median": "Cohort median",
    "part:blueprint": "Blueprint",
    "part:practice": "Practice",
    "title:progress": "Progress to the target",
    "title:ranking": "Ranking",
    "title:heatmap": "Dimension scores",
    "title:bands": "Regions per band",
    "title:map": "Map of results",
    "title:radar": "Dimensions",
    "title:parts": "Blueprint and practice",
    "title:elements": "Readiness elements",
    "title:history": "History",
    "title:reviewers": "Reviewer progress",
    "title:hotspots": "Disagreement hotspots",
    "col:region": "Region",
    "col:province": "Province",
    "col:index": "Index",
    "col:band": "Band",
    "col:rank": "Rank",
    "col:cohort": "Cohort",
    "col:assessed": "Assessed",
    "col:reached": "Reached",
    "col:target": "Target",
    "col:regions": "Regions",
    "col:latitude": "Latitude",
    "col:longitude": "Longitude",
    "col:dimension": "Dimension",
    "col:element": "Element",
    "col:part": "Part",
    "col:score": "Score",
    "col:cycle": "Cycle",
    "col:release": "Release",
    "col:kind": "Kind",
    "col:published": "Published",
    "col:reviewer": "Reviewer",
    "col:assigned": "Assigned",
    "col:submitted": "Submitted",
    "col:remaining": "Remaining",
    "col:answered_share": "Answered",
    "col:overdue": "Overdue",
    "col:disagreements": "Disagreements",
    "col:indicator": "Indicator",
}
ID = {
    **{key: f"[id] {value}" for key, value in EN.items()},
    "dimension:GOV": "Tata Kelola",
    "band:baik": "Baik",
    "col:region": "Daerah",
    "title:ranking": "Peringkat",
}


def make_frame(n: int, seed: int = 7) -> pd.DataFrame:
    """n synthetic regions in rank order; some without a score or coordinates."""
    rng = np.random.default_rng(seed)
    index = rng.uniform(1, 5, n)
    index[rng.random(n) < 0.1] = np.nan
    index = np.sort(index)[::-1]  # NaN first after reversing: move them last
    index = np.concatenate([index[~np.isnan(index)], index[np.isnan(index)]])
    band = [
        "" if np.isnan(v) else BANDS[int(np.searchsorted(EDGES, v, side="right"))]
        for v in index
    ]
    complete = (rng.random(n) > 0.15) & ~np.isnan(index)
    ranks = pd.array(
        [i + 1 if c else None for i, c in enumerate(complete)], dtype="Int64"
    )
    latitude = rng.uniform(-11, 6, n)
    latitude[rng.random(n) < 0.1] = np.nan
    data: dict[str, Any] = {
        "region": [f"{11 + i // 25}.{i % 25 + 1:02d}" for i in range(n)],
        "name": [f"Kota {i}" for i in range(n)],
        "kind": ["kota" if i % 3 else "kabupaten" for i in range(n)],
        "province_code": [str(11 + i // 25) for i in range(n)],
        "province_name": [f"Provinsi {i // 25}" for i in range(n)],
        "cohort_year": pd.array(
            [None if i % 9 == 0 else 2017 + i % 3 for i in range(n)], dtype="Int64"
        ),
        "latitude": latitude,
        "longitude": rng.uniform(95, 141, n),
        "index": index,
        "band": band,
        "complete": complete,
        "coverage": rng.uniform(0.5, 1, n),
        "blueprint": rng.uniform(1, 5, n),
        "practice": rng.uniform(1, 5, n),
        "rank_national": ranks,
        "rank_low": ranks,
        "rank_high": ranks,
    }
    for code in DIMENSIONS:
        values = rng.uniform(1, 5, n)
        values[rng.random(n) < 0.1] = np.nan
        data[f"dimension:{code}"] = values
    for code in ELEMENTS:
        data[f"element:{code}"] = rng.uniform(1, 5, n)
    return pd.DataFrame(data)


PROGRESS = {
    "reached": 24,
    "target": 100,
    "by_cohort": [
        {"cohort_year": 2018, "assessed": 50, "reached": 9},
        {"cohort_year": None, "assessed": 4, "reached": 1},
        {"cohort_year": 2017, "assessed": 25, "reached": 14},
    ],
}
RADAR = [
    {"code": code, "value": 2 + i / 3, "national_median": 2.5, "cohort_median": 3.0}
    for i, code in enumerate(DIMENSIONS)
]
ELEMENT_ROWS = [
    {"code": code, "value": 3.0 + i / 4, "national_median": 2.75}
    for i, code in enumerate(ELEMENTS)
]
HISTORY = [
    {
        "cycle": "2017",
        "year": 2017,
        "number": n,
        "kind": "final" if n == 3 else "provisional",
        "published_at": f"2017-11-0{n}T09:00:00+07:00",
        "index": 2.5 + n / 10,
        "band": "baik",
        "rank_national": 20 - n,
    }
    for n in (1, 2, 3)
]
REVIEWERS = [
    {
        "reviewer": f"reviewer{i}@example.org",
        "assigned": 12,
        "submitted": i,
        "answered_share": i / 12,
        "overdue": i % 3,
    }
    for i in range(6)
]
HOTSPOTS = [{"indicator": f"GOV.{i}", "disagreements": i % 27} for i in range(30)]
DISTRIBUTION = [("baik", 40), ("kurang", 12), ("", 5), ("memuaskan", 3)]


def build_all(
    frame: pd.DataFrame, labels: dict[str, str], separators: str
) -> dict[str, dict[str, Any]]:
    """Every chart of the module, built from the same inputs."""
    return {
        "progress": charts.progress_chart(PROGRESS, labels, separators),
        "ranking": charts.ranking_chart(frame, BANDS, labels, separators),
        "heatmap": charts.heatmap_chart(frame, DIMENSIONS, labels, separators),
        "bands": charts.band_chart(DISTRIBUTION, BANDS, labels, separators),
        "map": charts.map_chart(frame, BANDS, labels, separators),
        "radar": charts.radar_chart(RADAR, labels, separators),
        "parts": charts.parts_chart(
            3.1, 2.4, labels, separators, national={"blueprint": 2.5, "practice": 2.2}
        ),
        "elements": charts.elements_chart(ELEMENT_ROWS, labels, separators),
        "history": charts.history_chart(HISTORY, labels, separators),
        "reviewers": charts.reviewer_progress_chart(REVIEWERS, labels, separators),
        "hotspots": charts.hotspot_chart(HOTSPOTS, labels, separators, key="indicator"),
    }


def build_empty(labels: dict[str, str], separators: str) -> dict[str, dict[str, Any]]:
    """Every chart from empty inputs."""
    frame = make_frame(5).iloc[0:0]
    return {
        "progress": charts.progress_chart(
            {"reached": 0, "target": 100, "by_cohort": []}, labels, separators
        ),
        "ranking": charts.ranking_chart(frame, BANDS, labels, separators),
        "heatmap": charts.heatmap_chart(frame, DIMENSIONS, labels, separators),
        "bands": charts.band_chart([], BANDS, labels, separators),
        "map": charts.map_chart(frame, BANDS, labels, separators),
        "radar": charts.radar_chart([], labels, separators),
        "parts": charts.parts_chart(None, None, labels, separators),
        "elements": charts.elements_chart([], labels, separators),
        "history": charts.history_chart([], labels, separators),
        "reviewers": charts.reviewer_progress_chart([], labels, separators),
        "hotspots": charts.hotspot_chart([], labels, separators, key="indicator"),
    }


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return make_frame(60)


@pytest.fixture(scope="module")
def built(frame: pd.DataFrame) -> dict[str, dict[str, Any]]:
    return build_all(frame, EN, ".,")


def walk(
    node: Any, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], Any]]:
    """(key path, value) of every leaf and dict in a JSON tree."""
    yield path, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from walk(value, (*path, key))
    elif isinstance(node, list):
        for value in node:
            yield from walk(value, path)


def points(trace: dict[str, Any]) -> int:
    """Non-null data points of a trace."""
    if trace["type"] == "heatmap":
        return sum(v is not None for row in trace.get("z", []) for v in row)
    key = {"scatterpolar": "r"}.get(trace["type"])
    if key is None:
        key = "x" if trace.get("orientation") == "h" else "y"
    return sum(v is not None for v in trace.get(key, []))


def bars(result: dict[str, Any]) -> list[dict[str, Any]]:
    return [t for t in result["figure"]["data"] if t["type"] == "bar"]


def texts(result: dict[str, Any]) -> list[dict[str, Any]]:
    return [t for t in result["figure"]["data"] if t.get("mode") == "text"]


def strings(result: dict[str, Any]) -> str:
    return json.dumps(result, ensure_ascii=False)


def luminance(color: str) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(int(color[i : i + 2], 16) / 255) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG 2.1 contrast ratio."""
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def contrast_on_white(color: str) -> float:
    return contrast(color, "#ffffff")


# --- every chart -------------------------------------------------------------

NAMES = [
    "progress",
    "ranking",
    "heatmap",
    "bands",
    "map",
    "radar",
    "parts",
    "elements",
    "history",
    "reviewers",
    "hotspots",
]


@pytest.mark.parametrize("name", NAMES)
def test_result_is_json_and_shaped(built: dict[str, Any], name: str) -> None:
    result = built[name]
    assert json.loads(json.dumps(result, allow_nan=False)) == result
    assert set(result) == {"figure", "table"}
    table = result["table"]
    assert set(table) == {"caption", "columns", "rows"}
    assert table["caption"]
    assert all(isinstance(c, str) for c in table["columns"])
    for row in table["rows"]:
        assert len(row) == len(table["columns"])
        assert all(isinstance(cell, int | float | str) for cell in row)
        assert all(
            not isinstance(cell, float) or round(cell, 2) == cell for cell in row
        )


@pytest.mark.parametrize("name", NAMES)
def test_layout_is_accessible_and_small(built: dict[str, Any], name: str) -> None:
    layout = built[name]["figure"]["layout"]
    assert layout["separators"] == ".,"
    assert layout["font"]["family"] == FAMILY
    assert layout["autosize"] is True
    assert "width" not in layout
    assert layout["height"] >= 200
    # Small margins (the radar's leave room for its angular labels).
    assert all(v <= 80 for k, v in layout["margin"].items() if k != "pad")
    assert len(json.dumps(layout.get("template", {}))) < 200
    sizes = [
        value["size"]
        for path, value in walk(built[name]["figure"])
        if path and path[-1].endswith("font") and "size" in value
    ]
    assert sizes
    assert min(sizes) >= 12


@pytest.mark.parametrize("name", NAMES)
def test_floats_in_figure_have_three_decimals(built: dict[str, Any], name: str) -> None:
    for trace in built[name]["figure"]["data"]:
        for key in ("x", "y", "r"):
            for value in trace.get(key, []):
                assert not isinstance(value, float) or round(value, 3) == value


@pytest.mark.parametrize("separators", [",.", ".,"])
def test_separators_pass_through(frame: pd.DataFrame, separators: str) -> None:
    for result in build_all(frame, EN, separators).values():
        assert result["figure"]["layout"]["separators"] == separators


def test_indonesian_separators_format_hover_numbers(frame: pd.DataFrame) -> None:
    result = charts.map_chart(frame, BANDS, ID, ",.")
    hover_values = [row[2] for t in result["figure"]["data"] for row in t["customdata"]]
    assert any("," in v and "." not in v for v in hover_values)


@pytest.mark.parametrize("name", NAMES)
def test_empty_inputs_give_valid_figures_and_empty_tables(name: str) -> None:
    result = build_empty(EN, ",.")[name]
    json.dumps(result, allow_nan=False)
    assert result["figure"]["layout"]["separators"] == ",."
    if name not in ("progress", "bands", "parts"):
        assert result["table"]["rows"] == []
    if name not in ("progress", "bands"):
        assert all(points(t) == 0 for t in result["figure"]["data"])


def test_progress_without_cohorts_shows_the_overall_row() -> None:
    result = charts.progress_chart({"reached": 0, "target": 100}, EN, ".,")
    assert result["table"]["rows"] == [["All cohorts", "", 0, 100]]
    traces = {t["name"]: t for t in result["figure"]["data"]}
    assert traces["Assessed"]["x"] == []


def test_empty_band_chart_shows_every_band_at_zero() -> None:
    result = charts.band_chart([], BANDS, EN, ".,")
    assert result["table"]["rows"] == [[EN[f"band:{b}"], 0] for b in BANDS]


def test_empty_parts_chart_has_no_bars() -> None:
    result = charts.parts_chart(None, None, EN, ".,")
    assert [row[1:] for row in result["table"]["rows"]] == [[""], [""]]


def test_package_is_pure() -> None:
    """Plotly and pandas only: no Django, no I/O, nothing outside the package."""
    modules: set[str] = set()
    for path in Path(charts.__file__).parent.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        modules |= {
            alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.Import)
            for alias in node.names
        } | {
            node.module or ""
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom)
        }
    own = {m for m in modules if m.startswith("dashboards.")}
    assert own
    assert all(m.startswith("dashboards.charts.") for m in own)
    assert {m.split(".")[0] for m in modules - own} <= {
        "__future__",
        "json",
        "math",
        "numbers",
        "collections",
        "typing",
        "pandas",
        "plotly",
    }


def test_missing_labels_fall_back_to_keys(frame: pd.DataFrame) -> None:
    result = charts.ranking_chart(frame, BANDS, {}, ".,")
    assert result["figure"]["layout"]["title"]["text"] == "title:ranking"
    assert result["table"]["columns"][1] == "col:region"
    assert {t["name"] for t in bars(result)} <= {f"band:{b}" for b in BANDS} | {
        "band:none"
    }


# --- bands -------------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 3, 5, 8])
def test_band_colours_and_symbols_differ(count: int) -> None:
    bands = [f"b{i}" for i in range(count)]
    colors = charts.band_colors(bands)
    symbols = charts.band_symbols(bands)
    assert set(colors) == set(symbols) == {*bands, ""}
    assert len(set(colors.values())) == count + 1
    assert len(set(symbols.values())) == count + 1
    assert all(contrast_on_white(c) >= 3 for c in colors.values())


def test_band_palette_runs_low_to_high() -> None:
    colors = charts.band_colors(BANDS)
    assert [colors[b] for b in BANDS] == list(style._BAND_PALETTE)
    assert colors[""] == charts.NO_BAND_COLOR


# --- progress ----------------------------------------------------------------


def test_progress_chart(built: dict[str, Any]) -> None:
    result = built["progress"]
    traces = {t["name"]: t for t in result["figure"]["data"]}
    assert traces["Target"]["x"] == [100]
    assert traces["Reached"]["y"] == ["All cohorts", "2017", "2018", "No cohort"]
    assert traces["Reached"]["x"] == [24, 14, 9, 1]
    assert traces["Assessed"]["x"] == [25, 50, 4]
    # Reached and its background differ by bar width, not only colour.
    assert traces["Reached"]["width"] < traces["Assessed"]["width"]
    assert result["table"]["columns"] == ["Cohort", "Assessed", "Reached", "Target"]
    assert result["table"]["rows"] == [
        ["All cohorts", "", 24, 100],
        ["2017", 25, 14, ""],
        ["2018", 50, 9, ""],
        ["No cohort", 4, 1, ""],
    ]
    assert result["figure"]["layout"]["yaxis"]["type"] == "category"


# --- ranking -----------------------------------------------------------------


def test_ranking_has_one_bar_per_scored_region(
    frame: pd.DataFrame, built: dict[str, Any]
) -> None:
    result = built["ranking"]
    scored = int(frame["index"].notna().sum())
    assert scored < len(frame)
    assert sum(points(t) for t in bars(result)) == scored
    assert len(result["table"]["rows"]) == scored
    labels = texts(result)
    assert {t["type"] for t in labels} == {"scatter"}
    assert sum(points(t) for t in labels) == scored
    assert not any("error_x" in t for t in result["figure"]["data"])


def test_ranking_keeps_rank_order_best_on_top(
    frame: pd.DataFrame, built: dict[str, Any]
) -> None:
    yaxis = built["ranking"]["figure"]["layout"]["yaxis"]
    assert yaxis["autorange"] == "reversed"
    expected = frame.loc[frame["index"].notna(), "name"].tolist()
    assert yaxis["categoryarray"] == expected
    assert [row[1] for row in built["ranking"]["table"]["rows"]] == expected


def test_ranking_bands_by_colour_and_text(
    frame: pd.DataFrame, built: dict[str, Any]
) -> None:
    traces = bars(built["ranking"])
    colors = charts.band_colors(BANDS)
    # Incomplete results carry no band colour (issue 14): one grey, hatched
    # trace after the bands.
    assert not frame.loc[frame["index"].notna(), "complete"].all()
    assert [t["name"] for t in traces] == [
        *(EN[f"band:{b}"] for b in BANDS),
        EN["band:none"],
    ]
    for band, trace in zip(BANDS, traces[: len(BANDS)], strict=True):
        assert trace["marker"]["color"] == colors[band]
        assert EN[f"band:{band}"] in trace["hovertemplate"]
    assert traces[-1]["marker"]["color"] == charts.NO_BAND_COLOR
    assert set(traces[-1]["marker"]["pattern"]["shape"]) == {"/"}
    scored = frame[frame["index"].notna()]
    shown = {
        (y, text)
        for t in texts(built["ranking"])
        for y, text in zip(t["y"], t["text"], strict=True)
    }
    assert shown == {
        (
            name,
            f"{value:.2f} · "
            + (EN[f"band:{band}"] if done else EN["status:incomplete"]),
        )
        for name, value, band, done in zip(
            scored["name"],
            scored["index"],
            scored["band"],
            scored["complete"],
            strict=True,
        )
    }
    for trace in texts(built["ranking"]):
        assert trace["textfont"]["size"] >= 12


def test_ranking_text_inside_long_bars_after_short_ones(
    frame: pd.DataFrame, built: dict[str, Any]
) -> None:
    placed = {
        y: (x, t["textposition"], t["textfont"]["color"])
        for t in texts(built["ranking"])
        for x, y in zip(t["x"], t["y"], strict=True)
    }
    scored = frame[frame["index"].notna()]
    best, worst = scored.iloc[0], scored.iloc[-1]
    x, position, ink = placed[best["name"]]
    assert (x, position) == (round(best["index"], 3), "middle left")  # inside
    color = (
        charts.band_colors(BANDS)[best["band"]]
        if best["complete"]
        else charts.NO_BAND_COLOR  # incomplete: no band colour
    )
    assert contrast(color, ink) >= 4.5
    x, position, ink = placed[worst["name"]]
    assert (x, position, ink) == (round(worst["index"], 3), "middle right", "#1a1a1a")


def test_ranking_text_from_the_bar_start_when_nowhere_else_fits() -> None:
    frame = make_frame(3)
    frame["index"] = [3.4, 3.3, 3.2]
    frame["band"] = "baik"
    frame["complete"] = True
    labels = {**EN, "band:baik": "A rather long band name"}
    result = charts.ranking_chart(frame, BANDS, labels, ",.")
    (trace,) = texts(result)
    assert trace["textposition"] == "middle right"
    assert trace["textfont"]["color"] == "#000000"
    assert max(trace["x"]) < 0.1
    assert trace["text"][0] == "3,40 · A rather long band name"


def test_band_colours_take_black_text_except_the_top_band() -> None:
    colors = charts.band_colors(BANDS)
    for band in BANDS[:-1]:
        assert contrast(colors[band], "#000000") >= 4.5
    assert contrast(colors[BANDS[-1]], "#ffffff") >= 4.5


def test_ranking_table_and_limit(frame: pd.DataFrame) -> None:
    result = charts.ranking_chart(frame, BANDS, EN, ".,", limit=10)
    assert sum(points(t) for t in bars(result)) == 10
    assert result["table"]["columns"] == [
        "Rank",
        "Region",
        "Province",
        "Index",
        "Band",
        EN.get("col:status", "col:status"),
    ]
    first = result["table"]["rows"][0]
    row = frame.iloc[0]
    assert first[1:4] == [row["name"], row["province_name"], round(row["index"], 2)]
    band = EN[f"band:{row['band']}"] if row["complete"] else EN["status:incomplete"]
    assert first[4] == band
    assert first[0] == (int(row["rank_national"]) if row["complete"] else "")


def test_ranking_height_grows_with_rows() -> None:
    small = charts.ranking_chart(make_frame(10), BANDS, EN, ".,")
    large = charts.ranking_chart(make_frame(514), BANDS, EN, ".,")
    assert (
        small["figure"]["layout"]["height"]
        < large["figure"]["layout"]["height"]
        <= charts.MAX_HEIGHT
    )


def test_ranking_marks_incomplete_results(built: dict[str, Any]) -> None:
    rows = [cd for t in bars(built["ranking"]) for cd in t["customdata"]]
    assert any(status == "Incomplete" for _, status, _ in rows)
    assert any(status.startswith("Rank: ") for _, status, _ in rows)
    assert {code for *_, code in rows} <= set(make_frame(60)["region"])


def test_duplicate_region_names_stay_separate() -> None:
    frame = make_frame(4)
    frame["index"] = [4.5, 4.0, 3.0, 2.0]
    frame.loc[:, "name"] = ["Kota Baru", "Kota Baru", "Kota Lama", "Kota Baru"]
    frame.loc[:, "province_name"] = ["Kalsel", "Jambi", "Jambi", "Kalsel"]
    result = charts.ranking_chart(frame, BANDS, EN, ".,")
    categories = result["figure"]["layout"]["yaxis"]["categoryarray"]
    assert len(set(categories)) == 4
    assert categories[0] == "Kota Baru (Kalsel)"


# --- heatmap -----------------------------------------------------------------


def test_heatmap(frame: pd.DataFrame, built: dict[str, Any]) -> None:
    result = built["heatmap"]
    (trace,) = result["figure"]["data"]
    assert trace["type"] == "heatmap"
    assert (trace["zmin"], trace["zmax"]) == (1, 5)
    assert trace["x"][0] == "Governance"
    assert trace["y"] == frame["name"].tolist()
    assert len(trace["z"]) == len(frame)
    dims = frame[[f"dimension:{c}" for c in DIMENSIONS]]
    assert points(trace) == int(dims.notna().sum().sum())
    assert "texttemplate" not in trace  # more than 40 rows
    assert result["figure"]["layout"]["yaxis"]["autorange"] == "reversed"
    assert result["table"]["columns"][:2] == ["Region", "Governance"]
    assert len(result["table"]["rows"]) == len(frame)
    assert "Governance" in trace["x"]
    assert "Region" in trace["hovertemplate"]


def test_heatmap_values_as_text_for_few_rows() -> None:
    result = charts.heatmap_chart(make_frame(12), DIMENSIONS, ID, ",.")
    (trace,) = result["figure"]["data"]
    assert "texttemplate" in trace
    assert trace["x"][0] == "Tata Kelola"
    assert result["table"]["columns"][:2] == ["Daerah", "Tata Kelola"]


def test_heatmap_colourscale_is_sequential_light_to_dark(built: dict[str, Any]) -> None:
    from dashboards.charts.style import _contrast

    scale = built["heatmap"]["figure"]["data"][0]["colorscale"]
    assert scale[0][1].lower() == "#f7fcf0"
    assert scale[-1][1].lower() == "#43a2ca"
    # Each stop darker than the one before: higher scores look darker.
    against_white = [_contrast(colour, "#ffffff") for _stop, colour in scale]
    assert against_white == sorted(against_white)


# --- band distribution -------------------------------------------------------


def test_band_chart(built: dict[str, Any]) -> None:
    result = built["bands"]
    (trace,) = result["figure"]["data"]
    names = [EN[f"band:{b}"] for b in BANDS] + ["No band"]
    assert trace["orientation"] == "h"
    assert trace["y"] == names
    assert trace["x"] == [12, 0, 40, 0, 3, 5]
    assert trace["textposition"] == "outside"
    assert len(set(trace["marker"]["color"])) == len(names)
    assert result["table"]["rows"] == [
        list(r) for r in zip(names, trace["x"], strict=True)
    ]
    assert result["table"]["columns"] == ["Band", "Regions"]


# --- map ---------------------------------------------------------------------


def test_map_is_cartesian_scatter_only(built: dict[str, Any]) -> None:
    figure = built["map"]["figure"]
    assert {t["type"] for t in figure["data"]} == {"scatter"}
    layout = figure["layout"]
    assert not {"geo", "mapbox", "map"} & set(layout)
    assert not any(k.startswith(("geo", "mapbox", "map")) for k in layout)
    assert layout["meta"] == {"basemap": True}
    assert layout["xaxis"]["range"] == [94, 142]
    assert layout["yaxis"]["range"] == [-11.5, 6.5]
    assert layout["yaxis"]["scaleanchor"] == "x"
    for axis in (layout["xaxis"], layout["yaxis"]):
        assert axis["showgrid"] is False
        assert axis["showticklabels"] is False
    assert "coast" not in json.dumps(figure).lower()


def test_map_points_and_table(frame: pd.DataFrame, built: dict[str, Any]) -> None:
    result = built["map"]
    located = frame["latitude"].notna() & frame["longitude"].notna()
    assert not located.all()
    assert sum(points(t) for t in result["figure"]["data"]) == int(located.sum())
    assert len(result["table"]["rows"]) == len(frame)
    assert result["table"]["columns"] == [
        "Region",
        "Province",
        "Band",
        "Index",
        "Latitude",
        "Longitude",
    ]
    unlocated = frame.index[~located][0]
    assert result["table"]["rows"][unlocated][4] == ""


def test_map_bands_differ_by_colour_and_symbol(built: dict[str, Any]) -> None:
    traces = built["map"]["figure"]["data"]
    assert [t["name"] for t in traces[: len(BANDS)]] == [EN[f"band:{b}"] for b in BANDS]
    assert traces[-1]["name"] == "No band"
    colours = [t["marker"]["color"] for t in traces]
    symbols = [t["marker"]["symbol"] for t in traces]
    assert len(set(colours)) == len(traces)
    assert len(set(symbols)) == len(traces)
    for trace in traces[: len(BANDS)]:
        assert trace["marker"]["size"] == 9
        assert trace["marker"]["line"]["color"] == "#ffffff"
        assert trace["name"] in trace["hovertemplate"]
    assert built["map"]["figure"]["layout"]["showlegend"] is True


# --- radar -------------------------------------------------------------------


def test_radar(built: dict[str, Any]) -> None:
    result = built["radar"]
    traces = result["figure"]["data"]
    assert [t["type"] for t in traces] == ["scatterpolar"] * 3
    assert [t["name"] for t in traces] == [
        "This region",
        "National median",
        "Cohort median",
    ]
    for trace in traces:
        assert trace["r"][0] == trace["r"][-1]
        assert trace["theta"][0] == trace["theta"][-1] == "Governance"
        assert points(trace) == len(RADAR) + 1  # closed polygon
    assert len({t["line"]["dash"] for t in traces}) == 3
    assert len({t["marker"]["symbol"] for t in traces}) == 3
    assert result["figure"]["layout"]["polar"]["radialaxis"]["range"] == [0, 5]
    assert result["table"]["columns"] == [
        "Dimension",
        "This region",
        "National median",
        "Cohort median",
    ]
    assert len(result["table"]["rows"]) == len(RADAR)


def test_radar_skips_cohort_median_when_missing() -> None:
    rows = [{**row, "cohort_median": None} for row in RADAR]
    result = charts.radar_chart(rows, EN, ".,")
    assert len(result["figure"]["data"]) == 2
    assert "Cohort median" not in result["table"]["columns"]


# --- parts and elements ------------------------------------------------------


def test_parts_chart(built: dict[str, Any]) -> None:
    result = built["parts"]
    region, national = result["figure"]["data"]
    assert region["x"] == ["Blueprint", "Practice"]
    assert region["y"] == [3.1, 2.4]
    assert national["y"] == [2.5, 2.2]
    assert national["marker"]["pattern"]["shape"] == "/"  # not colour alone
    assert result["figure"]["layout"]["barmode"] == "group"
    assert result["table"]["rows"] == [
        ["Blueprint", 3.1, 2.5],
        ["Practice", 2.4, 2.2],
    ]


def test_parts_chart_without_national() -> None:
    result = charts.parts_chart(3.14159, None, ID, ",.")
    (trace,) = result["figure"]["data"]
    assert trace["y"] == [3.142, None]
    assert points(trace) == 1
    assert result["table"]["rows"][0][1] == 3.14


def test_elements_chart(built: dict[str, Any]) -> None:
    result = built["elements"]
    region, national = result["figure"]["data"]
    assert region["orientation"] == "h"
    assert region["y"] == ["Structure", "Infrastructure", "Superstructure"]
    assert points(region) == points(national) == len(ELEMENT_ROWS)
    assert "pattern" in national["marker"]
    assert result["table"]["columns"] == ["Element", "This region", "National median"]
    assert result["table"]["rows"][1] == ["Infrastructure", 3.25, 2.75]


# --- history -----------------------------------------------------------------


def test_history_chart(built: dict[str, Any]) -> None:
    result = built["history"]
    line, *markers = result["figure"]["data"]
    assert line["x"] == ["2017 #1", "2017 #2", "2017 #3"]
    assert points(line) == len(HISTORY)
    assert [t["name"] for t in markers] == ["Provisional", "Final"]
    assert sum(points(t) for t in markers) == len(HISTORY)
    assert len({t["marker"]["symbol"] for t in markers}) == 2
    assert result["table"]["rows"][0] == ["2017", 1, "Provisional", 2.6, "Good", 19]
    assert markers[0]["customdata"][0][1] == "2017-11-01"


def test_history_skips_missing_index() -> None:
    rows = [{**HISTORY[0], "index": None, "band": "", "rank_national": None}]
    result = charts.history_chart(rows, EN, ".,")
    assert all(points(t) == 0 for t in result["figure"]["data"])
    assert result["table"]["rows"] == [["2017", 1, "Provisional", "", "No band", ""]]


# --- reviewers and hotspots --------------------------------------------------


def test_reviewer_progress_chart(built: dict[str, Any]) -> None:
    result = built["reviewers"]
    submitted, remaining, overdue = result["figure"]["data"]
    assert result["figure"]["layout"]["barmode"] == "stack"
    assert submitted["x"] == [r["submitted"] for r in REVIEWERS]
    assert remaining["x"] == [12 - r["submitted"] for r in REVIEWERS]
    assert "pattern" in remaining["marker"]  # not colour alone
    assert "Overdue" in submitted["hovertemplate"]
    late = [r for r in REVIEWERS if r["overdue"]]
    assert overdue["mode"] == "text"
    assert overdue["y"] == [r["reviewer"] for r in late]
    assert overdue["text"][0] == "Overdue: 1"
    assert overdue["x"] == [12] * len(late)
    assert result["table"]["rows"][1] == [
        "reviewer1@example.org",
        12,
        1,
        11,
        0.08,
        1,
    ]


def test_hotspot_chart(built: dict[str, Any]) -> None:
    result = built["hotspots"]
    (trace,) = result["figure"]["data"]
    assert points(trace) == 20
    assert trace["x"] == sorted(trace["x"], reverse=True)
    assert trace["x"][0] == 26
    assert trace["y"][0] == "GOV.26"
    assert result["table"]["columns"] == ["Indicator", "Disagreements"]
    assert result["table"]["rows"][0] == ["GOV.26", 26]
    assert len(result["table"]["rows"]) == 20


# --- labels ------------------------------------------------------------------


@pytest.mark.parametrize(("labels", "word"), [(EN, "Governance"), (ID, "Tata Kelola")])
def test_labels_reach_figures_and_tables(
    frame: pd.DataFrame, labels: dict[str, str], word: str
) -> None:
    results = build_all(frame, labels, ",.")
    for name in ("heatmap", "radar"):
        assert word in strings(results[name]["figure"])
        assert word in strings(results[name]["table"])
    for name, result in results.items():
        title = result["figure"]["layout"]["title"]["text"]
        assert title == labels[f"title:{name}"]
        assert result["table"]["caption"] == title
    assert labels["band:baik"] in strings(results["ranking"]["figure"])
    assert labels["band:baik"] in strings(results["map"]["table"])


BUILDERS: dict[str, Callable[..., dict[str, Any]]] = {
    "ranking": charts.ranking_chart,
    "map": charts.map_chart,
}


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_no_words_without_labels(frame: pd.DataFrame, name: str) -> None:
    text = strings(BUILDERS[name](frame, BANDS, {}, ".,"))
    for word in ("Region", "Daerah", "Peringkat", "Rank", "Index", "Band", "Kurang"):
        assert word not in text


def test_tables_round_raw_values_not_figure_values() -> None:
    result = charts.parts_chart(2.4451, 3.0, EN, ".,")
    assert result["figure"]["data"][0]["y"] == [2.445, 3.0]
    assert result["table"]["rows"][0] == ["Blueprint", 2.45]


class RecordingLabels(dict):
    """Labels that remember which keys were looked up."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.asked: set[str] = set()

    def get(self, key: str, default: Any = None) -> Any:
        self.asked.add(key)
        return super().get(key, default)


def test_label_keys_are_documented(frame: pd.DataFrame) -> None:
    labels = RecordingLabels(EN)
    build_all(frame, labels, ".,")
    build_empty(labels, ".,")
    dynamic = ("band:", "dimension:", "element:", "kind:", "col:indicator")
    undocumented = {
        key
        for key in labels.asked
        if key not in charts.LABEL_KEYS and not key.startswith(dynamic)
    }
    assert undocumented == set()
    assert set(charts.LABEL_KEYS) <= labels.asked


def test_the_heatmap_numbers_read_on_every_cell_colour():
    # WCAG AA for text: 4.5:1 between the numbers and each stop of the scale;
    # stops are the extremes of each linear segment, so every cell in between
    # is at least as close to the lighter end.
    from dashboards.charts.style import _contrast

    figure = charts.heatmap_chart(make_frame(12), DIMENSIONS, ID, ",.")["figure"]
    (trace,) = figure["data"]
    ink = trace["textfont"]["color"]
    for _stop, colour in trace["colorscale"]:
        assert _contrast(colour, ink) >= 4.5, colour


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("Kota Bandung", "Kota Bandung"),
        ("Kabupaten Kutai Kartanegara", "Kab. Kutai Kartanegara"),
        ("Kabupaten Kepulauan Siau Tagulandang Biaro", "Kab. Kepulauan Siau Tag\u2026"),
        ("Kota Administrasi Jakarta Selatan", "Kota Administrasi Jakar\u2026"),
    ],
)
def test_long_region_names_are_shortened_the_indonesian_way(name, shown):
    from dashboards.charts.layout import short_label

    assert short_label(name) == shown
    assert len(short_label(name)) <= charts.LABEL_CHARS
