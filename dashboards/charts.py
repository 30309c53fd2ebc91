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
"""

from __future__ import annotations

import json
import math
import numbers
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd
import plotly.graph_objects as go

__all__ = [
    "FONT_FAMILY",
    "LABEL_KEYS",
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

FONT_FAMILY = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"
FONT_SIZE = 13
TEXT_SIZE = 12
TEXT_COLOR = "#1a1a1a"

# Fixed label keys the charts look up (besides band:/dimension:/element:/kind:).
LABEL_KEYS: tuple[str, ...] = (
    "title:progress",
    "title:ranking",
    "title:heatmap",
    "title:bands",
    "title:map",
    "title:radar",
    "title:parts",
    "title:elements",
    "title:history",
    "title:reviewers",
    "title:hotspots",
    "progress:overall",
    "cohort:none",
    "band:none",
    "status:incomplete",
    "status:tied",
    "status:few_reviews",
    "series:region",
    "series:national_median",
    "series:cohort_median",
    "part:blueprint",
    "part:practice",
    "col:region",
    "col:province",
    "col:index",
    "col:band",
    "col:rank",
    "col:point_rank",
    "col:status",
    "col:cohort",
    "col:assessed",
    "col:reached",
    "col:target",
    "col:regions",
    "col:latitude",
    "col:longitude",
    "col:dimension",
    "col:element",
    "col:part",
    "col:score",
    "col:cycle",
    "col:release",
    "col:kind",
    "col:published",
    "col:reviewer",
    "col:assigned",
    "col:submitted",
    "col:remaining",
    "col:answered_share",
    "col:overdue",
    "col:disagreements",
)

# Okabe-Ito based, low -> high: vermillion, reddish purple, bluish green, blue
# (lightened a little) and navy. Each is at least 3:1 against white, and all but
# the top band also take black text at 4.5:1 (their bars can be short).
_BAND_PALETTE = ("#D55E00", "#CC79A7", "#009E73", "#2B83C6", "#1B3A6B")
# Used only beyond five bands (Paul Tol's muted, the darker ones).
_EXTRA_PALETTE = ("#882255", "#117733", "#332288", "#AA4499", "#6F6F1A")
_SYMBOLS = (
    "circle",
    "square",
    "diamond",
    "triangle-up",
    "star",
    "cross",
    "x",
    "triangle-down",
    "pentagon",
    "hexagon",
)
MISSING = "\u2013"  # shown for a missing number in hover text
NO_BAND_COLOR = "#767676"  # 4.5:1 on white
NO_BAND_SYMBOL = "circle-open"

_PRIMARY = "#0072B2"  # the region
_SECONDARY = "#D55E00"  # national median
_TERTIARY = "#009E73"  # cohort median
_LIGHT = "#E3E3E3"  # background bars (target, remaining)
_OUTLINE = "#595959"  # outline of light bars, 7:1 on white

ROW_PX = 20
RANKING_RANGE = 5.6  # x axis of the ranking: the 1-5 scale and room for text
PHONE_PLOT_PX = 200  # plot width on a 390 px phone with long region names
CHAR_PX = 7  # a 12 px character, generously
LABEL_CHARS = 20  # longer category labels are shortened on the axis
ELLIPSIS = "\u2026"
MAX_HEIGHT = 10600  # all 514 regions at ROW_PX
SCORE_TICKS = [1, 2, 3, 4, 5]
HOTSPOT_LIMIT = 20


# --- helpers -----------------------------------------------------------------


def _label(labels: Mapping[str, str], key: str) -> str:
    return labels.get(key, key)


def _band_label(labels: Mapping[str, str], code: str) -> str:
    return _label(labels, f"band:{code}") if code else _label(labels, "band:none")


def _missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    try:
        return bool(math.isnan(value))
    except (TypeError, ValueError):
        return False


def _num(value: Any, digits: int = 3) -> float | None:
    """A float rounded for the figure, None when missing."""
    if _missing(value):
        return None
    return round(float(value), digits)


def _cell(value: Any) -> float | int | str:
    """A table cell: int, float rounded to 2 decimals, str, or "" when missing."""
    kind = type(value)
    if kind is float:  # fast paths: most cells are plain floats, strs and ints
        return "" if value != value else round(value, 2)
    if kind is str:
        return value
    if kind is int:
        return value
    if _missing(value):
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, numbers.Integral):  # bools and numpy ints too
        return int(value)
    if isinstance(value, numbers.Real):
        return round(float(value), 2)
    return str(value)


def _floats(series: pd.Series, digits: int | None = 3) -> list[float | None]:
    """A numeric column as floats (rounded unless digits is None), None for NaN."""
    values = pd.to_numeric(series, errors="coerce").astype("float64")
    if digits is not None:
        values = values.round(digits)
    return [None if math.isnan(v) else v for v in values.tolist()]


def _rounded(values: Iterable[float | None], digits: int = 3) -> list[float | None]:
    """Figure copies of raw values (tables round the raw values themselves)."""
    return [None if v is None else round(v, digits) for v in values]


def _raw(value: Any) -> float | None:
    """A scalar as an unrounded float, None when missing."""
    return None if _missing(value) else float(value)


def _ints(series: pd.Series) -> list[int | None]:
    values = pd.to_numeric(series, errors="coerce").astype("float64").tolist()
    return [None if math.isnan(v) else int(v) for v in values]


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    if name in frame.columns:
        return frame[name]
    return pd.Series([float("nan")] * len(frame), index=frame.index, dtype="float64")


def _strings(series: pd.Series) -> list[str]:
    return ["" if _missing(v) else str(v) for v in series.tolist()]


def _fmt(value: Any, separators: str, digits: int = 2) -> str:
    """``value`` formatted as plotly would with ``separators``; MISSING if none."""
    if _missing(value):
        return MISSING
    decimal = separators[0] if separators else "."
    thousands = separators[1] if len(separators) > 1 else ","
    text = f"{float(value):,.{digits}f}"
    return text.translate(str.maketrans({",": thousands, ".": decimal}))


def _unique(names: Sequence[str], extras: Sequence[str] | None = None) -> list[str]:
    """Category labels made unique: "name (extra)", then "name (n)"."""
    counts: dict[str, int] = {}
    for name in names:
        counts[name] = counts.get(name, 0) + 1
    out: list[str] = []
    seen: set[str] = set()
    for i, name in enumerate(names):
        label = name
        if counts[name] > 1 and extras is not None and extras[i]:
            label = f"{name} ({extras[i]})"
        n = 2
        base = label
        while label in seen:
            label = f"{base} ({n})"
            n += 1
        seen.add(label)
        out.append(label)
    return out


def _category_axis(categories: list[str], **extra: Any) -> dict[str, Any]:
    """A top-to-bottom category axis; long labels shortened (hover keeps them)."""
    axis = _axis(type="category", autorange="reversed", **extra)
    if any(len(c) > LABEL_CHARS for c in categories):
        axis["tickmode"] = "array"
        axis["tickvals"] = categories
        axis["ticktext"] = [
            c if len(c) <= LABEL_CHARS else c[: LABEL_CHARS - 1].rstrip() + ELLIPSIS
            for c in categories
        ]
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


def _contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two "#rrggbb" colours."""

    def luminance(color: str) -> float:
        r, g, b = (int(color[i : i + 2], 16) / 255 for i in (1, 3, 5))
        r, g, b = (
            c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
            for c in (r, g, b)
        )
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def _ink(color: str) -> str:
    """Black or white, whichever reads better on ``color``."""
    return (
        "#000000"
        if _contrast(color, "#000000") >= _contrast(color, "#ffffff")
        else "#ffffff"
    )


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


# --- bands -------------------------------------------------------------------


def band_colors(bands: Sequence[str]) -> dict[str, str]:
    """Hex colour per band code, low -> high, plus "" (no band) in grey."""
    n = len(bands)
    if n <= len(_BAND_PALETTE):
        last = len(_BAND_PALETTE) - 1
        picks = [
            _BAND_PALETTE[round(i * last / (n - 1)) if n > 1 else last]
            for i in range(n)
        ]
    else:
        pool = _BAND_PALETTE + _EXTRA_PALETTE
        picks = [pool[i % len(pool)] for i in range(n)]
    colors = dict(zip(bands, picks, strict=True))
    colors[""] = NO_BAND_COLOR
    return colors


def band_symbols(bands: Sequence[str]) -> dict[str, str]:
    """Plotly marker symbol per band code, plus "" (no band) as an open circle."""
    symbols = {code: _SYMBOLS[i % len(_SYMBOLS)] for i, code in enumerate(bands)}
    symbols[""] = NO_BAND_SYMBOL
    return symbols


def _band_codes(frame: pd.DataFrame) -> list[str]:
    return ["" if _missing(v) else str(v) for v in _column(frame, "band").tolist()]


def _ordered_bands(present: Iterable[str], bands: Sequence[str]) -> list[str]:
    """Known bands in order, then unknown codes, then "" last."""
    present = list(dict.fromkeys(present))
    known = [b for b in bands if b in present]
    unknown = [b for b in present if b and b not in bands]
    tail = [""] if "" in present else []
    return known + unknown + tail


# --- charts ------------------------------------------------------------------


def progress_chart(
    progress: Mapping[str, Any], labels: Mapping[str, str], separators: str
) -> dict[str, Any]:
    """Bullet bars: regions reached vs the target, and reached/assessed by cohort."""
    overall = _label(labels, "progress:overall")
    reached = int(progress.get("reached") or 0)
    target = int(progress.get("target") or 0)
    cohorts = sorted(
        progress.get("by_cohort") or [],
        key=lambda c: (c.get("cohort_year") is None, c.get("cohort_year") or 0),
    )
    cohort_names = [
        _label(labels, "cohort:none")
        if c.get("cohort_year") is None
        else str(c["cohort_year"])
        for c in cohorts
    ]
    assessed = [int(c.get("assessed") or 0) for c in cohorts]
    cohort_reached = [int(c.get("reached") or 0) for c in cohorts]
    categories = [overall, *cohort_names]
    reached_all = [reached, *cohort_reached]
    totals = [target, *assessed]

    reached_label = _label(labels, "col:reached")
    target_label = _label(labels, "col:target")
    assessed_label = _label(labels, "col:assessed")
    background = {
        "type": "bar",
        "orientation": "h",
        "width": 0.8,
        "marker": {"color": _LIGHT, "line": {"color": _OUTLINE, "width": 1}},
        "textposition": "outside",
        "textfont": _text_font(),
        "cliponaxis": False,
        "hoverinfo": "skip",
    }
    data = [
        {
            **background,
            "name": target_label,
            "x": [target],
            "y": [overall],
            "text": [f"{_fmt(reached, separators, 0)} / {_fmt(target, separators, 0)}"],
        },
        {
            **background,
            "name": assessed_label,
            "x": assessed,
            "y": cohort_names,
            "text": [
                f"{_fmt(r, separators, 0)} / {_fmt(a, separators, 0)}"
                for r, a in zip(cohort_reached, assessed, strict=True)
            ],
            "marker": {
                "color": _LIGHT,
                "line": {"color": _OUTLINE, "width": 1},
                "pattern": {
                    "shape": ".",
                    "fillmode": "overlay",
                    "fgcolor": "#757575",
                    "size": 6,
                },
            },
        },
        {
            "type": "bar",
            "orientation": "h",
            "name": reached_label,
            "x": reached_all,
            "y": categories,
            "width": 0.4,
            "marker": {"color": _PRIMARY},
            "customdata": totals,
            "hovertemplate": (
                f"<b>%{{y}}</b><br>{reached_label}: %{{x:,d}} / %{{customdata:,d}}"
                "<extra></extra>"
            ),
        },
    ]
    top = max([*totals, *reached_all, 1])
    layout = _layout(
        _label(labels, "title:progress"),
        separators,
        height=_height(len(categories), per_row=40, base=110),
        barmode="overlay",
        showlegend=True,
        xaxis=_axis(range=[0, top * 1.25], gridcolor="#E6E6E6"),
        yaxis=_axis(type="category", autorange="reversed"),
    )
    rows = [[overall, "", reached, target]] + [
        [name, a, r, ""]
        for name, a, r in zip(cohort_names, assessed, cohort_reached, strict=True)
    ]
    return _result(
        data,
        layout,
        _label(labels, "title:progress"),
        [
            _label(labels, "col:cohort"),
            assessed_label,
            reached_label,
            target_label,
        ],
        rows,
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
    data = []
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
    layout = _layout(
        _label(labels, "title:ranking"),
        separators,
        height=_height(len(categories)),
        barmode="overlay",
        bargap=0.2,
        xaxis=_axis(
            title={"text": index_label},
            range=[0, RANKING_RANGE],
            tickvals=[0, *SCORE_TICKS],
            side="top",
            gridcolor="#E6E6E6",
        ),
        yaxis=_category_axis(
            categories, categoryorder="array", categoryarray=categories
        ),
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
        "colorscale": "Viridis",
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
        trace["textfont"] = {"size": TEXT_SIZE}
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


def band_chart(
    distribution: Iterable[tuple[str, int]],
    bands: Sequence[str],
    labels: Mapping[str, str],
    separators: str,
) -> dict[str, Any]:
    """Regions per band as horizontal bars, low (top) -> high, no band last."""
    counts: dict[str, int] = {}
    for code, count in distribution:
        key = "" if _missing(code) else str(code)
        counts[key] = counts.get(key, 0) + int(count or 0)
    order = list(bands) + [c for c in _ordered_bands(counts, bands) if c not in bands]
    names = [_band_label(labels, code) for code in order]
    values = [counts.get(code, 0) for code in order]
    colors = band_colors(bands)
    regions_label = _label(labels, "col:regions")
    band_label = _label(labels, "col:band")
    data = [
        {
            "type": "bar",
            "orientation": "h",
            "x": values,
            "y": names,
            "marker": {
                "color": [colors.get(code, NO_BAND_COLOR) for code in order],
                "line": {"color": "#ffffff", "width": 0.5},
            },
            "texttemplate": "%{x:,d}",
            "textposition": "outside",
            "textfont": _text_font(),
            "cliponaxis": False,
            "hovertemplate": (
                f"{band_label}: <b>%{{y}}</b><br>{regions_label}: %{{x:,d}}"
                "<extra></extra>"
            ),
        }
    ]
    top = max([*values, 1])
    layout = _layout(
        _label(labels, "title:bands"),
        separators,
        height=_height(len(order), per_row=34, base=100),
        xaxis=_axis(
            title={"text": regions_label},
            range=[0, top * 1.2],
            gridcolor="#E6E6E6",
            tickformat=",d",
        ),
        yaxis=_category_axis(names),
    )
    return _result(
        data,
        layout,
        _label(labels, "title:bands"),
        [band_label, regions_label],
        [[n, v] for n, v in zip(names, values, strict=True)],
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
            gridcolor="#E6E6E6",
        ),
    )
    rows = [
        [category, *(values[i] for _, values in series)]
        for i, category in enumerate(categories)
    ]
    return _result(
        data,
        layout,
        _label(labels, "title:parts"),
        [_label(labels, "col:part"), *(name for name, _ in series)],
        rows,
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
    layout = _layout(
        _label(labels, "title:elements"),
        separators,
        height=_height(len(categories) * len(series), per_row=30, base=110),
        barmode="group",
        showlegend=True,
        xaxis=_axis(
            title={"text": _label(labels, "col:score")},
            range=[0, 5.8],
            tickvals=[0, *SCORE_TICKS],
            gridcolor="#E6E6E6",
        ),
        yaxis=_category_axis(categories),
    )
    table_rows = [
        [category, *(values[i] for _, values in series)]
        for i, category in enumerate(categories)
    ]
    return _result(
        data,
        layout,
        _label(labels, "title:elements"),
        [_label(labels, "col:element"), *(name for name, _ in series)],
        table_rows,
    )


def _date_text(value: Any) -> str:
    if _missing(value):
        return ""
    if hasattr(value, "date") and callable(value.date):
        return value.date().isoformat()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)[:10]


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
            gridcolor="#E6E6E6",
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


def reviewer_progress_chart(
    rows: Sequence[Mapping[str, Any]],
    labels: Mapping[str, str],
    separators: str,
) -> dict[str, Any]:
    """Stacked bars per reviewer: submitted vs remaining; overdue after the bar."""
    names = _unique([str(row.get("reviewer", "")) for row in rows])
    assigned = [int(row.get("assigned") or 0) for row in rows]
    submitted = [int(row.get("submitted") or 0) for row in rows]
    remaining = [max(a - s, 0) for a, s in zip(assigned, submitted, strict=True)]
    overdue = [int(row.get("overdue") or 0) for row in rows]
    shares = [_raw(row.get("answered_share")) for row in rows]

    submitted_label = _label(labels, "col:submitted")
    remaining_label = _label(labels, "col:remaining")
    assigned_label = _label(labels, "col:assigned")
    share_label = _label(labels, "col:answered_share")
    overdue_label = _label(labels, "col:overdue")
    customdata = [
        [
            _fmt(assigned[i], separators, 0),
            MISSING
            if shares[i] is None
            else f"{_fmt(shares[i] * 100, separators, 0)}%",
            _fmt(overdue[i], separators, 0),
        ]
        for i in range(len(rows))
    ]
    hover = (
        f"<b>%{{y}}</b><br>{assigned_label}: %{{customdata[0]}}"
        "<br>{name}: %{x:,d}"
        f"<br>{share_label}: %{{customdata[1]}}"
        f"<br>{overdue_label}: %{{customdata[2]}}<extra></extra>"
    )
    data = [
        {
            "type": "bar",
            "orientation": "h",
            "name": submitted_label,
            "x": submitted,
            "y": names,
            "marker": {"color": _PRIMARY},
            "texttemplate": "%{x:,d}",
            "textposition": "inside",
            "insidetextanchor": "middle",
            "textfont": {"size": TEXT_SIZE, "color": "#ffffff"},
            "customdata": customdata,
            "hovertemplate": hover.replace("{name}", submitted_label),
        },
        {
            "type": "bar",
            "orientation": "h",
            "name": remaining_label,
            "x": remaining,
            "y": names,
            "marker": {
                "color": _LIGHT,
                "line": {"color": _OUTLINE, "width": 1},
                "pattern": {
                    "shape": "/",
                    "fillmode": "overlay",
                    "fgcolor": "#9E9E9E",
                    "size": 7,
                },
            },
            "texttemplate": "%{x:,d}",
            "textposition": "inside",
            "insidetextanchor": "middle",
            "textfont": _text_font(),
            "customdata": customdata,
            "hovertemplate": hover.replace("{name}", remaining_label),
        },
    ]
    late = [i for i, n in enumerate(overdue) if n]
    data.append(
        {
            "type": "scatter",
            "mode": "text",
            "name": overdue_label,
            "x": [submitted[i] + remaining[i] for i in late],
            "y": [names[i] for i in late],
            "text": [
                f"{overdue_label}: {_fmt(overdue[i], separators, 0)}" for i in late
            ],
            "textposition": "middle right",
            "textfont": _text_font(),
            "cliponaxis": False,
            "showlegend": False,
            "hoverinfo": "skip",
        }
    )
    top = max(
        [*assigned, *(s + r for s, r in zip(submitted, remaining, strict=True)), 1]
    )
    layout = _layout(
        _label(labels, "title:reviewers"),
        separators,
        height=_height(len(names), per_row=28, base=110),
        barmode="stack",
        showlegend=True,
        xaxis=_axis(range=[0, top * 1.7], gridcolor="#E6E6E6", tickformat=",d"),
        yaxis=_category_axis(names),
    )
    table_rows = [
        [names[i], assigned[i], submitted[i], remaining[i], shares[i], overdue[i]]
        for i in range(len(rows))
    ]
    return _result(
        data,
        layout,
        _label(labels, "title:reviewers"),
        [
            _label(labels, "col:reviewer"),
            assigned_label,
            submitted_label,
            remaining_label,
            share_label,
            overdue_label,
        ],
        table_rows,
    )


def hotspot_chart(
    rows: Sequence[Mapping[str, Any]],
    labels: Mapping[str, str],
    separators: str,
    *,
    key: str,
) -> dict[str, Any]:
    """The top 20 ``key`` values (e.g. indicators) by reviewer disagreements."""
    top = sorted(rows, key=lambda r: -int(r.get("disagreements") or 0))[:HOTSPOT_LIMIT]
    names = _unique([str(row.get(key, "")) for row in top])
    counts = [int(row.get("disagreements") or 0) for row in top]
    key_label = _label(labels, f"col:{key}")
    count_label = _label(labels, "col:disagreements")
    data = [
        {
            "type": "bar",
            "orientation": "h",
            "x": counts,
            "y": names,
            "marker": {"color": _SECONDARY},
            "texttemplate": "%{x:,d}",
            "textposition": "outside",
            "textfont": _text_font(),
            "cliponaxis": False,
            "hovertemplate": (
                f"{key_label}: <b>%{{y}}</b><br>{count_label}: %{{x:,d}}<extra></extra>"
            ),
        }
    ]
    layout = _layout(
        _label(labels, "title:hotspots"),
        separators,
        height=_height(len(names), per_row=24, base=110),
        xaxis=_axis(
            title={"text": count_label},
            range=[0, max([*counts, 1]) * 1.2],
            gridcolor="#E6E6E6",
            tickformat=",d",
        ),
        yaxis=_category_axis(names),
    )
    return _result(
        data,
        layout,
        _label(labels, "title:hotspots"),
        [key_label, count_label],
        [[n, c] for n, c in zip(names, counts, strict=True)],
    )
