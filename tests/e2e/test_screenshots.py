"""`make screenshots` (scripts/screenshots.py) against a live server: it
writes full-page PNGs and fails on a page that does not answer 200. Runs with
the suite's browser: a second sync Playwright cannot start inside it."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "screenshots.py"


def run(browser, *argv: str) -> int:
    spec = importlib.util.spec_from_file_location("screenshots", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules["screenshots"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module.capture(browser, module.parse(list(argv)))


def test_screenshots_are_written_per_page_language_and_size(
    browser, committed_data, live_server, tmp_path, capsys
):
    code = run(
        browser,
        "--base-url",
        live_server.url,
        "--out",
        str(tmp_path),
        "--only",
        "^public-(home|regions)-",
    )
    assert code == 0
    written = sorted(p.name for p in tmp_path.glob("*.png"))
    assert written == sorted(
        f"public-{page}-{language}-{size}.png"
        for page in ("home", "regions")
        for language in ("id", "en")
        for size in ("desktop", "phone")
    )
    for path in tmp_path.glob("*.png"):
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "8 screenshots" in capsys.readouterr().out


def test_a_page_that_does_not_answer_200_fails_the_run(
    browser, committed_data, live_server, tmp_path, capsys
):
    # No published release: the release link is missing, the run says so.
    code = run(
        browser,
        "--base-url",
        live_server.url,
        "--out",
        str(tmp_path),
        "--only",
        "^public-release-id-phone",
    )
    assert code == 1
    assert "FAILED public-release-id-phone.png" in capsys.readouterr().err
