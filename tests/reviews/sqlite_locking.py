"""The demo database (SQLite, a file): two autosaves at once never give a 500.
Writers queue for the lock at BEGIN (transaction_mode IMMEDIATE, WAL); the
later one finds the review changed and gets the 409 with its message; a lock
that is not freed in time is the same 409, and nothing is saved.

The reviewers' panel is built in the test database, copied into a file with
SQLite's backup API, and the requests run against that file from threads, each
with its own connection, with the OPTIONS of smartcity/settings.py."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, connections
from django.test import Client
from django.urls import reverse
from django.utils import translation

from reviews.models import Review
from tests.reviews.test_views import form_data

pytestmark = [pytest.mark.django_db(transaction=True)]

STALE_ID = "Penilaian ini sudah disimpan di tempat lain"


def _sqlite_file(tmp_path: Path, timeout: float) -> Iterator[Path]:
    """Point the default database at a file copy of the test database, with
    the project's SQLite OPTIONS (and `timeout`), for this thread and new ones."""
    path = tmp_path / "demo.sqlite3"
    target = sqlite3.connect(path)
    connection.ensure_connection()
    connection.connection.backup(target)
    target.close()
    options = settings.DATABASES["default"]["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    original = connections.settings["default"]
    connections.settings["default"] = {
        **original,
        "NAME": str(path),
        "OPTIONS": {**options, "timeout": timeout},
    }
    main = connections["default"]
    connections["default"] = connections.create_connection("default")
    try:
        yield path
    finally:
        connections["default"].close()
        connections.settings["default"] = original
        connections["default"] = main


@pytest.fixture
def demo_database(tmp_path: Path) -> Iterator[Path]:
    yield from _sqlite_file(tmp_path, timeout=20)


@pytest.fixture
def impatient_demo_database(tmp_path: Path) -> Iterator[Path]:
    yield from _sqlite_file(tmp_path, timeout=0.5)


def _hold_write_lock(path: Path, seconds: float) -> threading.Thread:
    """Another writer holding the database's write lock for `seconds`."""
    locked = threading.Event()

    def hold() -> None:
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        locked.set()
        time.sleep(seconds)
        other.execute("COMMIT")
        other.close()

    holder = threading.Thread(target=hold)
    holder.start()
    locked.wait(5)
    return holder


def _tab(user) -> Client:
    """A signed-in browser tab; a server error is a 500 answer, not raised."""
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def _autosave(client, review: Review, level: str, results: list) -> None:
    try:
        with translation.override("id"):
            response = client.post(
                reverse("reviews:autosave", args=[review.pk]),
                form_data(review, level),
                HTTP_ACCEPT_LANGUAGE="id",
            )
        results.append((response.status_code, response.content))
    finally:
        connections.close_all()  # this thread's connection


def test_two_concurrent_autosaves_give_one_save_and_one_409(
    committed_data, panel, demo_database
):
    review = panel[0]
    clients = [_tab(review.reviewer) for _ in range(2)]
    results: list = []
    holder = _hold_write_lock(demo_database, 0.5)  # both start while it is held

    tabs = [
        threading.Thread(target=_autosave, args=(client, review, level, results))
        for client, level in zip(clients, ["2", "4"], strict=True)
    ]
    for tab in tabs:
        tab.start()
    for thread in [holder, *tabs]:
        thread.join(timeout=30)

    assert sorted(status for status, _body in results) == [200, 409]
    (stale,) = [json.loads(body) for status, body in results if status == 409]
    assert stale["stale"] is True
    assert stale["error"].startswith(STALE_ID)
    saved = Review.objects.get(pk=review.pk)
    assert saved.version == 1


def test_a_lock_that_outlasts_the_timeout_is_a_409_and_saves_nothing(
    committed_data, panel, impatient_demo_database
):
    review = panel[0]
    client = _tab(review.reviewer)
    results: list = []
    holder = _hold_write_lock(impatient_demo_database, 2)

    tab = threading.Thread(target=_autosave, args=(client, review, "4", results))
    tab.start()
    tab.join(timeout=30)
    holder.join(timeout=30)

    ((status, body),) = results
    assert status == 409
    assert json.loads(body)["error"].startswith(STALE_ID)
    saved = Review.objects.get(pk=review.pk)
    assert saved.version == 0
    assert not saved.answers.exists()
