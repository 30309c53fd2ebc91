"""The ranking bars and the dimension heatmap."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from dashboards.charts.convert import (
    _band_codes,
    _column,
    _floats,
    _fmt,
    _ints,
    _missing,
    _rounded,
    _strings,
    _unique,
)
from dashboards.charts.layout import (
    _axis,
    _bar_label,
    _category_axis,
    _hbar_layout,
    _height,
    _layout,
    _result,
)
from dashboards.charts.style import (
    HEATMAP_INK,
    HEATMAP_SCALE,
    NO_BAND_COLOR,
    RANKING_RANGE,
    SCORE_TICKS,
    TEXT_SIZE,
    _band_label,
    _label,
    _ordered_bands,
    band_colors,
)


def ranking_chart(
    frame: pd.DataFrame,
    bands: Sequence[str],
    labels: Mapping[str, str],
    separators: str,
    *,
    limit: int | None = None,
) -> dict[str, Any]:
    """Horizontal bars of the index in rank order, one trace per band."""
    index = pd.to_numeric(_column(frame, "index"), errors="coerce")
    shown = frame.loc[index.notna().to_numpy()]
    if limit is not None:
        shown = shown.iloc[: max(0, limit)]
    names = _strings(_column(shown, "name"))
    provinces = _strings(_column(shown, "province_name"))
    categories = _unique(names, provinces)
    regions = _strings(_column(shown, "region"))
    raw = _floats(_column(shown, "index"), None)
    values = _rounded(raw)
    ranks = _ints(_column(shown, "rank_national"))
    complete = [
        bool(v) and not _missing(v) for v in _column(shown, "complete").tolist()
    ]
    # An incomplete result has no band: grey and hatched, never a band colour.
    codes = [
        code if done else ""
        for code, done in zip(_band_codes(shown), complete, strict=True)
    ]
    tie_low = _ints(_column(shown, "tie_low")) if "tie_low" in shown else ranks
    tie_high = _ints(_column(shown, "tie_high")) if "tie_high" in shown else ranks
    reasons = (
        _strings(_column(shown, "unranked_reason"))
        if "unranked_reason" in shown
        else ["" if done else "incomplete" for done in complete]
    )

    colors = band_colors(bands)
    province_label = _label(labels, "col:province")
    index_label = _label(labels, "col:index")
    band_label = _label(labels, "col:band")
    rank_label = _label(labels, "col:rank")
    incomplete = _label(labels, "status:incomplete")

    groups_shown = [
        ""
        if rank is None
        else (
            f"{low}\u2013{high}"
            if low is not None and high is not None and low != high
            else str(rank)
        )
        for rank, low, high in zip(ranks, tie_low, tie_high, strict=True)
    ]
    tied = _label(labels, "status:tied")
    point_rank = _label(labels, "col:point_rank")
    few_reviews = _label(labels, "status:few_reviews")
    status = []
    for i, rank in enumerate(ranks):
        if rank is not None and "\u2013" in groups_shown[i]:
            status.append(
                f"{rank_label}: {groups_shown[i]} ({tied}), {point_rank} {rank}"
            )
        elif rank is not None:
            status.append(f"{rank_label}: {_fmt(rank, separators, 0)}")
        elif reasons[i] == "few_reviews":
            status.append(few_reviews)
        else:
            status.append(incomplete)
    data: list[dict[str, Any]] = []
    for code in _ordered_bands(codes, bands):
        rows = [i for i, c in enumerate(codes) if c == code]
        name = _band_label(labels, code)
        color = colors.get(code, NO_BAND_COLOR)
        data.append(
            {
                "type": "bar",
                "orientation": "h",
                "name": name,
                "x": [values[i] for i in rows],
                "y": [categories[i] for i in rows],
                "marker": {
                    "color": color,
                    "line": {"color": "#ffffff", "width": 0.5},
                    # Incomplete results are hatched (they have no rank).
                    "pattern": {
                        "shape": ["" if complete[i] else "/" for i in rows],
                        "fillmode": "overlay",
                        "fgcolor": "#ffffff",
                        "fgopacity": 0.5,
                        "size": 10,
                    },
                },
                "customdata": [[provinces[i], status[i], regions[i]] for i in rows],
                "hovertemplate": (
                    f"<b>%{{y}}</b><br>{province_label}: %{{customdata[0]}}"
                    f"<br>{index_label}: %{{x:.2f}}<br>{band_label}: {name}"
                    "<br>%{customdata[1]}<extra></extra>"
                ),
            }
        )
    # "value · band" by each bar: text scatters, not bar text, which plotly
    # shrinks below 12 px to fit thin bars. One trace per (position, ink), so
    # no per-point style arrays to validate.
    groups: dict[tuple[str, str], list[tuple[float, str, str]]] = {}
    for i, (value, code) in enumerate(zip(values, codes, strict=True)):
        mark = _band_label(labels, code) if complete[i] else incomplete
        text = f"{_fmt(raw[i], separators)} · {mark}"
        assert value is not None  # `shown` holds only the rows with an index
        x, position, ink = _bar_label(value, len(text), colors.get(code, NO_BAND_COLOR))
        groups.setdefault((position, ink), []).append((x, categories[i], text))
    for (position, ink), items in groups.items():
        data.append(
            {
                "type": "scatter",
                "mode": "text",
                "x": [x for x, _, _ in items],
                "y": [y for _, y, _ in items],
                "text": [text for _, _, text in items],
                "textposition": position,
                "textfont": {"size": TEXT_SIZE, "color": ink},
                "cliponaxis": False,
                "hoverinfo": "skip",
                "showlegend": False,
            }
        )
    layout = _hbar_layout(
        _label(labels, "title:ranking"),
        separators,
        categories,
        barmode="overlay",
        bargap=0.2,
        xaxis={
            "title": {"text": index_label},
            "range": [0, RANKING_RANGE],
            "tickvals": [0, *SCORE_TICKS],
            "side": "top",
        },
        yaxis={"categoryorder": "array", "categoryarray": categories},
    )
    table_rows = [
        [
            groups_shown[i] if "\u2013" in groups_shown[i] else (ranks[i] or ""),
            names[i],
            provinces[i],
            raw[i],
            _band_label(labels, codes[i]) if complete[i] else incomplete,
            status[i],
        ]
        for i in range(len(names))
    ]
    return _result(
        data,
        layout,
        _label(labels, "title:ranking"),
        [
            rank_label,
            _label(labels, "col:region"),
            province_label,
            index_label,
            band_label,
            _label(labels, "col:status"),
        ],
        table_rows,
    )


def heatmap_chart(
    frame: pd.DataFrame,
    dimensions: Sequence[str],
    labels: Mapping[str, str],
    separators: str,
) -> dict[str, Any]:
    """Regions (rank order, top to bottom) x dimensions, scores 1-5."""
    names = _strings(_column(frame, "name"))
    categories = _unique(names, _strings(_column(frame, "province_name")))
    dim_names = [_label(labels, f"dimension:{code}") for code in dimensions]
    columns = [_floats(_column(frame, f"dimension:{c}"), None) for c in dimensions]
    raw = [list(row) for row in zip(*columns, strict=True)] if columns else []
    if not columns:
        raw = [[] for _ in names]
    z = [_rounded(row) for row in raw]
    region_label = _label(labels, "col:region")
    dim_label = _label(labels, "col:dimension")
    score_label = _label(labels, "col:score")
    trace: dict[str, Any] = {
        "type": "heatmap",
        "x": dim_names,
        "y": categories,
        "z": z,
        "zmin": 1,
        "zmax": 5,
        "colorscale": HEATMAP_SCALE,
        "xgap": 1,
        "ygap": 1,
        "hoverongaps": False,
        "hovertemplate": (
            f"{region_label}: <b>%{{y}}</b><br>{dim_label}: %{{x}}"
            f"<br>{score_label}: %{{z:.2f}}<extra></extra>"
        ),
        # Horizontal, at the foot: the cells keep the phone's width.
        "colorbar": {
            "title": {"text": score_label, "side": "top"},
            "tickvals": SCORE_TICKS,
            "orientation": "h",
            "thickness": 12,
            "lenmode": "pixels",
            "len": 200,
            "x": 0,
            "xref": "container",
            "xanchor": "left",
            "xpad": 8,
            "y": 0,
            "yref": "container",
            "yanchor": "bottom",
            "ypad": 8,
        },
    }
    if len(categories) <= 40:
        trace["texttemplate"] = "%{z:.1f}"
        trace["textfont"] = {"size": TEXT_SIZE, "color": HEATMAP_INK}
    layout = _layout(
        _label(labels, "title:heatmap"),
        separators,
        height=_height(len(categories), base=200),
        xaxis=_axis(type="category", side="top", showgrid=False),
        yaxis=_category_axis(categories, showgrid=False),
    )
    rows = [[name, *row] for name, row in zip(names, raw, strict=True)]
    return _result(
        [trace],
        layout,
        _label(labels, "title:heatmap"),
        [region_label, *dim_names],
        rows,
    )
