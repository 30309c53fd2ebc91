"""notify, mark_read, unread_count and the message texts.

Messages are matched in English under `english_messages`; the Indonesian ones
(the default) in `test_messages_are_in_indonesian_by_default`.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import transaction
from django.utils import translation

from accounts.models import Role
from accounts.services import create_user
from notifications import services, tasks
from notifications.models import Kind, Notification
from tests.notifications.conftest import CYCLE, PARAMS, REGION, make

pytestmark = pytest.mark.django_db

ENGLISH = {
    Kind.ASSIGNED: "You were assigned to review Kota Tangerang Selatan in Siklus 2017.",
    Kind.REVISION_REQUESTED: "The reviewers asked Kota Tangerang Selatan to revise "
    "BP-GOV-01, PR-ECO-02 by Dec. 20, 2017, 5 p.m.",
    Kind.REVIEWS_COMPLETE: "All reviews of Kota Tangerang Selatan are in; "
    "2 indicators need a consensus.",
    Kind.APPEAL_FILED: "Kota Tangerang Selatan appealed indicator PR-ECO-02.",
    Kind.APPEAL_DECIDED: "The appeal on indicator PR-ECO-02 was upheld.",
}
INDONESIAN = {
    Kind.ASSIGNED: "Anda ditugaskan menilai Kota Tangerang Selatan pada Siklus 2017.",
    Kind.REVISION_REQUESTED: "Para penilai meminta Kota Tangerang Selatan merevisi "
    "BP-GOV-01, PR-ECO-02 paling lambat 20 Des. 2017, 17.00.",
    Kind.REVIEWS_COMPLETE: "Semua penilaian Kota Tangerang Selatan sudah masuk; "
    "2 indikator perlu konsensus.",
    Kind.APPEAL_FILED: "Kota Tangerang Selatan mengajukan sanggahan atas indikator "
    "PR-ECO-02.",
    Kind.APPEAL_DECIDED: "Sanggahan atas indikator PR-ECO-02 diterima.",
}


@pytest.fixture
def sent(monkeypatch) -> list[int]:
    """The notification ids handed to the broker."""
    ids: list[int] = []
    monkeypatch.setattr(tasks.send_email, "delay", ids.append)
    return ids


# notify -----------------------------------------------------------------------


def test_notify_writes_one_row_per_distinct_active_user_and_enqueues_after_commit(
    reviewer, admin_user, official, sent, django_capture_on_commit_callbacks
):
    inactive = create_user(
        username="left", password="pw", role=Role.REVIEWER, email="left@example.go.id"
    )
    inactive.is_active = False
    inactive.save()

    with django_capture_on_commit_callbacks() as callbacks:
        created = services.notify(
            [reviewer, admin_user, reviewer, official, inactive],
            Kind.ASSIGNED,
            params=PARAMS[Kind.ASSIGNED],
            url="/workspace/",
        )
        assert sent == []  # nothing leaves before the commit

    assert sorted(n.user_id for n in created) == sorted(
        [reviewer.pk, admin_user.pk, official.pk]
    )
    assert Notification.objects.count() == 3
    row = Notification.objects.get(user=reviewer)
    assert (row.kind, row.params, row.url) == (
        Kind.ASSIGNED,
        PARAMS[Kind.ASSIGNED],
        "/workspace/",
    )
    assert row.read_at is None
    assert row.emailed_at is None
    # One task per notification, and none for the official without an address.
    assert len(callbacks) == 2
    for callback in callbacks:
        callback()
    by_user = {n.user_id: n.pk for n in created}
    assert sorted(sent) == sorted([by_user[reviewer.pk], by_user[admin_user.pk]])


def test_notify_accepts_a_queryset_of_users(reviewer, admin_user, sent):
    from django.contrib.auth.models import User

    created = services.notify(
        User.objects.filter(groups__name=Role.ADMIN),
        Kind.APPEAL_FILED,
        params=PARAMS[Kind.APPEAL_FILED],
    )

    assert [n.user_id for n in created] == [admin_user.pk]


def test_a_rolled_back_action_notifies_nobody(
    reviewer, sent, django_capture_on_commit_callbacks
):
    def failing_action() -> None:
        with transaction.atomic():
            services.notify([reviewer], Kind.ASSIGNED, params=PARAMS[Kind.ASSIGNED])
            raise RuntimeError("the reviewer's action failed")

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
    ):
        failing_action()

    assert callbacks == []
    assert sent == []
    assert not Notification.objects.exists()


def test_a_broker_that_is_down_does_not_fail_the_action(
    reviewer, monkeypatch, django_capture_on_commit_callbacks
):
    def refuse(notification_id: int) -> None:
        raise ConnectionError("broker down")

    monkeypatch.setattr(tasks.send_email, "delay", refuse)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.notify([reviewer], Kind.ASSIGNED, params=PARAMS[Kind.ASSIGNED])

    assert len(callbacks) == 1
    assert Notification.objects.filter(user=reviewer).exists()


def test_notify_with_nobody_to_notify_does_nothing(
    django_assert_num_queries, django_capture_on_commit_callbacks
):
    with (
        django_assert_num_queries(0),
        django_capture_on_commit_callbacks() as callbacks,
    ):
        assert services.notify([], Kind.ASSIGNED, params=PARAMS[Kind.ASSIGNED]) == []
    assert callbacks == []


@pytest.mark.parametrize(
    ("kind", "params", "url", "error"),
    [
        ("promoted", {"region": REGION}, "", "Unknown notification kind"),
        (Kind.REVIEWS_COMPLETE, {"region": REGION, "cycle": CYCLE}, "", "flagged"),
        (Kind.ASSIGNED, PARAMS[Kind.ASSIGNED], "https://evil.example/", "local"),
        (Kind.ASSIGNED, PARAMS[Kind.ASSIGNED], "//evil.example/x", "local"),
        (Kind.ASSIGNED, PARAMS[Kind.ASSIGNED], "workspace/", "local"),
        (Kind.ASSIGNED, PARAMS[Kind.ASSIGNED], "/" + "x" * 300, "over 300"),
    ],
)
def test_notify_refuses_programming_errors(reviewer, sent, kind, params, url, error):
    with pytest.raises(ValueError, match=error):
        services.notify([reviewer], kind, params=params, url=url)

    assert not Notification.objects.exists()


def test_a_datetime_param_is_stored_as_iso_8601(reviewer, sent, english_messages):
    due = datetime(2017, 12, 20, 10, 0, tzinfo=UTC)
    params = {**PARAMS[Kind.REVISION_REQUESTED], "due": due}

    [created] = services.notify([reviewer], Kind.REVISION_REQUESTED, params=params)

    stored = Notification.objects.get(pk=created.pk)
    assert stored.params["due"] == created.params["due"]
    assert datetime.fromisoformat(stored.params["due"]) == due
    assert stored.message() == ENGLISH[Kind.REVISION_REQUESTED]


# mark_read, unread_count -------------------------------------------------------


def test_mark_read_marks_the_users_own_unread_notifications(reviewer, admin_user):
    first = make(reviewer)
    make(reviewer)
    make(reviewer)
    others = make(admin_user)

    assert services.unread_count(reviewer) == 3
    assert services.mark_read(reviewer, ids=[first.pk, others.pk]) == 1
    assert services.unread_count(reviewer) == 2
    assert services.unread_count(admin_user) == 1  # another user's id is ignored
    assert services.mark_read(reviewer) == 2
    assert services.mark_read(reviewer) == 0
    assert services.unread_count(reviewer) == 0
    first.refresh_from_db()
    read_at = first.read_at
    services.mark_read(reviewer, ids=[first.pk])
    first.refresh_from_db()
    assert first.read_at == read_at  # read once, when first read


def test_unread_count_of_a_visitor_is_zero_without_a_query(django_assert_num_queries):
    from django.contrib.auth.models import AnonymousUser

    with django_assert_num_queries(0):
        assert services.unread_count(AnonymousUser()) == 0


# Messages ---------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(Kind))
def test_messages_are_in_english_when_english_is_active(kind, english_messages):
    assert Notification(kind=kind, params=PARAMS[kind]).message() == ENGLISH[kind]


@pytest.mark.parametrize("kind", list(Kind))
def test_messages_are_in_indonesian_by_default(kind):
    assert translation.get_language() == "id"
    assert Notification(kind=kind, params=PARAMS[kind]).message() == INDONESIAN[kind]


def test_the_message_follows_the_language_active_when_it_is_shown(reviewer):
    notification = make(reviewer, Kind.REVISION_REQUESTED)

    with translation.override("en"):
        english = notification.message()
    with translation.override("id"):
        indonesian = notification.message()

    assert "Dec. 20, 2017, 5 p.m." in english
    assert "20 Des. 2017, 17.00" in indonesian


@pytest.mark.parametrize(
    ("flagged", "text"),
    [
        (1, "1 indicator needs a consensus."),
        (0, "0 indicators need a consensus."),
        (12, "12 indicators need a consensus."),
    ],
)
def test_the_count_of_indicators_to_adjudicate_is_pluralised(
    flagged, text, english_messages
):
    params = {**PARAMS[Kind.REVIEWS_COMPLETE], "flagged": flagged}

    assert Notification(kind=Kind.REVIEWS_COMPLETE, params=params).message() == (
        f"All reviews of {REGION} are in; {text}"
    )


def test_a_rejected_appeal(english_messages):
    params = {**PARAMS[Kind.APPEAL_DECIDED], "outcome": "rejected"}

    assert Notification(kind=Kind.APPEAL_DECIDED, params=params).message() == (
        "The appeal on indicator PR-ECO-02 was rejected."
    )


def test_a_notification_with_missing_params_still_renders(english_messages):
    assert Notification(kind=Kind.REVISION_REQUESTED, params={}).message() == (
        "The reviewers asked \u2013 to revise \u2013 by \u2013."
    )
    assert Notification(kind=Kind.APPEAL_DECIDED, params={}).message() == (
        "The appeal on indicator \u2013 was \u2013."
    )
