"""The regions on the map of Indonesia."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from dashboards.charts.convert import (
    _band_codes,
    _column,
    _floats,
    _fmt,
    _rounded,
    _strings,
)
from dashboards.charts.layout import _layout, _result
from dashboards.charts.style import (
    NO_BAND_COLOR,
    NO_BAND_SYMBOL,
    _band_label,
    _label,
    _ordered_bands,
    band_colors,
    band_symbols,
)


def map_chart(
    frame: pd.DataFrame,
    bands: Sequence[str],
    labels: Mapping[str, str],
    separators: str,
) -> dict[str, Any]:
    """Regions as points on longitude/latitude, one trace per band.

    Cartesian scatter only (no geo subplot: those load map data from a CDN);
    ``layout.meta.basemap`` tells the page to draw the vendored coastlines under it.
    """
    names = _strings(_column(frame, "name"))
    provinces = _strings(_column(frame, "province_name"))
    regions = _strings(_column(frame, "region"))
    raw_lons = _floats(_column(frame, "longitude"), None)
    raw_lats = _floats(_column(frame, "latitude"), None)
    lons, lats = _rounded(raw_lons), _rounded(raw_lats)
    values = _floats(_column(frame, "index"), None)
    codes = _band_codes(frame)
    colors = band_colors(bands)
    symbols = band_symbols(bands)
    province_label = _label(labels, "col:province")
    index_label = _label(labels, "col:index")
    band_label = _label(labels, "col:band")

    located = [
        i for i in range(len(names)) if lons[i] is not None and lats[i] is not None
    ]
    present = [codes[i] for i in located]
    order = list(bands) + [c for c in _ordered_bands(present, bands) if c not in bands]
    data = []
    for code in order:
        rows = [i for i in located if codes[i] == code]
        name = _band_label(labels, code)
        is_none = code not in bands
        data.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": name,
                "x": [lons[i] for i in rows],
                "y": [lats[i] for i in rows],
                "marker": {
                    "color": colors.get(code, NO_BAND_COLOR),
                    "symbol": symbols.get(code, NO_BAND_SYMBOL),
                    "size": 9,
                    "line": {
                        "color": colors.get(code, NO_BAND_COLOR)
                        if is_none
                        else "#ffffff",
                        "width": 1.5 if is_none else 1,
                    },
                },
                "customdata": [
                    [names[i], provinces[i], _fmt(values[i], separators), regions[i]]
                    for i in rows
                ],
                "hovertemplate": (
                    f"<b>%{{customdata[0]}}</b><br>{province_label}: %{{customdata[1]}}"
                    f"<br>{index_label}: %{{customdata[2]}}<br>{band_label}: {name}"
                    "<extra></extra>"
                ),
            }
        )
    hidden = {
        "showgrid": False,
        "showticklabels": False,
        "zeroline": False,
        "showline": False,
        "ticks": "",
        "fixedrange": False,
    }
    layout = _layout(
        _label(labels, "title:map"),
        separators,
        # Fixed height: on a phone the y range widens (more sea), never clipped.
        height=360,
        showlegend=True,
        meta={"basemap": True},
        hovermode="closest",
        xaxis={**hidden, "range": [94, 142]},
        yaxis={**hidden, "range": [-11.5, 6.5], "scaleanchor": "x", "scaleratio": 1},
    )
    table_rows = [
        [
            names[i],
            provinces[i],
            _band_label(labels, codes[i]),
            values[i],
            raw_lats[i],
            raw_lons[i],
        ]
        for i in range(len(names))
    ]
    return _result(
        data,
        layout,
        _label(labels, "title:map"),
        [
            _label(labels, "col:region"),
            province_label,
            band_label,
            index_label,
            _label(labels, "col:latitude"),
            _label(labels, "col:longitude"),
        ],
        table_rows,
    )
