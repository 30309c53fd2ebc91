"""The autosave write path (issue 15): a bounded number of queries through the
real endpoint, and a lock on the review row only, never on the shared cycle."""

from __future__ import annotations

import threading

import pytest
from django.db import DatabaseError, connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.models import Cycle
from reviews import services
from reviews.models import Answer, Review, ScoreChange
from tests.reviews.test_views import form_data, logged_in

# Statements that only open or close the transaction: SQLite logs its
# BEGIN IMMEDIATE and COMMIT, PostgreSQL logs neither.
CONTROL = ("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE SAVEPOINT")


def _autosave(client, review, data):
    return client.post(reverse("reviews:autosave", args=[review.pk]), data)


# Transactional, so the statements counted are the ones production runs: inside
# a test transaction every atomic block would add SAVEPOINT/RELEASE statements.
@pytest.mark.django_db(transaction=True)
def test_an_autosave_costs_at_most_8_queries(committed_data, panel):
    review = panel[0]
    client = logged_in(review.reviewer)
    first = _autosave(client, review, form_data(review, "2"))
    assert first.json()["version"] == 1  # the first save also starts the review
    review.refresh_from_db()
    data = form_data(review, "4")
    with CaptureQueriesContext(connection) as captured:
        second = _autosave(client, review, data)
    statements = [q["sql"] for q in captured.captured_queries]
    queries = [sql for sql in statements if not sql.startswith(CONTROL)]
    listing = "\n".join(sql[:160] for sql in statements)
    # session, user, locked review, indicators, answers, answers update,
    # score trail, version: 8, and at most a BEGIN/COMMIT pair around them.
    assert len(queries) <= 8, listing
    assert len(statements) <= len(queries) + 2, listing
    assert second.status_code == 200
    assert second.json() | {"saved": ""} == {
        "ok": True,
        "version": 2,
        "saved": "",
        "answered": 53,
    }
    assert set(
        Answer.objects.filter(review=review).values_list("level", flat=True)
    ) == {4}
    assert ScoreChange.objects.filter(review=review, new_value="4").count() == 53
    review.refresh_from_db()
    assert review.version == 2


@pytest.mark.django_db(transaction=True)
def test_the_answered_count_counts_answers_kept_from_earlier_saves(
    committed_data, panel
):
    review = panel[0]
    client = logged_in(review.reviewer)
    data = form_data(review, "")
    indicators = sorted(k for k in data if k.startswith("level-"))
    first = _autosave(client, review, data | {indicators[0]: "3"})
    assert first.json()["answered"] == 1
    data["version"] = "1"
    second = _autosave(
        client, review, data | {indicators[0]: "3", indicators[1]: "none"}
    )
    assert second.json()["answered"] == 2
    data["version"] = "2"
    cleared = _autosave(client, review, data | {indicators[1]: "none"})
    assert cleared.json()["answered"] == 1


@pytest.mark.django_db
def test_a_stale_or_foreign_autosave_is_refused(panel, admin_user):
    review, other = panel[0], panel[1]
    client = logged_in(review.reviewer)
    assert _autosave(client, review, form_data(review, "3")).status_code == 200
    stale = _autosave(client, review, form_data(review, "1") | {"version": "0"})
    assert stale.status_code == 409
    assert stale.json()["stale"] is True
    assert _autosave(client, other, form_data(other, "1")).status_code == 404
    assert (
        _autosave(logged_in(admin_user), review, form_data(review)).status_code == 400
    )
    assert set(Answer.objects.values_list("level", flat=True)) == {3}


@pytest.mark.requires_postgres
@pytest.mark.django_db(transaction=True)
def test_an_autosave_locks_its_review_row_only(committed_data, panel):
    """While one autosave holds its lock, NOWAIT locks on another review of the
    same cycle and on the cycle row succeed; the review itself stays locked."""
    mine, other = panel[0], panel[1]
    outcome: dict[str, str] = {}

    def try_locks() -> None:
        for name, query in (
            ("other review", Review.objects.filter(pk=other.pk)),
            ("cycle", Cycle.objects.filter(pk=mine.cycle_id)),
            ("same review", Review.objects.filter(pk=mine.pk)),
        ):
            try:
                with transaction.atomic():
                    query.select_for_update(nowait=True).get()
                outcome[name] = "locked"
            except DatabaseError:
                outcome[name] = "busy"
        connections.close_all()

    with transaction.atomic():
        services._locked_review(mine.pk)  # the lock the autosave takes
        thread = threading.Thread(target=try_locks)
        thread.start()
        thread.join(timeout=30)
    assert outcome == {
        "other review": "locked",
        "cycle": "locked",
        "same review": "busy",
    }
