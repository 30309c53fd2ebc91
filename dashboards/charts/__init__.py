"""Pure chart builders for the public readiness dashboard (plotly, no Django, no I/O).

Every chart function returns a JSON-serialisable dict::

    {"figure": {"data": [...], "layout": {...}},
     "table": {"caption": str, "columns": [str, ...], "rows": [[cell, ...], ...]}}

The table carries the chart's numbers so it can be read without seeing it. Table
cells are numbers (floats rounded to 2 decimals, counts and ranks as ints),
strings, or "" for a missing value; the page formats them. Figure numbers are
rounded to 3 decimals; number formatting in the figure follows
``layout.separators`` (",." Indonesian, ".," English).

All visible text comes from ``labels`` (``labels.get(key, key)`` as fallback):
the keys in ``LABEL_KEYS`` plus ``band:<code>``, ``dimension:<code>``,
``element:<code>``, ``kind:<release kind>`` and ``col:<key>`` for
``hotspot_chart``. Bands are told apart by colour and by text, marker symbol or
hover text, never by colour alone; the palette is Okabe-Ito based with at least
3:1 contrast on white.

Figures are built as one ``go.Figure(data=[dict traces], layout=dict)`` per chart
(one trace per band at most, never per row), which keeps each chart well under
60 ms for the 514 regions.

The package, by what each module holds:

    style      fonts, palettes, sizes, label lookups, band colours and symbols
    convert    the small converters (frame and JSON values to figure and table
               values; missing values as None or "")
    layout     the shared layout: axes, heights, the horizontal-bar layout and
               count bars, and the figure-plus-table result
    progress   progress_chart, band_chart
    ranking    ranking_chart, heatmap_chart
    geography  map_chart
    region     radar_chart, parts_chart, elements_chart, history_chart
    review     reviewer_progress_chart, hotspot_chart

The underscored helpers are the package's own; pages and services import the
names below from ``dashboards.charts``.
"""

from dashboards.charts.geography import map_chart
from dashboards.charts.progress import band_chart, progress_chart
from dashboards.charts.ranking import heatmap_chart, ranking_chart
from dashboards.charts.region import (
    elements_chart,
    history_chart,
    parts_chart,
    radar_chart,
)
from dashboards.charts.review import hotspot_chart, reviewer_progress_chart
from dashboards.charts.style import (
    CHAR_PX,
    ELLIPSIS,
    FONT_FAMILY,
    FONT_SIZE,
    GRID_COLOR,
    HEATMAP_INK,
    HEATMAP_SCALE,
    HOTSPOT_LIMIT,
    LABEL_CHARS,
    LABEL_KEYS,
    MAX_HEIGHT,
    MISSING,
    NO_BAND_COLOR,
    NO_BAND_SYMBOL,
    PHONE_PLOT_PX,
    RANKING_RANGE,
    ROW_PX,
    SCORE_TICKS,
    TEXT_COLOR,
    TEXT_SIZE,
    band_colors,
    band_symbols,
)

__all__ = [
    "CHAR_PX",
    "ELLIPSIS",
    "FONT_FAMILY",
    "FONT_SIZE",
    "GRID_COLOR",
    "HEATMAP_INK",
    "HEATMAP_SCALE",
    "HOTSPOT_LIMIT",
    "LABEL_CHARS",
    "LABEL_KEYS",
    "MAX_HEIGHT",
    "MISSING",
    "NO_BAND_COLOR",
    "NO_BAND_SYMBOL",
    "PHONE_PLOT_PX",
    "RANKING_RANGE",
    "ROW_PX",
    "SCORE_TICKS",
    "TEXT_COLOR",
    "TEXT_SIZE",
    "band_chart",
    "band_colors",
    "band_symbols",
    "elements_chart",
    "heatmap_chart",
    "history_chart",
    "hotspot_chart",
    "map_chart",
    "parts_chart",
    "progress_chart",
    "radar_chart",
    "ranking_chart",
    "reviewer_progress_chart",
]
