"""The export tables: a release frame and the raw review rows as documented columns."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from dashboards.analytics import detail_columns
from dashboards.exports.columns import (
    _BOOL_DTYPES,
    _FLOAT_DTYPES,
    _INT_DTYPES,
    _RELEASE_SOURCES,
    _TEXT_DTYPES,
    REVIEW_COLUMNS,
)


def release_table(
    frame: pd.DataFrame,
    band_names: Mapping[str, str] | None = None,
    *,
    low_agreement: bool = False,
    caveat: str = "",
) -> pd.DataFrame:
    """The release export: the columns of RELEASE_COLUMNS in order, the details
    columns (dimension, element, aspect, sub_dimension, each by code) last.
    A column the frame lacks is left empty. `band_names` (band code -> name in
    the export's language) names each band; a code it lacks is kept.
    `low_agreement` and `caveat` (the release's, in the export's language)
    fill their columns on every row."""
    out: dict[str, Any] = {}
    n = len(frame)
    release: dict[str, pd.Series] = {
        "low_agreement": pd.Series([bool(low_agreement)] * n, index=frame.index),
        "caveat": pd.Series([caveat] * n, index=frame.index, dtype=object),
    }
    for source, header in {
        **_RELEASE_SOURCES,
        "low_agreement": "low_agreement",
        "caveat": "caveat",
    }.items():
        values: pd.Series
        if source in release:
            values = release[source]
        elif source in frame.columns:
            values = frame[source]
        else:
            values = pd.Series([None] * n, index=frame.index, dtype=object)
        if header == "band" and band_names:
            values = values.map(lambda code: band_names.get(code, code))
        if header in _TEXT_DTYPES:
            values = values.astype("str")
        elif header in _INT_DTYPES:
            values = values.astype("Int64")
        elif header in _FLOAT_DTYPES:
            values = values.astype("float64")
        elif header in _BOOL_DTYPES:
            values = values.fillna(False).astype(bool)
        out[header] = values.to_numpy() if header in _BOOL_DTYPES else values.array
    for column in detail_columns(frame.columns):
        out[column] = frame[column].to_numpy(dtype="float64")
    return pd.DataFrame(out).reset_index(drop=True)


def _levels(values: Sequence[Any]) -> pd.api.extensions.ExtensionArray:
    """Levels as Int64 (NA for no evidence), or Float64 if one is fractional."""
    numbers = pd.to_numeric(pd.Series(list(values), dtype=object), errors="raise")
    try:
        return pd.array(numbers, dtype="Int64")  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return pd.array(numbers, dtype="Float64")  # type: ignore[call-overload]


def review_table(rows: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """The raw reviews export: one row per answer, the columns of
    REVIEW_COLUMNS in order, rows in the order given. A missing key is empty."""
    rows = list(rows)
    headers = [header for header, _, _ in REVIEW_COLUMNS]

    def column(key: str) -> list[Any]:
        return [row.get(key) for row in rows]

    out: dict[str, Any] = {}
    for header in headers:
        if header == "level":
            out[header] = _levels(column(header))
        elif header == "no_evidence":
            out[header] = np.array([bool(v) for v in column(header)], dtype=bool)
        else:
            texts = ["" if v is None else str(v) for v in column(header)]
            out[header] = pd.array(texts, dtype="str")
    return pd.DataFrame(out, columns=headers)
