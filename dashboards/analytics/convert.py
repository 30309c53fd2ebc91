"""Small conversions from release JSON and frame cells to JSON-safe values."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd


def _float(value: Any) -> float | None:
    """A JSON-safe float: None for null, NA and NaN."""
    if value is None or value is pd.NA:
        return None
    number = float(value)
    return None if math.isnan(number) else number


def _int(value: Any) -> int | None:
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    return int(value)


def _floats(values: Iterable[Any]) -> np.ndarray:
    return np.array(
        [np.nan if v is None else float(v) for v in values], dtype="float64"
    )


def _ints(values: Iterable[Any]) -> pd.arrays.IntegerArray:
    return pd.array(list(values), dtype="Int64")
