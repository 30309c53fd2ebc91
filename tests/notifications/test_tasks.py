"""The e-mail of a notification: bilingual, sent once, retried when the mail
server is away. Run in-process with Django's in-memory mail backend."""

from __future__ import annotations

import smtplib

import pytest
from django.utils import translation

from notifications import services, tasks
from notifications.models import Kind, Notification
from tests.notifications.conftest import PARAMS, make

pytestmark = pytest.mark.django_db

SITE = "https://smartcity.example.go.id"


@pytest.fixture(autouse=True)
def site(settings):
    settings.SITE_URL = SITE
    settings.DEFAULT_FROM_EMAIL = "Smart City <noreply@smartcity.example.go.id>"


def texts(notification: Notification) -> tuple[str, str]:
    with translation.override("id"):
        indonesian = notification.message()
    with translation.override("en"):
        english = notification.message()
    return indonesian, english


def test_one_mail_in_indonesian_then_english_with_the_link(reviewer, mailoutbox):
    notification = make(reviewer, Kind.REVISION_REQUESTED, url="/workspace/7/")
    indonesian, english = texts(notification)

    assert services.send_notification_email(notification.pk) is True

    [mail] = mailoutbox
    assert mail.to == ["reviewer@example.go.id"]
    assert mail.from_email == "Smart City <noreply@smartcity.example.go.id>"
    assert mail.subject == "[Smart City] " + indonesian[:79] + "\u2026"
    first, second = mail.body.split("\n---\n")
    assert first.startswith(f"{indonesian}\n{SITE}/workspace/7/\n")
    assert second.strip().startswith(f"{english}\n{SITE}/workspace/7/\n")
    assert "20 Des. 2017, 17.00" in first  # each part in its own language
    assert "Dec. 20, 2017, 5 p.m." in second
    assert f"{SITE}/notifications/" in second
    notification.refresh_from_db()
    assert notification.emailed_at is not None


def test_a_short_message_is_the_whole_subject(reviewer, mailoutbox):
    notification = make(reviewer, Kind.APPEAL_FILED)

    services.send_notification_email(notification.pk)

    assert mailoutbox[0].subject == "[Smart City] " + texts(notification)[0]


def test_sending_twice_sends_one_mail(reviewer, mailoutbox):
    notification = make(reviewer)

    assert services.send_notification_email(notification.pk) is True
    assert services.send_notification_email(notification.pk) is False
    tasks.send_email.apply(args=[notification.pk])

    assert len(mailoutbox) == 1


def test_without_a_url_the_mail_links_to_the_notifications(reviewer, mailoutbox):
    notification = make(reviewer)

    services.send_notification_email(notification.pk)

    assert f"\n{SITE}/notifications/\n" in mailoutbox[0].body


def test_an_external_url_is_never_linked(reviewer, mailoutbox):
    notification = make(reviewer, url="//evil.example/phish")

    services.send_notification_email(notification.pk)

    assert "evil.example" not in mailoutbox[0].body


def test_no_mail_without_an_address_or_a_notification(official, mailoutbox):
    notification = make(official)  # the official has no e-mail address

    assert services.send_notification_email(notification.pk) is False
    assert services.send_notification_email(notification.pk + 1000) is False
    assert mailoutbox == []


def test_a_mail_server_that_is_away_is_retried(
    reviewer, mailoutbox, monkeypatch, celery_retries_in_process
):
    notification = make(reviewer)
    real_send_mail = services.send_mail
    calls = []

    def flaky(*args, **kwargs):
        calls.append(args)
        if len(calls) < 3:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return real_send_mail(*args, **kwargs)

    monkeypatch.setattr(services, "send_mail", flaky)

    # In-process: each retry runs at once instead of after its backoff.
    result = tasks.send_email.apply(args=[notification.pk])

    assert result.get() is True
    assert len(calls) == 3
    assert len(mailoutbox) == 1


def test_after_five_retries_the_job_gives_up_and_the_mail_stays_unsent(
    reviewer, mailoutbox, monkeypatch, celery_retries_in_process
):
    notification = make(reviewer)
    calls = []

    def unreachable(*args, **kwargs):
        calls.append(args)
        raise ConnectionRefusedError(111, "Connection refused")

    monkeypatch.setattr(services, "send_mail", unreachable)

    result = tasks.send_email.apply(args=[notification.pk])

    assert result.failed()
    assert len(calls) == tasks.send_email.max_retries + 1 == 6
    notification.refresh_from_db()
    assert notification.emailed_at is None
    assert tasks.send_email.acks_late is True


def test_notify_then_commit_mails_every_recipient_once(
    reviewer,
    admin_user,
    official,
    mailoutbox,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    monkeypatch.setattr(
        tasks.send_email, "delay", lambda pk: tasks.send_email.apply(args=[pk])
    )

    with django_capture_on_commit_callbacks(execute=True):
        services.notify(
            [reviewer, admin_user, official],
            Kind.REVIEWS_COMPLETE,
            params=PARAMS[Kind.REVIEWS_COMPLETE],
            url="/workspace/",
        )

    assert sorted(mail.to[0] for mail in mailoutbox) == [
        "admin@example.go.id",
        "reviewer@example.go.id",
    ]
    assert Notification.objects.filter(emailed_at__isnull=False).count() == 2
