"""Screenshots of the main pages, desktop (1366x768) and phone (390x844), in
Indonesian and English, for anyone who wants to look at them without clicking
through: `make screenshots` against the demo (`make demo` in another terminal).

    .venv/bin/python scripts/screenshots.py [--base-url URL] [--out DIR]
                                             [--password PW] [--chromium PATH]

Logs in as the demo accounts (README: all passwords `demo12345`) and writes
<out>/<role>-<page>-<language>-<size>.png, one full-page PNG each; prints
one line per file and the total. A page that does not answer 200 is reported
and the run exits with 1 (so a broken page is not silently photographed).
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Browser, Page, sync_playwright

SIZES = {"desktop": (1366, 768), "phone": (390, 844)}
LANGUAGES = ("id", "en")


@dataclass(frozen=True)
class Shot:
    name: str
    path: str  # a path, or "follow:<path> <regex>": its first link matching


PAGES: dict[str | None, list[Shot]] = {
    None: [  # the public, not logged in
        Shot("home", "/"),
        Shot("dashboard", "/dashboard/"),
        Shot("results", "/results/"),
        Shot("release", r"follow:/results/ ^/results/\d+/(releases/\d+/)?$"),
        Shot("scorecard", "/regions/36.74/scorecard/"),
        Shot("regions", "/regions/"),
        Shot("method", "/results/method/"),
    ],
    "official-3674": [
        Shot("workspace", "/workspace/"),
    ],
    "reviewer1": [
        Shot("queue", "/reviews/"),
        Shot("review", r"follow:/reviews/ ^/reviews/\d+/$"),
    ],
    "admin": [
        Shot("ministry", "/dashboard/ministry/"),
        Shot("console", "/results/console/"),
        Shot("assignments", "/reviews/assignments/"),
        Shot("audit", "/reviews/audit/"),
    ],
}


def log_in(page: Page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("form[action*='login'] button[type=submit]")
    page.wait_for_load_state()
    if "/accounts/login/" in page.url:
        raise SystemExit(f"could not log in as {username}: is the demo seeded?")


def resolve(page: Page, base: str, shot: Shot) -> str:
    if not shot.path.startswith("follow:"):
        return shot.path
    start, pattern = shot.path[len("follow:") :].split(" ", 1)
    page.goto(base + start)
    hrefs = page.eval_on_selector_all(
        "a[href]", "links => links.map(a => a.getAttribute('href'))"
    )
    for href in hrefs:
        if re.match(pattern, href):
            return href
    raise LookupError(f"no link matching {pattern!r} on {start}")


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--out", type=Path, default=Path("screenshots"))
    parser.add_argument("--password", default="demo12345")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--only", help="a regular expression on the file names")
    return parser.parse_args(argv)


def capture(browser: Browser, args: argparse.Namespace) -> int:
    """Every screenshot with an open browser; 1 if a page failed."""
    base = args.base_url.rstrip("/")
    args.out.mkdir(parents=True, exist_ok=True)
    written, failed = 0, []
    for user, shots in PAGES.items():
        role = user or "public"
        for language in LANGUAGES:
            for size, (width, height) in SIZES.items():
                wanted = [
                    (f"{role}-{shot.name}-{language}-{size}.png", shot)
                    for shot in shots
                ]
                if args.only:
                    wanted = [w for w in wanted if re.search(args.only, w[0])]
                if not wanted:
                    continue
                context = browser.new_context(
                    viewport={"width": width, "height": height}
                )
                context.add_cookies(
                    [{"name": "django_language", "value": language, "url": base}]
                )
                page = context.new_page()
                if user:
                    log_in(page, base, user, args.password)
                for name, shot in wanted:
                    try:
                        path = resolve(page, base, shot)
                    except LookupError as error:
                        failed.append(f"{name}: {error}")
                        continue
                    response = page.goto(base + path)
                    page.wait_for_load_state("networkidle")
                    if response is None or response.status != 200:
                        status = response.status if response else "no answer"
                        failed.append(f"{name}: {path} answered {status}")
                        continue
                    page.screenshot(path=str(args.out / name), full_page=True)
                    print(f"{args.out / name}  {path}")
                    written += 1
                context.close()
    print(f"{written} screenshots in {args.out}/")
    for line in failed:
        print(f"FAILED {line}", file=sys.stderr)
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=args.chromium)
        try:
            return capture(browser, args)
        finally:
            browser.close()


if __name__ == "__main__":
    sys.exit(main())
