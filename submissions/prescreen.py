"""The completeness pre-screen of a smart-city masterplan.

Which of the parts a masterplan is expected to have appear in its text, and on
which pages, found by keywords: Indonesian first, then English equivalents. It
only tells reviewers where to look; a part that is missing here may still be in
the document under other words, and finding a keyword is not a judgement of the
part's quality.

Page text from PDFs often breaks lines inside a phrase ("Smart\\nEconomy") or
doubles spaces, so the words of a phrase may be separated by any whitespace or
a hyphen. Phrases match whole words only: "misi" is not found in "misinformasi",
nor "anggaran" in "penganggaran".
"""

from __future__ import annotations

import re
from collections.abc import Sequence

# Between the words of a phrase: whitespace (line breaks included) or hyphens.
_GAP = r"[\s\-]+"


def _phrases(*phrases: str) -> re.Pattern[str]:
    """Any of the phrases, with any gap between their words."""
    return _whole_words(
        "|".join(_GAP.join(map(re.escape, phrase.split())) for phrase in phrases)
    )


def _whole_words(regex: str) -> re.Pattern[str]:
    return re.compile(rf"\b(?:{regex})\b", re.IGNORECASE)


EXPECTED_PARTS: tuple[tuple[str, tuple[re.Pattern[str], ...]], ...] = (
    (
        "baseline",
        (
            _phrases(
                "analisis kondisi saat ini",
                "kondisi eksisting",
                "gambaran umum kondisi",
                "analisis situasi",
            ),
            _phrases("baseline", "current condition", "current conditions"),
        ),
    ),
    (
        "vision_mission",
        (
            # "visi dan misi", "visi & misi", "visi, misi", "visi-misi", "visi misi"
            _whole_words(rf"visi(?:\s*[,&/]\s*|{_GAP}(?:dan{_GAP})?)misi"),
            _whole_words(rf"visions?(?:\s*&\s*|{_GAP}and{_GAP})missions?"),
        ),
    ),
    (
        "governance",
        (_phrases("tata kelola pemerintahan"), _phrases("smart governance")),
    ),
    ("branding", (_phrases("branding daerah"), _phrases("smart branding"))),
    ("economy", (_phrases("ekonomi cerdas"), _phrases("smart economy"))),
    ("society", (_phrases("masyarakat cerdas"), _phrases("smart society"))),
    ("living", (_phrases("kehidupan cerdas"), _phrases("smart living"))),
    ("environment", (_phrases("lingkungan cerdas"), _phrases("smart environment"))),
    (
        "quick_wins",
        (_phrases("program percepatan"), _phrases("quick win", "quick wins")),
    ),
    (
        "roadmap",
        (
            _phrases("peta jalan", "rencana jangka menengah", "10 tahun ke depan"),
            _whole_words(
                rf"5\s*[-\u2013]\s*10{_GAP}tahun"
            ),  # "5-10 tahun", en dash too
            _phrases("roadmap", "roadmaps", "road map", "road maps"),
        ),
    ),
    (
        "budget",
        (
            _phrases("anggaran", "pembiayaan", "rencana pendanaan", "apbd"),
            _phrases("budget", "budgets", "financing"),
        ),
    ),
    (
        "institutions",
        (
            _phrases("dewan smart city", "tim pelaksana", "kelembagaan"),
            _phrases("smart city council", "implementation team"),
        ),
    ),
    (
        "regulation",
        (
            _phrases(
                "peraturan bupati",
                "peraturan wali kota",
                "peraturan walikota",
                "peraturan daerah",
                "perbup",
                "perwal",
                "perwali",
                "perda",
                "regulasi",
            ),
            _phrases("regulation", "regulations"),
        ),
    ),
)


def prescreen(pages: Sequence[str]) -> dict[str, list[int]]:
    """For each expected part, the 1-based numbers of the pages where it is
    mentioned, in order; [] when it is not found."""
    return {
        key: [
            number
            for number, text in enumerate(pages, start=1)
            if any(pattern.search(text) for pattern in patterns)
        ]
        for key, patterns in EXPECTED_PARTS
    }
