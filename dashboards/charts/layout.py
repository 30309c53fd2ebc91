"""Layout pieces: axes, heights, the horizontal-bar layout, the figure-plus-table
result."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

import plotly.graph_objects as go

from dashboards.charts.convert import _cell
from dashboards.charts.style import (
    CHAR_PX,
    ELLIPSIS,
    FONT_FAMILY,
    FONT_SIZE,
    GRID_COLOR,
    LABEL_CHARS,
    MAX_HEIGHT,
    PHONE_PLOT_PX,
    RANKING_RANGE,
    ROW_PX,
    TEXT_COLOR,
    TEXT_SIZE,
    _contrast,
    _ink,
)


def short_label(text: str) -> str:
    """A category label that fits LABEL_CHARS: "Kabupaten" written "Kab." as
    Indonesian lists do (the name itself kept whole where that is enough),
    else cut with an ellipsis (hover and the table keep the full name)."""
    if len(text) <= LABEL_CHARS:
        return text
    if text.startswith("Kabupaten "):
        text = "Kab. " + text[len("Kabupaten ") :]
    if len(text) <= LABEL_CHARS:
        return text
    return text[: LABEL_CHARS - 1].rstrip() + ELLIPSIS


def _category_axis(categories: list[str], **extra: Any) -> dict[str, Any]:
    """A top-to-bottom category axis; long labels shortened (hover keeps them)."""
    axis = _axis(type="category", autorange="reversed", **extra)
    if any(len(c) > LABEL_CHARS for c in categories):
        axis["tickmode"] = "array"
        axis["tickvals"] = categories
        axis["ticktext"] = [short_label(c) for c in categories]
    return axis


def _wrap(text: str, width: int = 12) -> str:
    """``text`` on two lines, split at the space nearest its middle, if too long."""
    if len(text) <= width or " " not in text:
        return text
    middle = len(text) / 2
    cut = min(
        (i for i, ch in enumerate(text) if ch == " "), key=lambda i: abs(i - middle)
    )
    return f"{text[:cut]}<br>{text[cut + 1 :]}"


def _bar_label(value: float, chars: int, color: str) -> tuple[float, str, str]:
    """(x, textposition, ink) of a 12 px label of ``chars`` for a bar of ``value``.

    Decided for the narrowest plot (a phone; wider plots only add room): at the
    bar's end inside it; else just after it; else from the bar's start in black
    when black reads on the bar colour; else after it anyway.
    """
    bar = value / RANKING_RANGE * PHONE_PLOT_PX
    text = chars * CHAR_PX
    if bar >= text + 10:
        return value, "middle left", _ink(color)
    if PHONE_PLOT_PX - bar >= text + 6 or _contrast(color, "#000000") < 4.5:
        return value, "middle right", TEXT_COLOR
    return round(RANKING_RANGE * 0.01, 3), "middle right", "#000000"


def _height(rows: int, per_row: int = ROW_PX, base: int = 120) -> int:
    return min(MAX_HEIGHT, max(base + per_row * 4, base + per_row * rows))


def _axis(**extra: Any) -> dict[str, Any]:
    axis: dict[str, Any] = {"automargin": True, "zeroline": False}
    axis.update(extra)
    return axis


def _layout(
    title: str, separators: str, *, height: int, **extra: Any
) -> dict[str, Any]:
    layout: dict[str, Any] = {
        "template": {},
        # Container-anchored and pushing the margin: never over tick labels.
        "title": {
            "text": title,
            "x": 0,
            "xref": "container",
            "xanchor": "left",
            "y": 1,
            "yref": "container",
            "yanchor": "top",
            "pad": {"t": 8, "l": 8},
            "automargin": True,
            "font": {"size": 16},
        },
        "font": {"family": FONT_FAMILY, "size": FONT_SIZE, "color": TEXT_COLOR},
        "separators": separators,
        "autosize": True,
        "height": height,
        "margin": {"l": 8, "r": 8, "t": 8, "b": 8, "pad": 2},
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "hoverlabel": {"font": {"family": FONT_FAMILY, "size": FONT_SIZE}},
        "uniformtext": {"minsize": TEXT_SIZE, "mode": "hide"},
        # At the container's foot, below the axis titles, wrapping on phones.
        "legend": {
            "orientation": "h",
            "x": 0,
            "xref": "container",
            "xanchor": "left",
            "y": 0,
            "yref": "container",
            "yanchor": "bottom",
            "font": {"size": FONT_SIZE},
        },
        "showlegend": False,
    }
    layout.update(extra)
    return layout


def _result(
    data: list[dict[str, Any]],
    layout: dict[str, Any],
    caption: str,
    columns: list[str],
    rows: Iterable[Iterable[Any]],
) -> dict[str, Any]:
    figure = go.Figure(data=data, layout=layout)
    return {
        "figure": json.loads(figure.to_json()),
        "table": {
            "caption": caption,
            "columns": list(columns),
            "rows": [[_cell(v) for v in row] for row in rows],
        },
    }


def _text_font() -> dict[str, Any]:
    return {"size": TEXT_SIZE, "color": TEXT_COLOR}


def _hbar_layout(
    title: str,
    separators: str,
    categories: list[str],
    *,
    xaxis: Mapping[str, Any],
    per_row: int = ROW_PX,
    base: int = 120,
    rows: int | None = None,
    yaxis: Mapping[str, Any] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """The layout of a horizontal bar chart: one row per category (``rows`` rows
    when bars are grouped), first on top, long names shortened, and a gridded
    value axis along the x axis."""
    return _layout(
        title,
        separators,
        height=_height(len(categories) if rows is None else rows, per_row, base),
        xaxis=_axis(**xaxis, gridcolor=GRID_COLOR),
        yaxis=_category_axis(categories, **(yaxis or {})),
        **extra,
    )


def _count_chart(
    title: str,
    separators: str,
    names: list[str],
    counts: list[int],
    *,
    marker: Mapping[str, Any],
    name_label: str,
    count_label: str,
    per_row: int,
    base: int,
) -> dict[str, Any]:
    """One horizontal bar per name with its whole count printed after it, and
    the (name, count) table: the band distribution and the hotspots."""
    trace = {
        "type": "bar",
        "orientation": "h",
        "x": counts,
        "y": names,
        "marker": dict(marker),
        "texttemplate": "%{x:,d}",
        "textposition": "outside",
        "textfont": _text_font(),
        "cliponaxis": False,
        "hovertemplate": (
            f"{name_label}: <b>%{{y}}</b><br>{count_label}: %{{x:,d}}<extra></extra>"
        ),
    }
    layout = _hbar_layout(
        title,
        separators,
        names,
        per_row=per_row,
        base=base,
        xaxis={
            "title": {"text": count_label},
            "range": [0, max([*counts, 1]) * 1.2],
            "tickformat": ",d",
        },
    )
    return _result(
        [trace],
        layout,
        title,
        [name_label, count_label],
        [[n, c] for n, c in zip(names, counts, strict=True)],
    )
