from __future__ import annotations

import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest

from submissions.file_checks import (
    DocxLimits,
    FileKind,
    Refusal,
    UploadRefused,
    check_file,
    display_name,
)
from tests.submissions import samples

MB = 1024 * 1024


def refusal(path: Path, name: str, **kwargs: object) -> Refusal:
    with pytest.raises(UploadRefused) as refused:
        check_file(path, name, **kwargs)
    assert refused.value.detail
    return refused.value.code


@pytest.mark.parametrize(
    ("build", "name", "code"),
    [
        (samples.exe_renamed_pdf, "rencana.pdf", Refusal.TYPE),
        (samples.exe_pdf_polyglot, "rencana.pdf", Refusal.TYPE),
        (samples.html_renamed_pdf, "rencana.pdf", Refusal.TYPE),
        (samples.good_docx, "rencana.pdf", Refusal.TYPE),  # a zip named .pdf
        (samples.pdf_renamed_docx, "rencana.docx", Refusal.TYPE),
        (samples.empty_file, "rencana.pdf", Refusal.EMPTY),
        (samples.empty_file, "rencana.docx", Refusal.EMPTY),
        (samples.truncated_pdf, "rencana.pdf", Refusal.DAMAGED),
        (samples.pdf_without_pages, "rencana.pdf", Refusal.DAMAGED),
        (samples.password_pdf, "rencana.pdf", Refusal.PASSWORD),
        (samples.password_docx, "rencana.docx", Refusal.PASSWORD),
        (samples.doc_renamed_docx, "rencana.docx", Refusal.TYPE),
        (samples.zip_bomb_docx, "rencana.docx", Refusal.UNSAFE),
        (samples.too_many_entries_docx, "rencana.docx", Refusal.UNSAFE),
        (samples.docx_with_external_entity, "rencana.docx", Refusal.UNSAFE),
        (samples.docx_billion_laughs, "rencana.docx", Refusal.UNSAFE),
        (samples.docx_with_malformed_xml, "rencana.docx", Refusal.DAMAGED),
        (samples.zip_without_document_xml, "rencana.docx", Refusal.DAMAGED),
        (samples.broken_zip_docx, "rencana.docx", Refusal.DAMAGED),
    ],
)
def test_bad_files_are_refused_with_the_reason(
    tmp_path: Path, build: Callable[[Path], Path], name: str, code: Refusal
):
    assert refusal(build(tmp_path / "upload"), name) == code


@pytest.mark.parametrize(
    ("build", "name", "kind"),
    [
        (samples.good_pdf, "Masterplan.pdf", FileKind.PDF),
        (samples.good_pdf, "Masterplan.PDF", FileKind.PDF),
        (samples.owner_only_password_pdf, "rencana.pdf", FileKind.PDF),
        (samples.good_docx, "Masterplan.docx", FileKind.DOCX),
        (samples.good_docx, "MASTERPLAN.DOCX", FileKind.DOCX),
    ],
)
def test_good_files_are_accepted(
    tmp_path: Path, build: Callable[[Path], Path], name: str, kind: FileKind
):
    assert check_file(build(tmp_path / "upload"), name) is kind


@pytest.mark.parametrize(
    "name", ["x.pdf.exe", "rencana.doc", "rencana.docm", "rencana", "rencana.pdf."]
)
def test_only_pdf_and_docx_extensions_are_allowed(tmp_path: Path, name: str):
    assert refusal(samples.good_pdf(tmp_path / "upload"), name) == Refusal.TYPE


def test_the_name_is_checked_before_the_content(tmp_path: Path):
    assert refusal(samples.empty_file(tmp_path / "upload"), "..") == Refusal.NAME


def test_docx_expanding_beyond_the_total_limit_is_refused(tmp_path: Path):
    path = samples.zip_bomb_docx(tmp_path / "upload", uncompressed_bytes=3 * MB)
    generous_ratio = DocxLimits(max_uncompressed=2 * MB, max_ratio=10**6)

    assert check_file(path, "x.docx", limits=DocxLimits(max_ratio=10**6)) == "docx"
    assert refusal(path, "x.docx", limits=generous_ratio) == Refusal.UNSAFE


def test_small_compressible_entries_are_not_taken_for_bombs(tmp_path: Path):
    # Under 1 MB, XML compresses far better than 100:1 in real documents.
    path = samples.zip_bomb_docx(tmp_path / "upload", uncompressed_bytes=MB // 2)

    assert check_file(path, "x.docx") is FileKind.DOCX


def test_check_file_keeps_memory_low_on_a_50_mb_pdf(tmp_path: Path):
    path = samples.large_pdf(tmp_path / "upload", 50 * MB)
    assert path.stat().st_size > 49 * MB

    tracemalloc.start()
    try:
        assert check_file(path, "lampiran.pdf") is FileKind.PDF
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert peak < 20 * MB


def test_a_small_pdf_with_a_broken_xref_table_is_repaired(tmp_path: Path):
    path = samples.large_pdf(tmp_path / "upload", MB, broken_xref=True)

    assert check_file(path, "x.pdf") is FileKind.PDF


def test_a_large_pdf_with_a_broken_xref_table_is_not_read_whole(tmp_path: Path):
    path = samples.large_pdf(tmp_path / "upload", 12 * MB, broken_xref=True)

    tracemalloc.start()
    try:
        code = refusal(path, "x.pdf")
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert code == Refusal.DAMAGED
    assert peak < 5 * MB


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("../../x.pdf", "x.pdf"),
        ("a\x00b.pdf", "ab.pdf"),
        ("C:\\Users\\x\\rencana.pdf", "rencana.pdf"),
        ("  Masterplan 2024.pdf \t", "Masterplan 2024.pdf"),
        ("re\u0301ncana.pdf", "r\u00e9ncana.pdf"),  # NFC: e + combining acute
        ("invoice\u202efdp.exe", "invoicefdp.exe"),  # right-to-left override
        ("x" * 251 + ".pdf", "x" * 251 + ".pdf"),
    ],
)
def test_display_name_is_cleaned(name: str, shown: str):
    assert display_name(name) == shown


@pytest.mark.parametrize(
    "name", ["", "   ", ".", "..", "...", "dir/", "a/..", "\x00\x01", "x" * 300]
)
def test_display_name_refuses_unusable_names(name: str):
    with pytest.raises(UploadRefused) as refused:
        display_name(name)

    assert refused.value.code == Refusal.NAME
