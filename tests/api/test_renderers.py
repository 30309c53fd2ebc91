"""The API's CSV renderer: formula-like text is neutralised, numbers are kept."""

from __future__ import annotations

import csv
import io

from api.renderers import CSVRenderer


def test_the_csv_renderer_neutralises_formula_like_text_and_keeps_numbers() -> None:
    rows = [
        {
            "region_name": '=HYPERLINK("http://x")',
            "score": -3.5,
            "note": "\uff20SUM(A1)",
        },
        {"region_name": "Kota Bogor", "score": 71.25, "note": "-2+3"},
    ]

    body = CSVRenderer().render({"results": rows}).decode()

    parsed = list(csv.DictReader(io.StringIO(body)))
    assert [row["region_name"] for row in parsed] == [
        '\'=HYPERLINK("http://x")',
        "Kota Bogor",
    ]
    assert [row["note"] for row in parsed] == ["'\uff20SUM(A1)", "'-2+3"]
    assert [float(row["score"]) for row in parsed] == [-3.5, 71.25]
