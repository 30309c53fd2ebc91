from __future__ import annotations

from pathlib import Path

import pytest

from demo.documents import chapters, masterplan_docx, masterplan_pdf
from submissions.extraction import extract_pages
from submissions.prescreen import EXPECTED_PARTS, prescreen
from tests.submissions import samples

# Cover is page 1, the foreword page 2, BAB I (Pendahuluan) page 3, then one
# chapter per part.
ALL_PARTS_FOUND = {
    "baseline": [4],
    "vision_mission": [5],
    "governance": [6],
    "branding": [7],
    "economy": [8],
    "society": [9],
    "living": [10],
    "environment": [11],
    "quick_wins": [12],
    "roadmap": [13],
    "budget": [14],
    "institutions": [15],
    "regulation": [16],
}


def test_demo_masterplan_pdf_has_every_part_on_its_chapter_page(tmp_path: Path):
    path = tmp_path / "masterplan.pdf"
    path.write_bytes(masterplan_pdf("Kota Tangerang Selatan", 2018))

    assert prescreen(extract_pages(path, "pdf")) == ALL_PARTS_FOUND


def test_demo_masterplan_docx_has_every_part_on_its_chapter_page(tmp_path: Path):
    path = tmp_path / "masterplan.docx"
    path.write_bytes(masterplan_docx("Kabupaten Banyuwangi", 2018))

    assert prescreen(extract_pages(path, "docx")) == ALL_PARTS_FOUND


def test_missing_parts_have_no_pages(tmp_path: Path):
    kept = [
        f"{chapter.heading}\n" + "\n".join(chapter.paragraphs)
        for chapter in chapters("Kota Tangerang Selatan", 2018)
        if "Anggaran" not in chapter.title and "Regulasi" not in chapter.title
    ]
    path = samples.good_pdf(tmp_path / "masterplan.pdf", kept)

    found = prescreen(extract_pages(path, "pdf"))

    assert found["budget"] == []
    assert found["regulation"] == []
    assert found["institutions"] == [12]  # BAB XIII, one page up without BAB XII
    assert sum(1 for pages in found.values() if pages) == len(EXPECTED_PARTS) - 2


def test_every_part_is_reported_in_order():
    assert list(prescreen([])) == [key for key, _patterns in EXPECTED_PARTS]
    assert list(prescreen([])) == list(ALL_PARTS_FOUND)
    assert all(pages == [] for pages in prescreen(["Kata Pengantar"]).values())


def test_pages_are_numbered_from_one_and_sorted():
    pages = ["APBD 2024", "Pendahuluan", "Sumber pembiayaan", "anggaran"]

    assert prescreen(pages)["budget"] == [1, 3, 4]


@pytest.mark.parametrize(
    ("text", "part"),
    [
        ("BAB IV\nSmart\nEconomy", "economy"),
        ("smart  economy", "economy"),
        ("SMART-ECONOMY", "economy"),
        ("Pengembangan Ekonomi Cerdas", "economy"),
        ("Analisis Kondisi\nSaat Ini", "baseline"),
        ("Gambaran Umum Kondisi Daerah", "baseline"),
        ("Baseline study", "baseline"),
        ("VISI DAN MISI", "vision_mission"),
        ("Visi & Misi", "vision_mission"),
        ("Visi, Misi dan Tujuan", "vision_mission"),
        ("Visi-Misi", "vision_mission"),
        ("Vision and Mission", "vision_mission"),
        ("Tata Kelola\nPemerintahan", "governance"),
        ("Branding Daerah", "branding"),
        ("Masyarakat Cerdas", "society"),
        ("Kehidupan Cerdas", "living"),
        ("Smart Environment", "environment"),
        ("Program Quick Wins", "quick_wins"),
        ("Program Percepatan", "quick_wins"),
        ("Peta Jalan 2018-2027", "roadmap"),
        ("Road map", "roadmap"),
        ("Rencana Jangka Menengah", "roadmap"),
        ("dalam 5-10 tahun", "roadmap"),
        ("dalam 5 \u2013 10 tahun", "roadmap"),
        ("untuk 10 tahun ke depan", "roadmap"),
        ("Rencana Pendanaan", "budget"),
        ("Budget", "budget"),
        ("Dewan Smart\nCity", "institutions"),
        ("Tim Pelaksana", "institutions"),
        ("Peraturan Walikota Nomor 12", "regulation"),
        ("Peraturan Wali Kota", "regulation"),
        ("Perbup No. 5", "regulation"),
        ("Perwal", "regulation"),
        ("Perda", "regulation"),
    ],
)
def test_phrases_are_found(text: str, part: str):
    assert prescreen([text])[part] == [1]


@pytest.mark.parametrize(
    ("text", "part"),
    [
        ("misinformasi dan disinformasi", "vision_mission"),
        ("televisi misinya", "vision_mission"),
        ("penganggaran", "budget"),
        ("perdagangan dan perdamaian", "regulation"),
        ("deregulasi", "regulation"),
        ("smart economic zone", "economy"),
        ("15-10 tahun", "roadmap"),
        ("smart cityscape", "institutions"),
    ],
)
def test_parts_of_other_words_are_not_found(text: str, part: str):
    assert prescreen([text])[part] == []
