from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from pypdf import PageObject

from submissions.extraction import UnreadableDocument, extract_pages
from tests.submissions import samples


def test_pdf_pages_in_order(tmp_path: Path):
    path = samples.good_pdf(tmp_path / "a.pdf", ["Satu", "Dua baris\nkedua", "Tiga"])

    assert extract_pages(path, "pdf") == ["Satu", "Dua baris\nkedua", "Tiga"]


def test_owner_password_pdf_is_read(tmp_path: Path):
    path = samples.owner_only_password_pdf(tmp_path / "a.pdf")

    assert extract_pages(path, "pdf") == ["Dokumen terbatas"]


def test_a_pdf_page_that_fails_gives_empty_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    path = samples.good_pdf(tmp_path / "a.pdf", ["Satu", "Dua", "Tiga"])
    original = PageObject.extract_text

    def broken_on_page_two(page: PageObject, *args: object, **kwargs: object) -> str:
        text = original(page, *args, **kwargs)
        if text == "Dua":
            raise ValueError("broken font")
        return text

    monkeypatch.setattr(PageObject, "extract_text", broken_on_page_two)

    assert extract_pages(path, "pdf") == ["Satu", "", "Tiga"]


def test_docx_without_breaks_is_one_page(tmp_path: Path):
    path = samples.good_docx(tmp_path / "a.docx", ["Satu", "Dua", "Tiga"])

    assert extract_pages(path, "docx") == ["Satu\nDua\nTiga"]


def test_docx_pages_split_on_hard_page_breaks(tmp_path: Path):
    path = samples.good_docx(
        tmp_path / "a.docx", ["Satu", "Dua", "Tiga", "Empat"], page_break_before={2, 3}
    )

    assert extract_pages(path, "docx") == ["Satu\nDua", "Tiga", "Empat"]


def test_docx_pages_split_where_word_rendered_them(tmp_path: Path):
    path = samples.good_docx(
        tmp_path / "a.docx", ["Satu", "Dua", "Tiga"], rendered_break_before={2}
    )

    assert extract_pages(path, "docx") == ["Satu\nDua", "Tiga"]


def test_word_rendered_break_after_a_hard_break_is_the_same_page(tmp_path: Path):
    # Word saves a lastRenderedPageBreak at the top of the page after a hard break.
    path = samples.good_docx(
        tmp_path / "a.docx",
        ["Satu", "Dua", "Tiga", "Empat"],
        page_break_before={1},
        rendered_break_before={1, 3},
    )

    assert extract_pages(path, "docx") == ["Satu", "Dua\nTiga", "Empat"]


def test_docx_tables_are_included(tmp_path: Path):
    path = samples.good_docx(
        tmp_path / "a.docx",
        ["Rencana Anggaran"],
        table=[["Kegiatan", "Biaya"], ["Portal perizinan", "Rp 2 miliar"]],
    )

    assert extract_pages(path, "docx") == [
        "Rencana Anggaran\nKegiatan\nBiaya\nPortal perizinan\nRp 2 miliar"
    ]


@pytest.mark.parametrize(
    ("build", "kind"),
    [
        (samples.truncated_pdf, "pdf"),
        (samples.password_pdf, "pdf"),
        (samples.html_renamed_pdf, "pdf"),
        (samples.broken_zip_docx, "docx"),
        (samples.zip_without_document_xml, "docx"),
        (samples.docx_with_malformed_xml, "docx"),
        (samples.pdf_renamed_docx, "docx"),
    ],
)
def test_unreadable_files_raise(
    tmp_path: Path, build: Callable[[Path], Path], kind: str
):
    path = build(tmp_path / "upload")

    with pytest.raises(UnreadableDocument) as unreadable:
        extract_pages(path, kind)

    assert unreadable.value.detail
    assert str(tmp_path) not in unreadable.value.detail


def test_unknown_kind_is_a_programming_error(tmp_path: Path):
    with pytest.raises(ValueError, match="unknown document kind"):
        extract_pages(samples.good_pdf(tmp_path / "a.pdf"), "odt")
