"""Build the vendored Indonesia base map from a world-atlas TopoJSON file.

The public dashboard draws kabupaten/kota as points on a plain cartesian plotly
chart (x = longitude, y = latitude) and may not fetch anything from another
host, so coastlines and country borders are vendored as one line trace:
``{"lon": [...], "lat": [...]}`` with ``null`` between polylines.

Usage (pure standard library)::

    cd /tmp && npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
    python scripts/build_basemap.py /tmp/package/countries-50m.json \\
        static/vendor/basemap/indonesia.json

Steps: decode the quantized, delta-encoded arcs; take every arc used by the
``countries`` object once (arcs are shared by neighbouring countries, so
drawing arcs instead of polygons avoids doubled borders); clip them to the
bounding box, splitting where an arc leaves and re-enters; simplify each piece
with Douglas-Peucker; round to 2 decimals. The output is deterministic (arcs
in file order), so rebuilding from the same input gives the same bytes.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

Point = tuple[float, float]

# lon_min, lat_min, lon_max, lat_max: the chart shows [94, 142] x [-11.5, 6.5].
BBOX = (93.0, -12.0, 143.0, 7.0)
TOLERANCE = 0.03  # degrees, Douglas-Peucker; ~0.6 px on a 1000 px wide map
MIN_EXTENT = 0.0  # degrees; pieces whose bbox is smaller in both axes are dropped
DECIMALS = 2

SOURCE = (
    "world-atlas@2.0.2 countries-50m.json (Natural Earth 4.1.0 Admin 0 "
    "countries, 1:50m), arcs clipped to lon {0}..{2}, lat {1}..{3}, "
    "Douglas-Peucker tolerance {4} deg, rounded to {5} decimals; "
    "built by scripts/build_basemap.py"
)
LICENSE = (
    "world-atlas: ISC (c) 2013-2019 Michael Bostock; data: Natural Earth, "
    "public domain (https://www.naturalearthdata.com/about/terms-of-use/)"
)


def decode_arcs(topology: dict) -> list[list[Point]]:
    """Absolute lon/lat coordinates of every arc of a TopoJSON topology."""
    transform = topology.get("transform")
    arcs: list[list[Point]] = []
    for arc in topology["arcs"]:
        if transform is None:
            arcs.append([(float(p[0]), float(p[1])) for p in arc])
            continue
        (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
        x = y = 0
        points: list[Point] = []
        for position in arc:
            x += position[0]
            y += position[1]
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def _arc_indexes(nested: object) -> Iterator[int]:
    """Flatten a geometry's ``arcs`` member (any nesting depth) to arc indexes."""
    if isinstance(nested, int):
        yield nested if nested >= 0 else ~nested
    elif isinstance(nested, list):
        for item in nested:
            yield from _arc_indexes(item)


def used_arcs(topology: dict, object_name: str) -> list[int]:
    """Indexes of the arcs used by an object, each once, in file order."""
    obj = topology["objects"][object_name]
    geometries = obj["geometries"] if obj["type"] == "GeometryCollection" else [obj]
    used: set[int] = set()
    for geometry in geometries:
        used.update(_arc_indexes(geometry.get("arcs", [])))
    return sorted(used)


def _clip_segment(p: Point, q: Point, bbox: tuple) -> tuple[float, float] | None:
    """Liang-Barsky: the parameter range [t0, t1] of p->q inside bbox, or None."""
    xmin, ymin, xmax, ymax = bbox
    dx, dy = q[0] - p[0], q[1] - p[1]
    t0, t1 = 0.0, 1.0
    for denom, num in (
        (-dx, p[0] - xmin),
        (dx, xmax - p[0]),
        (-dy, p[1] - ymin),
        (dy, ymax - p[1]),
    ):
        if denom == 0:
            if num < 0:
                return None
            continue
        t = num / denom
        if denom < 0:
            if t > t1:
                return None
            t0 = max(t0, t)
        else:
            if t < t0:
                return None
            t1 = min(t1, t)
    return t0, t1


def _lerp(p: Point, q: Point, t: float) -> Point:
    return (p[0] + (q[0] - p[0]) * t, p[1] + (q[1] - p[1]) * t)


def clip_polyline(points: list[Point], bbox: tuple) -> list[list[Point]]:
    """The parts of a polyline inside bbox; a new part starts at each re-entry."""
    xmin, ymin, xmax, ymax = bbox
    if len(points) == 1:
        x, y = points[0]
        inside = xmin <= x <= xmax and ymin <= y <= ymax
        return [points] if inside else []
    pieces: list[list[Point]] = []
    current: list[Point] = []
    for p, q in itertools.pairwise(points):
        span = _clip_segment(p, q, bbox)
        if span is None:
            if current:
                pieces.append(current)
                current = []
            continue
        t0, t1 = span
        if t0 > 0 or not current:
            if current:
                pieces.append(current)
            current = [_lerp(p, q, t0) if t0 > 0 else p]
        current.append(_lerp(p, q, t1) if t1 < 1 else q)
        if t1 < 1:
            pieces.append(current)
            current = []
    if current:
        pieces.append(current)
    return pieces


def _distance(p: Point, a: Point, b: Point) -> float:
    """Distance from p to the segment a-b (planar, in degrees)."""
    dx, dy = b[0] - a[0], b[1] - a[1]
    length2 = dx * dx + dy * dy
    if length2 == 0:
        return math.hypot(p[0] - a[0], p[1] - a[1])
    t = max(0.0, min(1.0, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / length2))
    return math.hypot(p[0] - (a[0] + t * dx), p[1] - (a[1] + t * dy))


def _douglas_peucker(points: list[Point], tolerance: float) -> list[Point]:
    if len(points) <= 2:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        worst, index = -1.0, -1
        for i in range(first + 1, last):
            d = _distance(points[i], points[first], points[last])
            if d > worst:
                worst, index = d, i
        if index >= 0 and worst > tolerance:
            keep[index] = True
            stack.append((first, index))
            stack.append((index, last))
    return [p for p, k in zip(points, keep, strict=True) if k]


def simplify(points: list[Point], tolerance: float) -> list[Point]:
    """Douglas-Peucker; a closed ring is split at its farthest point first so
    that it does not collapse onto its (identical) end points."""
    if len(points) > 3 and points[0] == points[-1]:
        start = points[0]
        far = max(
            range(1, len(points) - 1),
            key=lambda i: math.hypot(points[i][0] - start[0], points[i][1] - start[1]),
        )
        head = _douglas_peucker(points[: far + 1], tolerance)
        tail = _douglas_peucker(points[far:], tolerance)
        return head + tail[1:]
    return _douglas_peucker(points, tolerance)


def _rounded(points: Iterable[Point], decimals: int) -> list[Point]:
    out: list[Point] = []
    for x, y in points:
        p = (round(x, decimals), round(y, decimals))
        if not out or out[-1] != p:
            out.append(p)
    return out


def build(
    topology: dict,
    object_name: str = "countries",
    bbox: tuple = BBOX,
    tolerance: float = TOLERANCE,
    min_extent: float = MIN_EXTENT,
    decimals: int = DECIMALS,
) -> list[list[Point]]:
    """The base map's polylines, clipped, simplified and rounded."""
    arcs = decode_arcs(topology)
    polylines: list[list[Point]] = []
    for index in used_arcs(topology, object_name):
        for piece in clip_polyline(arcs[index], bbox):
            xs, ys = [p[0] for p in piece], [p[1] for p in piece]
            if max(xs) - min(xs) < min_extent and max(ys) - min(ys) < min_extent:
                continue
            line = _rounded(simplify(piece, tolerance), decimals)
            if len(line) >= 2:
                polylines.append(line)
    return polylines


def to_trace(polylines: list[list[Point]]) -> tuple[list, list]:
    """lon/lat lists for one plotly line trace, ``None`` between polylines."""
    lon: list[float | None] = []
    lat: list[float | None] = []
    for line in polylines:
        if lon:
            lon.append(None)
            lat.append(None)
        lon.extend(p[0] for p in line)
        lat.extend(p[1] for p in line)
    return lon, lat


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="world-atlas countries-50m.json")
    parser.add_argument("output", type=Path, help="indonesia.json to write")
    parser.add_argument(
        "--object",
        default=None,
        help="TopoJSON object (default: countries, else land)",
    )
    parser.add_argument("--tolerance", type=float, default=TOLERANCE)
    parser.add_argument("--min-extent", type=float, default=MIN_EXTENT)
    args = parser.parse_args(argv)

    topology = json.loads(args.source.read_text(encoding="utf-8"))
    object_name = args.object or (
        "countries" if "countries" in topology["objects"] else "land"
    )
    polylines = build(
        topology,
        object_name=object_name,
        tolerance=args.tolerance,
        min_extent=args.min_extent,
    )
    lon, lat = to_trace(polylines)
    source = SOURCE.format(*BBOX, args.tolerance, DECIMALS)
    if args.source.name != "countries-50m.json" or object_name != "countries":
        source = source.replace(
            "countries-50m.json", f"{args.source.name} (object {object_name})"
        )
    payload = {"source": source, "license": LICENSE, "lon": lon, "lat": lat}
    args.output.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(payload, separators=(",", ":"), ensure_ascii=True) + "\n"
    args.output.write_text(text, encoding="utf-8")
    points = sum(len(line) for line in polylines)
    sys.stdout.write(
        f"{args.output}: {len(text.encode())} bytes, {len(polylines)} polylines, "
        f"{points} points (object {object_name}, tolerance {args.tolerance})\n"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
