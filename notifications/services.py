"""Notifying people: a row per recipient in the app, then one e-mail each.

Other apps call `notify` inside their own transaction. The e-mails are queued
only when it commits, so an action that rolls back notifies nobody by e-mail
(and leaves no rows either).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.core.mail import send_mail
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from notifications.models import REQUIRED_PARAMS, Kind, Notification

SUBJECT_PREFIX = "[Smart City] "
SUBJECT_LENGTH = 80  # of the message part, "…" included
URL_LENGTH = Notification._meta.get_field("url").max_length


def local_url(url: str) -> str | None:
    """The url when it is a path on this site ("/..."), else None."""
    if url.startswith("/") and url_has_allowed_host_and_scheme(url, allowed_hosts=None):
        return url
    return None


def notify(
    users: Iterable[User],
    kind: str,
    *,
    params: dict[str, Any],
    url: str = "",
) -> list[Notification]:
    """Notify each distinct active user once; e-mail those with an address.

    `params` must hold the kind's REQUIRED_PARAMS as plain values (names, codes,
    numbers, lists; a datetime is stored as ISO 8601). `url` is a path on this
    site ("/workspace/12/") or empty. A wrong kind, a missing param or an
    external url raises ValueError: that is a programming error.
    """
    if kind not in Kind.values:
        raise ValueError(f"Unknown notification kind {kind!r}")
    missing = [name for name in REQUIRED_PARAMS[kind] if name not in params]
    if missing:
        raise ValueError(f"Notification {kind!r} needs params {missing}")
    if url and local_url(url) is None:
        raise ValueError(f"Notification url must be a local path, not {url!r}")
    if len(url) > URL_LENGTH:
        raise ValueError(f"Notification url is over {URL_LENGTH} characters")
    # Stored as JSON; the returned rows then hold what the database holds.
    params = json.loads(json.dumps(params, cls=DjangoJSONEncoder))

    recipients: dict[int, User] = {}
    for user in users:
        if user.is_active:
            recipients.setdefault(user.pk, user)
    if not recipients:
        return []
    now = timezone.now()
    notifications = Notification.objects.bulk_create(
        Notification(user=user, kind=kind, params=dict(params), url=url, created_at=now)
        for user in recipients.values()
    )

    for notification in notifications:
        if notification.user.email:
            # robust: a broker that is down must not fail the action notified.
            transaction.on_commit(_enqueuer(notification.pk), robust=True)
    return notifications


def _enqueuer(notification_id: int) -> Callable[[], None]:
    # A function, not functools.partial: Django 5.2 logs a failing robust
    # callback by its __qualname__, which a partial lacks (ticket #36487), and
    # the AttributeError would escape.
    def enqueue_email() -> None:
        from notifications import tasks

        tasks.send_email.delay(notification_id)

    return enqueue_email


def mark_read(user: User, ids: Iterable[int] | None = None) -> int:
    """Mark the user's unread notifications read (all, or those ids)."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=timezone.now())


def unread_count(user: User | AnonymousUser) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


# E-mail ---------------------------------------------------------------------


def email_content(notification: Notification) -> tuple[str, str]:
    """(subject, body): Bahasa Indonesia first, then English, with the link."""
    path = local_url(notification.url) or reverse("notifications:list")
    link = settings.SITE_URL.rstrip("/") + path
    all_link = settings.SITE_URL.rstrip("/") + reverse("notifications:list")
    texts = {}
    for language in ("id", "en"):
        with translation.override(language):
            texts[language] = (
                notification.message(),
                _("All your notifications: %(url)s") % {"url": all_link},
            )
    headline = " ".join(texts["id"][0].split())  # one line, whatever the params
    subject = SUBJECT_PREFIX + Truncator(headline).chars(SUBJECT_LENGTH)
    body = "\n---\n\n".join(
        f"{message}\n{link}\n\n{more}\n" for message, more in texts.values()
    )
    return subject, body


def send_notification_email(notification_id: int) -> bool:
    """Send one notification's e-mail unless it was sent already (idempotent).

    The row stays locked while the mail goes out, so a second job for the same
    notification waits and then skips it. `emailed_at` is set only after the
    mail server accepted the mail: a failure leaves it to the next try.
    """
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(of=("self",))
            .select_related("user")
            .filter(pk=notification_id)
            .first()
        )
        if notification is None or notification.emailed_at is not None:
            return False
        user = notification.user
        if not user.email or not user.is_active:
            return False
        subject, body = email_content(notification)
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])
    return True
