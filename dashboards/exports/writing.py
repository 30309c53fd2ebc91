"""CSV and XLSX bytes of an export table, formula-like text neutralised."""

from __future__ import annotations

import io
import math
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from dashboards.exports.columns import (
    _FAMILY_DOCS,
    NOTES_SHEET,
    RELEASE_COLUMNS,
    REVIEW_COLUMNS,
    Column,
)
from lib import spreadsheets

_CSV_DECIMALS = 6
# Excel's sheet names: at most 31 characters, none of []:*?/\
_SHEET_UNSAFE = re.compile(r"[\[\]:*?/\\]")


def _decimal(value: object) -> str:
    """At most 6 decimals, trailing zeros dropped, never in exponent form:
    3.155184, 3.25, 2.0, 0.00005."""
    text = f"{value:.{_CSV_DECIMALS}f}".rstrip("0")
    return text + "0" if text.endswith(".") else text


def to_csv(table: pd.DataFrame) -> bytes:
    """UTF-8 with a byte order mark (Excel then reads Indonesian names right),
    comma separated, "." decimals, no index; floats with at most 6 decimals;
    text that could start a formula gets a leading apostrophe."""
    out = table.copy()
    for name in out.columns:
        series = out[name]
        if pd.api.types.is_string_dtype(series.dtype) or series.dtype == object:
            out[name] = series.map(spreadsheets.neutralise, na_action="ignore")
    text = out.to_csv(index=False, lineterminator="\r\n", float_format=_decimal)
    return text.encode("utf-8-sig")


def _cell_value(value: Any) -> Any:
    """A plain value for openpyxl: None for NA/NaN, numbers and booleans as
    they are (no numpy types), anything else (dates, lazy translations) as
    its text."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if isinstance(value, str | bool | int | float | Decimal):
        return value
    return str(value)


def _text_cell(ws: Any, value: str, font: Font | None = None) -> WriteOnlyCell:
    """A cell that is always a string: never a formula nor an error code.
    Formula-like text is also quote-prefixed (Excel's hidden apostrophe), so
    it stays text when someone edits the cell."""
    cell = WriteOnlyCell(ws, value=ILLEGAL_CHARACTERS_RE.sub("", value))
    cell.data_type = "s"
    if spreadsheets.is_formula_like(value):
        cell.quotePrefix = True
    if font is not None:
        cell.font = font
    return cell


def _row(ws: Any, values: Iterable[Any]) -> list[Any]:
    cells = []
    for raw in values:
        value = _cell_value(raw)
        cells.append(_text_cell(ws, value) if isinstance(value, str) else value)
    return cells


def _sheet_title(sheet: str) -> str:
    title = _SHEET_UNSAFE.sub("_", sheet).strip("'")[:31] or "Data"
    return f"{title[:29]}_1" if title.lower() == NOTES_SHEET.lower() else title


def _documentation(headers: Sequence[str]) -> list[Column]:
    """Each header with its descriptions (a details column from its family's,
    <KODE> filled in); headers that no list documents get empty ones."""
    known = {
        header: (indonesian, english)
        for header, indonesian, english in [*REVIEW_COLUMNS, *RELEASE_COLUMNS]
    }
    docs: list[Column] = []
    for header in headers:
        family, sep, code = header.partition(":")
        if header in known:
            docs.append((header, *known[header]))
        elif sep and family in _FAMILY_DOCS:
            _, indonesian, english = _FAMILY_DOCS[family]
            docs.append(
                (
                    header,
                    indonesian.replace("<KODE>", code),
                    english.replace("<KODE>", code),
                )
            )
        else:
            docs.append((header, "", ""))
    return docs


def _widths(ws: Any, widths: Sequence[int]) -> None:
    for k, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(k)].width = width


def to_xlsx(
    table: pd.DataFrame,
    *,
    sheet: str,
    notes: Sequence[tuple[str, str]] = (),
) -> bytes:
    """An XLSX workbook: the table on `sheet` (bold, frozen header row; numbers
    as numbers, NA as empty cells, text always as text), then a "Keterangan"
    sheet with the notes (key, value) and each column's description."""
    wb = Workbook(write_only=True)
    bold = Font(bold=True)
    ws = wb.create_sheet(_sheet_title(str(sheet)))
    headers = [str(column) for column in table.columns]
    _widths(ws, [min(max(len(h) + 2, 10), 40) for h in headers])
    ws.freeze_panes = "A2"
    ws.append([_text_cell(ws, header, bold) for header in headers])
    columns = [
        table[column].to_numpy(dtype=object, na_value=None)  # type: ignore[call-overload]
        for column in table
    ]
    for values in zip(*columns, strict=True):
        ws.append(_row(ws, values))

    doc = wb.create_sheet(NOTES_SHEET)
    _widths(doc, [28, 70, 70])
    doc.append([_text_cell(doc, "Keterangan / Note", bold), None])
    for key, value in notes:
        doc.append(_row(doc, [str(key), value]))
    doc.append([])
    doc.append(
        [
            _text_cell(doc, text, bold)
            for text in ("Kolom / Column", "Keterangan", "Description")
        ]
    )
    for values in _documentation(headers):
        doc.append(_row(doc, values))

    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
