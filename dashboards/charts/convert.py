"""Small converters from frame and JSON values to figure and table values."""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Sequence
from typing import Any, cast

import pandas as pd

from dashboards.charts.style import MISSING


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
        return cast(str, value)
    if kind is int:
        return cast(int, value)
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
    marks: dict[str, str | int | None] = {",": thousands, ".": decimal}
    return text.translate(str.maketrans(marks))


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


def _date_text(value: Any) -> str:
    if _missing(value):
        return ""
    if hasattr(value, "date") and callable(value.date):
        return str(value.date().isoformat())
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)[:10]


def _band_codes(frame: pd.DataFrame) -> list[str]:
    return ["" if _missing(v) else str(v) for v in _column(frame, "band").tolist()]
