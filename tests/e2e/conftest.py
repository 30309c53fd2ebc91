"""Playwright on Debian's chromium against pytest-django's live server."""

import os
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls made by
# fixtures are still synchronous (microsoft/playwright-pytest#29).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

LOCAL_HOSTS = {"127.0.0.1", "localhost"}


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--disable-dev-shm-usage", "--disable-background-networking"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, committed_data) -> Iterator[object]:
    """A fresh page whose requests may only go to the app itself."""
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    outside: list[str] = []

    def guard(route) -> None:
        if urlsplit(route.request.url).hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", guard)
    # The Content-Security-Policy must not block anything the app itself does.
    blocked: list[str] = []
    page.on(
        "console",
        lambda message: (
            blocked.append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )
    yield page
    context.close()
    assert not outside, f"requests left the app: {outside}"
    assert not blocked, f"the Content-Security-Policy blocked: {blocked}"
