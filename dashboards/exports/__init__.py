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

The package: columns (the documentation and types of every column), tables
(release_table, review_table), writing (to_csv, to_xlsx).
"""

from dashboards.exports.columns import NOTES_SHEET, RELEASE_COLUMNS, REVIEW_COLUMNS
from dashboards.exports.tables import release_table, review_table
from dashboards.exports.writing import to_csv, to_xlsx

__all__ = [
    "NOTES_SHEET",
    "RELEASE_COLUMNS",
    "REVIEW_COLUMNS",
    "release_table",
    "review_table",
    "to_csv",
    "to_xlsx",
]
