"""Downloadable tables of a release and of the raw reviews: CSV and XLSX.

Pure functions, no Django: release_table() turns a release frame (from
dashboards.analytics.release_frame) into the export table, review_table() the
raw review rows, and to_csv() / to_xlsx() write either as bytes for a download.

Every column is documented in RELEASE_COLUMNS / REVIEW_COLUMNS (header,
Indonesian description, English description); the XLSX file carries that
documentation on its "Keterangan" sheet. A family of details columns is
documented once under a pattern header such as "dimension:<KODE>".

Text that a spreadsheet could take for a formula (lib.spreadsheets: starting
with =, +, -, @, a tab or a carriage return, or their full-width forms) is
neutralised: CSV cells get a leading apostrophe (OWASP's advice against CSV
injection), XLSX cells are written as explicit string cells, never as formulas,
and quote-prefixed.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from dashboards.analytics import RANK_COLUMNS, detail_columns
from lib import spreadsheets
from scoring import contract

__all__ = [
    "NOTES_SHEET",
    "RELEASE_COLUMNS",
    "REVIEW_COLUMNS",
    "release_table",
    "review_table",
    "to_csv",
    "to_xlsx",
]

Column = tuple[str, str, str]

_RANK_DOCS: dict[str, Column] = {
    group.rank: (group.rank, group.doc_id, group.doc_en)
    for group in contract.PEER_GROUPS
}
_FAMILY_DOCS: dict[str, Column] = {
    "dimension": (
        "dimension:<KODE>",
        "Skor dimensi <KODE> (rata-rata tertimbang level indikator, 1-5)",
        "Score of dimension <KODE> (weighted mean of indicator levels, 1-5)",
    ),
    "element": (
        "element:<KODE>",
        "Skor elemen kesiapan <KODE> (1-5)",
        "Score of readiness element <KODE> (1-5)",
    ),
    "aspect": (
        "aspect:<KODE>",
        "Skor aspek evaluasi <KODE> dari bagian Practice (1-5)",
        "Score of Practice evaluation aspect <KODE> (1-5)",
    ),
    "sub_dimension": (
        "sub_dimension:<KODE>",
        "Skor subdimensi <KODE> (1-5)",
        "Score of sub-dimension <KODE> (1-5)",
    ),
}

RELEASE_COLUMNS: list[Column] = [
    ("region_code", "Kode wilayah kabupaten/kota (Kemendagri)", "Region code"),
    ("region_name", "Nama kabupaten/kota", "Region name"),
    ("kind", "Jenis daerah: kota atau kabupaten", "Kind: kota or kabupaten"),
    ("province", "Nama provinsi", "Province name"),
    (
        "cohort_year",
        "Tahun angkatan Gerakan Menuju 100 Smart City (kosong: bukan peserta)",
        "Cohort year in the 100 Smart City movement (empty: in no cohort)",
    ),
    (
        "index",
        "Indeks kesiapan (skala 1-5; kosong bila tidak dapat dihitung)",
        "Readiness index (1-5 scale; empty when it cannot be computed)",
    ),
    (
        "band",
        "Predikat kesiapan menurut indeks, dengan namanya dalam bahasa ekspor "
        "(kosong bila tidak ada)",
        "Readiness band of the index, by its name in the export's language "
        "(empty when none)",
    ),
    (
        "complete",
        "Lengkap: cakupan mencapai batas minimum (hanya daerah lengkap "
        "diperingkat dan dihitung ke target)",
        "Complete: coverage reaches the minimum (only complete regions are "
        "ranked and counted toward the target)",
    ),
    (
        "coverage",
        "Cakupan: bagian bobot indikator yang memiliki level (0-1)",
        "Coverage: weight share of the indicators that have a level (0-1)",
    ),
    ("blueprint", "Skor bagian Blueprint (1-5)", "Blueprint part score (1-5)"),
    ("practice", "Skor bagian Practice (1-5)", "Practice part score (1-5)"),
    (
        "size_class",
        "Kelas ukuran menurut jumlah penduduk: small (< 200.000), medium, "
        "large (> 1.000.000)",
        "Size class by population: small (< 200,000), medium, large (> 1,000,000)",
    ),
    *(_RANK_DOCS[column] for column in RANK_COLUMNS),
    (
        "rank_low",
        "Peringkat nasional terbaik (angka terkecil) dalam selang 90%",
        "Best (smallest) national rank of the 90% rank interval",
    ),
    (
        "rank_high",
        "Peringkat nasional terburuk (angka terbesar) dalam selang 90%",
        "Worst (largest) national rank of the 90% rank interval",
    ),
    (
        "ranked",
        "Diperingkat: lengkap dan dinilai oleh cukup penilai (minimum dari "
        "kerangka, biasanya 3 penilaian)",
        "Ranked: complete and scored by enough reviewers (the framework's "
        "minimum, usually 3 reviews)",
    ),
    (
        "unranked_reason",
        "Alasan tidak diperingkat: incomplete (belum lengkap), few_reviews "
        "(penilaian kurang dari minimum), no_index (tanpa indeks); kosong bila "
        "diperingkat",
        "Why not ranked: incomplete, few_reviews (fewer reviews than the "
        "minimum), no_index; empty when ranked",
    ),
    (
        "n_reviews",
        "Jumlah penilaian yang dikirim untuk daerah ini",
        "Number of submitted reviews of the region",
    ),
    (
        "tie_low",
        "Kelompok setara nasional: peringkat pertama kelompok (daerah yang "
        "selangnya tidak dapat dibedakan berbagi kelompok)",
        "National tied group: its first rank (regions whose intervals cannot "
        "be told apart share a group)",
    ),
    (
        "tie_high",
        "Kelompok setara nasional: peringkat terakhir kelompok",
        "National tied group: its last rank",
    ),
    (
        "index_low",
        "Batas bawah selang 90% indeks (bootstrap atas penilaian)",
        "Lower end of the index's 90% interval (bootstrap over reviews)",
    ),
    (
        "index_high",
        "Batas atas selang 90% indeks",
        "Upper end of the index's 90% interval",
    ),
    (
        "index_adjusted",
        "Uji sensitivitas: indeks setelah keketatan tiap penilai dikoreksi "
        "(bukan indeks resmi)",
        "Sensitivity: the index with each reviewer's severity taken out (not "
        "the official index)",
    ),
    (
        "rank_adjusted",
        "Uji sensitivitas: peringkat nasional menurut index_adjusted",
        "Sensitivity: national rank by index_adjusted",
    ),
    (
        "rank_change",
        "rank_national dikurangi rank_adjusted (positif: naik bila keketatan "
        "penilai dikoreksi)",
        "rank_national minus rank_adjusted (positive: the region climbs once "
        "severity is taken out)",
    ),
    (
        "low_agreement",
        "Kesepakatan antarpenilai rilis ini rendah (alpha < 0,667)",
        "The release's inter-reviewer agreement is low (alpha < 0.667)",
    ),
    (
        "caveat",
        "Catatan kehati-hatian rilis (kosong bila tidak ada)",
        "The release's caveat (empty when none)",
    ),
    *_FAMILY_DOCS.values(),
]

REVIEW_COLUMNS: list[Column] = [
    ("region_code", "Kode wilayah kabupaten/kota", "Region code"),
    ("region_name", "Nama kabupaten/kota", "Region name"),
    ("indicator", "Kode indikator", "Indicator code"),
    ("reviewer", "Penilai", "Reviewer"),
    (
        "review_status",
        "Status penilaian: draft, submitted atau withdrawn",
        "Review status: draft, submitted or withdrawn",
    ),
    (
        "level",
        "Level yang diberikan (1-5; kosong: tidak ada bukti)",
        "Level given (1-5; empty: no evidence)",
    ),
    ("no_evidence", "Tidak ada bukti", "No evidence"),
    ("comment", "Komentar penilai", "Reviewer's comment"),
    ("citation", "Rujukan bukti (dokumen, halaman)", "Evidence citation"),
    (
        "submitted_at",
        "Waktu penilaian dikirim (ISO 8601; kosong bila belum)",
        "When the review was submitted (ISO 8601; empty if not yet)",
    ),
]

NOTES_SHEET = "Keterangan"
# Release frame column -> export header, for the fixed (non-details) columns.
_RELEASE_SOURCES = {
    "region": "region_code",
    "name": "region_name",
    "kind": "kind",
    "province_name": "province",
    "cohort_year": "cohort_year",
    "index": "index",
    "band": "band",
    "complete": "complete",
    "coverage": "coverage",
    "blueprint": "blueprint",
    "practice": "practice",
    "size_class": "size_class",
    **{column: column for column in RANK_COLUMNS},
    "rank_low": "rank_low",
    "rank_high": "rank_high",
    "ranked": "ranked",
    "unranked_reason": "unranked_reason",
    "n_reviews": "n_reviews",
    "tie_low": "tie_low",
    "tie_high": "tie_high",
    "index_low": "index_low",
    "index_high": "index_high",
    "index_adjusted": "index_adjusted",
    "rank_adjusted": "rank_adjusted",
    "rank_change": "rank_change",
}
_TEXT_DTYPES = {
    "region_code": "str",
    "region_name": "str",
    "kind": "str",
    "province": "str",
    "band": "str",
    "size_class": "str",
    "unranked_reason": "str",
    "caveat": "str",
}
_INT_DTYPES = {
    "cohort_year",
    *RANK_COLUMNS,
    "rank_low",
    "rank_high",
    "n_reviews",
    "tie_low",
    "tie_high",
    "rank_adjusted",
    "rank_change",
}
_FLOAT_DTYPES = {
    "index",
    "coverage",
    "blueprint",
    "practice",
    "index_low",
    "index_high",
    "index_adjusted",
}
_BOOL_DTYPES = {"complete", "ranked", "low_agreement"}
_CSV_DECIMALS = 6
# Excel's sheet names: at most 31 characters, none of []:*?/\
_SHEET_UNSAFE = re.compile(r"[\[\]:*?/\\]")


# --------------------------------------------------------------------------
# The tables


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
    release = {
        "low_agreement": pd.Series([bool(low_agreement)] * n, index=frame.index),
        "caveat": pd.Series([caveat] * n, index=frame.index, dtype=object),
    }
    for source, header in {
        **_RELEASE_SOURCES,
        "low_agreement": "low_agreement",
        "caveat": "caveat",
    }.items():
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
        return pd.array(numbers, dtype="Int64")
    except (TypeError, ValueError):
        return pd.array(numbers, dtype="Float64")


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


# --------------------------------------------------------------------------
# Writing


def _decimal(value: float) -> str:
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
    known = {header: doc for header, *doc in [*REVIEW_COLUMNS, *RELEASE_COLUMNS]}
    docs = []
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
    columns = [table[column].to_numpy(dtype=object, na_value=None) for column in table]
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
