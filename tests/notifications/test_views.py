"""The notification list, marking read, opening, and the count in the header."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from notifications import context_processors
from notifications.models import Kind, Notification
from tests.notifications.conftest import PARAMS, make

pytestmark = pytest.mark.django_db

LIST = reverse("notifications:list")
READ = reverse("notifications:read")


def logged_in(user, language: str = "") -> Client:
    client = Client()
    client.force_login(user)
    if language:
        client.cookies["django_language"] = language
    return client


def text_of(html: str) -> str:
    """The text a screen reader gets: tags dropped, spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", "", html).split())


def nav_link(html: str) -> str:
    [link] = re.findall(r'<a href="/notifications/"[^>]*>(.*?)</a>', html, re.S)
    return text_of(link)


def open_url(notification: Notification) -> str:
    return reverse("notifications:open", args=[notification.pk])


def test_visitors_are_sent_to_log_in(reviewer):
    notification = make(reviewer)
    client = Client()

    for response in (
        client.get(LIST),
        client.post(READ),
        client.post(open_url(notification)),
    ):
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
    notification.refresh_from_db()
    assert notification.is_unread


def test_the_list_shows_the_users_notifications_newest_first(
    reviewer, admin_user, english
):
    older = make(reviewer, Kind.APPEAL_FILED, url="/workspace/")
    newer = make(reviewer, Kind.REVIEWS_COMPLETE, url="/workspace/")
    make(admin_user, Kind.APPEAL_DECIDED)
    english.force_login(reviewer)

    html = english.get(LIST).content.decode()

    assert html.index("2 indicators need a consensus") < html.index(
        "appealed indicator PR-ECO-02"
    )
    assert "appeal on indicator" not in html  # another user's
    assert f'action="{open_url(older)}"' in html
    assert f'action="{open_url(newer)}"' in html


def test_unread_notifications_are_marked_in_text(reviewer, english, english_messages):
    unread = make(reviewer, Kind.APPEAL_FILED, url="/workspace/")
    read = make(reviewer, Kind.ASSIGNED, url="/workspace/")
    Notification.objects.filter(pk=read.pk).update(read_at=read.created_at)
    english.force_login(reviewer)

    html = english.get(LIST).content.decode()

    items = re.findall(r'<li class="notification[^"]*">(.*?)</li>', html, re.S)
    assert len(items) == 2
    marked = {text_of(item).startswith(unread.message()) for item in items}
    assert marked == {True, False}
    for item in items:
        is_unread = "appealed indicator" in item
        assert ("Unread" in text_of(item)) is is_unread
    assert "1 unread notification" in text_of(html)
    assert "Mark all as read" in html


def test_nothing_unread_no_button(reviewer, english):
    english.force_login(reviewer)

    html = english.get(LIST).content.decode()

    assert "You have no notifications yet." in html
    assert "Mark all as read" not in html


def test_the_list_is_paginated_by_30(reviewer):
    Notification.objects.bulk_create(
        Notification(user=reviewer, kind=Kind.ASSIGNED, params=PARAMS[Kind.ASSIGNED])
        for _ in range(31)
    )
    client = logged_in(reviewer)

    first = client.get(LIST)
    second = client.get(LIST, {"page": 2})

    assert len(first.context["page"].object_list) == 30
    assert len(second.context["page"].object_list) == 1
    assert 'rel="next"' in first.content.decode()


def test_the_list_costs_the_same_queries_for_3_and_30(
    reviewer, django_assert_max_num_queries
):
    def add(count: int) -> None:
        for kind in list(Kind) * (count // len(Kind)) + list(Kind)[: count % 5]:
            make(reviewer, kind, url="/workspace/")

    add(3)
    client = logged_in(reviewer)
    client.get(LIST)  # warm up: session, caches
    with CaptureQueriesContext(connection) as three:
        assert client.get(LIST).status_code == 200
    add(27)
    assert Notification.objects.filter(user=reviewer).count() == 30

    with django_assert_max_num_queries(len(three)):
        response = client.get(LIST)
    assert response.content.decode().count('<li class="notification') == 30


def test_mark_all_as_read(reviewer, admin_user, english):
    mine = [make(reviewer), make(reviewer)]
    theirs = make(admin_user)
    english.force_login(reviewer)

    response = english.post(READ)

    assert response.status_code == 302
    assert response.url == LIST
    assert not Notification.objects.filter(user=reviewer, read_at=None).exists()
    theirs.refresh_from_db()
    assert theirs.is_unread
    page = english.get(LIST).content.decode()
    assert "All notifications are marked as read." in page
    assert len(mine) == 2
    assert english.get(READ).status_code == 405


def test_the_forms_are_csrf_protected(reviewer):
    notification = make(reviewer, url="/workspace/")
    client = Client(enforce_csrf_checks=True)
    client.force_login(reviewer)

    assert 'name="csrfmiddlewaretoken"' in client.get(LIST).content.decode()
    assert client.post(READ).status_code == 403
    assert client.post(open_url(notification)).status_code == 403
    notification.refresh_from_db()
    assert notification.is_unread


def test_opening_marks_read_and_goes_to_the_url(reviewer):
    notification = make(reviewer, url="/workspace/12/#evidence")
    other = make(reviewer)
    client = logged_in(reviewer)

    response = client.post(open_url(notification))

    assert response.status_code == 302
    assert response.url == "/workspace/12/#evidence"
    notification.refresh_from_db()
    other.refresh_from_db()
    assert not notification.is_unread
    assert other.is_unread
    assert client.get(open_url(notification)).status_code == 405


def test_another_users_notification_answers_404(reviewer, admin_user):
    theirs = make(admin_user, url="/workspace/")
    client = logged_in(reviewer)

    assert client.post(open_url(theirs)).status_code == 404
    theirs.refresh_from_db()
    assert theirs.is_unread


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "javascript:alert(1)",
        "",
    ],
)
def test_an_external_or_missing_url_opens_the_list(reviewer, url):
    notification = make(reviewer, url=url)  # as if written around notify
    client = logged_in(reviewer)

    response = client.post(open_url(notification))

    assert response.status_code == 302
    assert response.url == LIST
    notification.refresh_from_db()
    assert not notification.is_unread


def test_the_header_shows_the_unread_count(reviewer, english):
    make(reviewer)
    make(reviewer)
    read = make(reviewer)
    Notification.objects.filter(pk=read.pk).update(read_at=read.created_at)
    english.force_login(reviewer)

    html = english.get(reverse("home")).content.decode()

    assert nav_link(html) == "Notifications (2 unread)"
    assert '<span class="nav-count">' in html


def test_the_header_shows_the_unread_count_in_indonesian(reviewer):
    make(reviewer)
    make(reviewer)

    html = logged_in(reviewer).get(reverse("home")).content.decode()

    assert nav_link(html) == "Notifikasi (2 belum dibaca)"


def test_no_count_when_all_is_read_and_no_link_for_visitors(reviewer, client):
    html = client.get(reverse("home")).content.decode()
    assert 'href="/notifications/"' not in html

    html = logged_in(reviewer, "en").get(reverse("home")).content.decode()
    assert nav_link(html) == "Notifications"


def test_the_context_processor_costs_one_count_query_and_none_for_visitors(
    reviewer, django_assert_num_queries
):
    make(reviewer)
    request = RequestFactory().get("/")

    request.user = AnonymousUser()
    with django_assert_num_queries(0):
        assert context_processors.unread_count(request) == {"unread_notifications": 0}
    request.user = reviewer
    with django_assert_num_queries(1):
        assert context_processors.unread_count(request) == {"unread_notifications": 1}
