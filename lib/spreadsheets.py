"""The one rule for text that a spreadsheet could take for a formula.

OWASP's CSV-injection advice: a text cell that starts with =, +, -, @, a tab or
a carriage return (or their full-width forms U+FF1D, U+FF0B, U+FF0D, U+FF20,
which some spreadsheets fold to ASCII) gets a leading apostrophe, so it is
shown as text and never run.
Numbers stay numbers: -3.5, and the text "-3.5" (a plain decimal, which a
spreadsheet reads as that number and nothing else), are kept. Pure Python, no
Django.
"""

from __future__ import annotations

import re
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?", re.ASCII)


def is_formula_like(text: str) -> bool:
    return text.startswith(FORMULA_START) and not _PLAIN_NUMBER.fullmatch(text)


def neutralise(value: Any) -> Any:
    """A CSV cell value that cannot start a formula: formula-like text gets a
    leading apostrophe; anything that is not a str (numbers, None) is kept."""
    if isinstance(value, str) and is_formula_like(value):
        return "'" + value
    return value
