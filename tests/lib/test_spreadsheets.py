"""The neutraliser: formula-like text gets an apostrophe, numbers stay numbers."""

from __future__ import annotations

import pytest

from lib import spreadsheets


@pytest.mark.parametrize(
    "text",
    [
        '=HYPERLINK("http://x")',
        "+1+1",
        "-2+3",
        "-1e3",
        "-2 ",
        "@SUM(A1)",
        "\tcmd",
        "\rcmd",
        "\uff1d1+1",
        "\uff0b1",
        "\uff0d1",
        "\uff20SUM(A1)",
    ],
)
def test_formula_like_text_gets_a_leading_apostrophe(text: str) -> None:
    assert spreadsheets.neutralise(text) == "'" + text


@pytest.mark.parametrize("text", ["Baik", "1=1", "", "a-b", "'=already"])
def test_ordinary_text_is_kept(text: str) -> None:
    assert spreadsheets.neutralise(text) == text


@pytest.mark.parametrize("number", [-3.5, -1, 0, 2.25, None, True])
def test_numbers_and_empty_values_are_kept_as_they_are(number: object) -> None:
    assert spreadsheets.neutralise(number) is number


@pytest.mark.parametrize("text", ["-3.5", "-1", "+2", "-0.000005"])
def test_negative_numbers_written_as_text_stay_numbers(text: str) -> None:
    assert spreadsheets.neutralise(text) == text
