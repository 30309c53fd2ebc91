"""The lead reviewer's dashboard: reviewer progress and disagreement hotspots."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from dashboards.charts.convert import _fmt, _raw, _unique
from dashboards.charts.layout import (
    _count_chart,
    _hbar_layout,
    _result,
    _text_font,
)
from dashboards.charts.style import (
    _LIGHT,
    _OUTLINE,
    _PRIMARY,
    _SECONDARY,
    HOTSPOT_LIMIT,
    MISSING,
    TEXT_SIZE,
    _label,
)


def _percent(share: float | None, separators: str) -> str:
    return MISSING if share is None else f"{_fmt(share * 100, separators, 0)}%"


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
            _percent(shares[i], separators),
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
    data: list[dict[str, Any]] = [
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
    layout = _hbar_layout(
        _label(labels, "title:reviewers"),
        separators,
        names,
        per_row=28,
        base=110,
        barmode="stack",
        showlegend=True,
        xaxis={"range": [0, top * 1.7], "tickformat": ",d"},
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
    return _count_chart(
        _label(labels, "title:hotspots"),
        separators,
        names,
        counts,
        marker={"color": _SECONDARY},
        name_label=_label(labels, f"col:{key}"),
        count_label=_label(labels, "col:disagreements"),
        per_row=24,
        base=110,
    )
