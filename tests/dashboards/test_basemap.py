"""The vendored Indonesia base map (static/vendor/basemap/indonesia.json)."""

from __future__ import annotations

import itertools
import json
import math
from pathlib import Path

import pytest

BASEMAP = (
    Path(__file__).resolve().parents[2]
    / "static"
    / "vendor"
    / "basemap"
    / "indonesia.json"
)
LON_MIN, LAT_MIN, LON_MAX, LAT_MAX = 93.0, -12.0, 143.0, 7.0


@pytest.fixture(scope="module")
def basemap() -> dict:
    return json.loads(BASEMAP.read_text(encoding="utf-8"))


def _points(basemap: dict) -> list[tuple[float, float]]:
    return [
        (x, y)
        for x, y in zip(basemap["lon"], basemap["lat"], strict=True)
        if x is not None
    ]


def test_file_is_small() -> None:
    assert BASEMAP.stat().st_size < 300 * 1024


def test_has_source_and_license(basemap: dict) -> None:
    assert "world-atlas" in basemap["source"]
    assert "Natural Earth" in basemap["license"]
    assert (BASEMAP.parent / "LICENSE.txt").is_file()


def test_lon_and_lat_line_up(basemap: dict) -> None:
    lon, lat = basemap["lon"], basemap["lat"]
    assert len(lon) == len(lat)
    assert len(lon) > 1000
    for x, y in zip(lon, lat, strict=True):
        assert (x is None) == (y is None)


def test_points_lie_in_the_bounding_box(basemap: dict) -> None:
    for x, y in _points(basemap):
        assert isinstance(x, int | float)
        assert isinstance(y, int | float)
        assert LON_MIN <= x <= LON_MAX
        assert LAT_MIN <= y <= LAT_MAX


def test_nulls_only_separate_polylines(basemap: dict) -> None:
    lon = basemap["lon"]
    assert lon[0] is not None
    assert lon[-1] is not None
    for previous, current in itertools.pairwise(lon):
        assert not (previous is None and current is None)
    # every polyline has at least two points, so it draws as a line
    polylines: list[int] = [0]
    for x in lon:
        if x is None:
            polylines.append(0)
        else:
            polylines[-1] += 1
    assert min(polylines) >= 2
    assert len(polylines) > 50


@pytest.mark.parametrize(
    ("place", "lon", "lat"),
    [
        ("Jakarta", 106.8, -6.2),
        ("Jayapura", 140.7, -2.5),
        ("Makassar", 119.4, -5.1),
        ("Medan", 98.67, 3.59),
        ("Pontianak", 109.3, -0.03),
    ],
)
def test_coast_near_city(basemap: dict, place: str, lon: float, lat: float) -> None:
    nearest = min(math.hypot(x - lon, y - lat) for x, y in _points(basemap))
    assert nearest < 0.3, f"no coastline point within 0.3 deg of {place}"
