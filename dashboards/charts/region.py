"""One region's scorecard: radar, parts, elements and history."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from dashboards.charts.convert import _date_text, _missing, _num, _raw, _rounded
from dashboards.charts.layout import (
    _axis,
    _hbar_layout,
    _layout,
    _result,
    _text_font,
    _wrap,
)
from dashboards.charts.style import (
    _PRIMARY,
    _SECONDARY,
    _SYMBOLS,
    _TERTIARY,
    GRID_COLOR,
    MISSING,
    SCORE_TICKS,
    TEXT_SIZE,
    _band_label,
    _label,
)


def radar_chart(
    dimensions_rows: Sequence[Mapping[str, Any]],
    labels: Mapping[str, str],
    separators: str,
) -> dict[str, Any]:
    """A region's dimension scores against the national and cohort medians."""
    theta = [_label(labels, f"dimension:{row['code']}") for row in dimensions_rows]
    series = [
        ("value", "series:region", _PRIMARY, "solid", "circle"),
        ("national_median", "series:national_median", _SECONDARY, "dash", "square"),
        ("cohort_median", "series:cohort_median", _TERTIARY, "dot", "diamond"),
    ]
    data = []
    columns = [_label(labels, "col:dimension")]
    used: list[str] = []
    for key, label_key, color, dash, symbol in series:
        r = [_num(row.get(key)) for row in dimensions_rows]
        if key == "cohort_median" and all(v is None for v in r):
            continue
        used.append(key)
        name = _label(labels, label_key)
        columns.append(name)
        trace: dict[str, Any] = {
            "type": "scatterpolar",
            "mode": "lines+markers",
            "name": name,
            "r": [*r, r[0]] if r else [],
            "theta": [*theta, theta[0]] if theta else [],
            "connectgaps": True,
            "line": {
                "color": color,
                "dash": dash,
                "width": 2.5 if key == "value" else 2,
            },
            "marker": {"color": color, "symbol": symbol, "size": 7},
            "hovertemplate": f"%{{theta}}: %{{r:.2f}}<extra>{name}</extra>",
        }
        if key == "value":
            trace["fill"] = "toself"
            trace["fillcolor"] = "rgba(0,114,178,0.12)"
        data.append(trace)
    layout = _layout(
        _label(labels, "title:radar"),
        separators,
        height=420,
        showlegend=True,
        # Room for the angular labels, which do not push the margins.
        margin={"l": 80, "r": 80, "t": 8, "b": 8, "pad": 2},
        polar={
            "bgcolor": "#ffffff",
            "radialaxis": {
                "range": [0, 5],
                "tickvals": SCORE_TICKS,
                "angle": 90,
                "tickangle": 90,
                "gridcolor": "#D9D9D9",
                "tickfont": {"size": TEXT_SIZE},
            },
            "angularaxis": {
                "direction": "clockwise",
                "rotation": 90,
                "tickmode": "array",
                "tickvals": theta,
                "ticktext": [_wrap(t) for t in theta],
                "gridcolor": "#D9D9D9",
                "tickfont": {"size": TEXT_SIZE},
            },
        },
    )
    del layout["plot_bgcolor"]  # no cartesian plot here
    rows = [
        [theta[i], *(dimensions_rows[i].get(key) for key in used)]
        for i in range(len(theta))
    ]
    return _result(data, layout, _label(labels, "title:radar"), columns, rows)


def _grouped_bars(
    categories: list[str],
    series: list[tuple[str, list[float | None]]],
    *,
    horizontal: bool,
) -> list[dict[str, Any]]:
    """Region then national-median bars; the median is hatched, not only recoloured."""
    styles = [
        {"color": _PRIMARY},
        {
            "color": "#F4C7A8",
            "line": {"color": _SECONDARY, "width": 1.5},
            "pattern": {
                "shape": "/",
                "fillmode": "overlay",
                "fgcolor": _SECONDARY,
                "size": 7,
            },
        },
    ]
    value_axis = "x" if horizontal else "y"
    data = []
    for (name, values), marker in zip(series, styles, strict=False):
        trace: dict[str, Any] = {
            "type": "bar",
            "name": name,
            "marker": marker,
            "texttemplate": f"%{{{value_axis}:.2f}}",
            "textposition": "outside",
            "textfont": _text_font(),
            "cliponaxis": False,
            "hovertemplate": f"%{{{'y' if horizontal else 'x'}}}: "
            f"%{{{value_axis}:.2f}}<extra>{name}</extra>",
        }
        if horizontal:
            trace.update(orientation="h", x=_rounded(values), y=categories)
        else:
            trace.update(x=categories, y=_rounded(values))
        data.append(trace)
    return data


def _series_result(
    data: list[dict[str, Any]],
    layout: dict[str, Any],
    title: str,
    first_column: str,
    categories: list[str],
    series: list[tuple[str, list[float | None]]],
) -> dict[str, Any]:
    """The result of grouped bars: a table row per category, a column per series."""
    return _result(
        data,
        layout,
        title,
        [first_column, *(name for name, _ in series)],
        [
            [category, *(values[i] for _, values in series)]
            for i, category in enumerate(categories)
        ],
    )


def parts_chart(
    blueprint: float | None,
    practice: float | None,
    labels: Mapping[str, str],
    separators: str,
    *,
    national: Mapping[str, float | None] | None = None,
) -> dict[str, Any]:
    """Blueprint and Practice scores of a region, with national medians if given."""
    categories = [_label(labels, "part:blueprint"), _label(labels, "part:practice")]
    series = [(_label(labels, "series:region"), [_raw(blueprint), _raw(practice)])]
    if national is not None:
        series.append(
            (
                _label(labels, "series:national_median"),
                [_raw(national.get("blueprint")), _raw(national.get("practice"))],
            )
        )
    data = _grouped_bars(categories, series, horizontal=False)
    layout = _layout(
        _label(labels, "title:parts"),
        separators,
        height=320,
        barmode="group",
        showlegend=True,
        xaxis=_axis(type="category"),
        yaxis=_axis(
            title={"text": _label(labels, "col:score")},
            range=[0, 5.6],
            tickvals=[0, *SCORE_TICKS],
            gridcolor=GRID_COLOR,
        ),
    )
    return _series_result(
        data,
        layout,
        _label(labels, "title:parts"),
        _label(labels, "col:part"),
        categories,
        series,
    )


def elements_chart(
    rows: Sequence[Mapping[str, Any]],
    labels: Mapping[str, str],
    separators: str,
) -> dict[str, Any]:
    """A region's readiness-element scores against the national medians."""
    categories = [_label(labels, f"element:{row['code']}") for row in rows]
    series = [(_label(labels, "series:region"), [_raw(r.get("value")) for r in rows])]
    medians = [_raw(r.get("national_median")) for r in rows]
    if any(v is not None for v in medians):
        series.append((_label(labels, "series:national_median"), medians))
    data = _grouped_bars(categories, series, horizontal=True)
    layout = _hbar_layout(
        _label(labels, "title:elements"),
        separators,
        categories,
        rows=len(categories) * len(series),
        per_row=30,
        base=110,
        barmode="group",
        showlegend=True,
        xaxis={
            "title": {"text": _label(labels, "col:score")},
            "range": [0, 5.8],
            "tickvals": [0, *SCORE_TICKS],
        },
    )
    return _series_result(
        data,
        layout,
        _label(labels, "title:elements"),
        _label(labels, "col:element"),
        categories,
        series,
    )


def history_chart(
    rows: Sequence[Mapping[str, Any]],
    labels: Mapping[str, str],
    separators: str,
) -> dict[str, Any]:
    """The region's index per release (in the given order); kind by marker symbol."""
    x = [f"{row.get('cycle')} #{row.get('number')}" for row in rows]
    raw = [_raw(row.get("index")) for row in rows]
    values = _rounded(raw)
    kinds = ["" if _missing(row.get("kind")) else str(row.get("kind")) for row in rows]
    kind_names = [_label(labels, f"kind:{k}") for k in kinds]
    band_names = [
        _band_label(labels, "" if _missing(row.get("band")) else str(row.get("band")))
        for row in rows
    ]
    ranks = [
        None if _missing(row.get("rank_national")) else int(row["rank_national"])
        for row in rows
    ]
    index_label = _label(labels, "col:index")
    band_label = _label(labels, "col:band")
    rank_label = _label(labels, "col:rank")
    published_label = _label(labels, "col:published")

    data: list[dict[str, Any]] = [
        {
            "type": "scatter",
            "mode": "lines",
            "x": x,
            "y": values,
            "line": {"color": "#757575", "width": 2},
            "hoverinfo": "skip",
            "showlegend": False,
        }
    ]
    styles = {
        "provisional": ("circle-open", _SECONDARY),
        "final": ("circle", _PRIMARY),
    }
    for n, kind in enumerate(dict.fromkeys(kinds)):
        points = [i for i, k in enumerate(kinds) if k == kind and values[i] is not None]
        symbol, color = styles.get(kind, (_SYMBOLS[(n + 2) % len(_SYMBOLS)], _TERTIARY))
        data.append(
            {
                "type": "scatter",
                "mode": "markers+text",
                "name": _label(labels, f"kind:{kind}"),
                "x": [x[i] for i in points],
                "y": [values[i] for i in points],
                "marker": {
                    "symbol": symbol,
                    "color": color,
                    "size": 11,
                    "line": {"color": color, "width": 2},
                },
                "texttemplate": "%{y:.2f}",
                "textposition": "top center",
                "textfont": _text_font(),
                "cliponaxis": False,
                "customdata": [
                    [
                        kind_names[i],
                        _date_text(rows[i].get("published_at")),
                        band_names[i],
                        MISSING if ranks[i] is None else ranks[i],
                    ]
                    for i in points
                ],
                "hovertemplate": (
                    "<b>%{x}</b> (%{customdata[0]})"
                    f"<br>{published_label}: %{{customdata[1]}}"
                    f"<br>{index_label}: %{{y:.2f}}<br>{band_label}: %{{customdata[2]}}"
                    f"<br>{rank_label}: %{{customdata[3]}}<extra></extra>"
                ),
            }
        )
    layout = _layout(
        _label(labels, "title:history"),
        separators,
        height=340,
        showlegend=True,
        xaxis=_axis(type="category", title={"text": _label(labels, "col:release")}),
        yaxis=_axis(
            title={"text": index_label},
            range=[0.8, 5.4],
            tickvals=SCORE_TICKS,
            gridcolor=GRID_COLOR,
        ),
    )
    table_rows = [
        [
            "" if _missing(row.get("cycle")) else str(row.get("cycle")),
            row.get("number"),
            kind_names[i],
            raw[i],
            band_names[i],
            ranks[i],
        ]
        for i, row in enumerate(rows)
    ]
    return _result(
        data,
        layout,
        _label(labels, "title:history"),
        [
            _label(labels, "col:cycle"),
            _label(labels, "col:release"),
            _label(labels, "col:kind"),
            index_label,
            band_label,
            rank_label,
        ],
        table_rows,
    )
