from __future__ import annotations

import io
from pathlib import Path

from pypdf import PdfReader

from demo.documents import masterplan_docx, masterplan_pdf
from submissions.extraction import extract_pages
from submissions.file_checks import FileKind, check_file


def test_pdf_is_deterministic():
    first = masterplan_pdf("Kota Tangerang Selatan", 2018)

    assert masterplan_pdf("Kota Tangerang Selatan", 2018) == first
    assert masterplan_pdf("Kota Bandung", 2018) != first


def test_docx_is_deterministic():
    first = masterplan_docx("Kabupaten Banyuwangi", 2018)

    assert masterplan_docx("Kabupaten Banyuwangi", 2018) == first
    assert masterplan_docx("Kabupaten Banyuwangi", 2019) != first


def test_cover_names_the_region_and_period(tmp_path: Path):
    path = tmp_path / "masterplan.pdf"
    path.write_bytes(masterplan_pdf("Kota Tangerang Selatan", 2018))

    cover = " ".join(extract_pages(path, "pdf")[0].split())

    assert "Masterplan Smart City Kota Tangerang Selatan 2018-2028" in cover


def test_regulation_chapter_names_the_head_of_region(tmp_path: Path):
    kota, kabupaten = tmp_path / "kota.docx", tmp_path / "kabupaten.docx"
    kota.write_bytes(masterplan_docx("Kota Tangerang Selatan", 2018))
    kabupaten.write_bytes(masterplan_docx("Kabupaten Banyuwangi", 2018))

    assert "dengan Peraturan Wali Kota tentang" in extract_pages(kota, "docx")[15]
    assert "dengan Peraturan Bupati tentang" in extract_pages(kabupaten, "docx")[15]


def test_demo_documents_pass_the_upload_checks(tmp_path: Path):
    pdf, docx = tmp_path / "masterplan.pdf", tmp_path / "masterplan.docx"
    pdf.write_bytes(masterplan_pdf("Kota Tangerang Selatan", 2018))
    docx.write_bytes(masterplan_docx("Kota Tangerang Selatan", 2018))

    assert check_file(pdf, pdf.name) is FileKind.PDF
    assert check_file(docx, docx.name) is FileKind.DOCX


def test_pages_per_chapter_makes_a_long_document():
    data = masterplan_pdf("Kota Tangerang Selatan", 2018, pages_per_chapter=20)

    assert len(PdfReader(io.BytesIO(data)).pages) > 300
