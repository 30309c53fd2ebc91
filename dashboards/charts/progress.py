"""Progress toward the target and regions per band."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from dashboards.charts.convert import _fmt, _missing
from dashboards.charts.layout import (
    _axis,
    _count_chart,
    _height,
    _layout,
    _result,
    _text_font,
)
from dashboards.charts.style import (
    _LIGHT,
    _OUTLINE,
    _PRIMARY,
    GRID_COLOR,
    NO_BAND_COLOR,
    _band_label,
    _label,
    _ordered_bands,
    band_colors,
)


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
        xaxis=_axis(range=[0, top * 1.25], gridcolor=GRID_COLOR),
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
    return _count_chart(
        _label(labels, "title:bands"),
        separators,
        names,
        values,
        marker={
            "color": [colors.get(code, NO_BAND_COLOR) for code in order],
            "line": {"color": "#ffffff", "width": 0.5},
        },
        name_label=_label(labels, "col:band"),
        count_label=_label(labels, "col:regions"),
        per_row=34,
        base=100,
    )
