"""Webhooks: a signed JSON POST to each subscribed receiver, delivered by
Celery with retries; every attempt is logged on the delivery.

Receivers check `X-Smartcity-Signature: sha256=<hex>`, the HMAC-SHA256 of the
raw body with their secret, and may refuse a `X-Smartcity-Timestamp` that is
too old.

Receivers must be public: a URL whose host is (or resolves to) a loopback,
private, link-local or other non-global address is refused when the webhook is
saved and again at every delivery, unless WEBHOOK_ALLOW_PRIVATE is on. The
delivery resolves the host once, checks every address, and connects to the
checked address (TLS still verifies the host's name), so a DNS answer that
changes between check and connection (rebinding) cannot reach inside.
Redirects are not followed."""

from __future__ import annotations

import hashlib
import hmac
import http.client
import ipaddress
import json
import secrets
import socket
import time
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.models import Webhook, WebhookDelivery

TIMEOUT = 10


def new_secret() -> str:
    return secrets.token_hex(32)


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def emit(event: str, payload: dict[str, Any]) -> list[WebhookDelivery]:
    """Queue one delivery per active receiver of the event, sent after commit."""
    deliveries = [
        WebhookDelivery.objects.create(webhook=hook, event=event, payload=payload)
        for hook in Webhook.objects.filter(active=True)
        if event in hook.events
    ]

    def enqueue() -> None:
        from notifications import tasks

        for delivery in deliveries:
            tasks.deliver_webhook.delay(delivery.pk)

    if deliveries:
        transaction.on_commit(enqueue, robust=True)
    return deliveries


class DeliveryFailed(Exception):
    """The receiver did not answer 2xx; worth another try."""


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 zone
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def resolve_target(url: str) -> tuple[str, str, int, str]:
    """(scheme, host, port, address to connect to) of a receiver URL, every
    address of its host checked; ValidationError with the reason otherwise."""
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = -1
    if parts.scheme not in ("http", "https") or not parts.hostname or port == -1:
        raise ValidationError(_("Enter an http:// or https:// address."), "scheme")
    host = parts.hostname
    port = port or (443 if parts.scheme == "https" else 80)
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as error:
        raise ValidationError(
            _("The host %(host)s could not be found.") % {"host": host}, "unresolved"
        ) from error
    addresses = [info[4][0] for info in found]
    if not settings.WEBHOOK_ALLOW_PRIVATE and not all(map(_is_public, addresses)):
        raise ValidationError(
            _(
                "%(host)s is a loopback, private or link-local address: webhooks "
                "only go to public addresses."
            )
            % {"host": host},
            "private",
        )
    return parts.scheme, host, port, addresses[0]


def check_url(url: str) -> None:
    """For the webhook form: refuse a receiver the deliveries would refuse."""
    resolve_target(url)


def _post(url: str, body: bytes, headers: dict[str, str]) -> int:
    """POST to the checked address of the URL's host; the HTTP status."""
    scheme, host, port, address = resolve_target(url)
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    connection_class = (
        http.client.HTTPSConnection if scheme == "https" else http.client.HTTPConnection
    )
    connection = connection_class(host, port, timeout=TIMEOUT)

    # http.client opens its socket through this hook; connecting to `address`
    # instead of resolving `host` again pins the connection to what we checked.
    def pinned(_where, timeout, source_address=None):
        return socket.create_connection((address, port), timeout, source_address)

    connection._create_connection = pinned
    try:
        connection.request("POST", target, body=body, headers=headers)
        return connection.getresponse().status
    finally:
        connection.close()


def deliver(delivery_id: int) -> WebhookDelivery:
    """POST the delivery once; raises DeliveryFailed to be retried."""
    delivery = WebhookDelivery.objects.select_related("webhook").get(pk=delivery_id)
    if delivery.status == WebhookDelivery.Status.DELIVERED:
        return delivery
    body = json.dumps(
        {"event": delivery.event, "delivery": delivery.pk, "data": delivery.payload},
        sort_keys=True,
    ).encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "smartcity-webhooks/1",
        "X-Smartcity-Event": delivery.event,
        "X-Smartcity-Delivery": str(delivery.pk),
        "X-Smartcity-Timestamp": str(int(time.time())),
        "X-Smartcity-Signature": signature(delivery.webhook.secret, body),
    }
    delivery.attempts += 1
    try:
        delivery.response_code = _post(delivery.webhook.url, body, headers)
    except ValidationError as refused:
        delivery.response_code, delivery.error = None, refused.messages[0]
        if refused.code != "unresolved":  # DNS may answer on the next try
            # Not a receiver we may reach: failed for good, nothing was sent.
            delivery.status = WebhookDelivery.Status.FAILED
            delivery.save()
            return delivery
    except (OSError, http.client.HTTPException) as error:
        delivery.response_code, delivery.error = None, str(error)[:500]
    code = delivery.response_code
    if code is not None and not 200 <= code < 300:
        delivery.error = f"HTTP {code}"
    ok = code is not None and 200 <= code < 300
    if ok:
        delivery.status, delivery.error = WebhookDelivery.Status.DELIVERED, ""
        delivery.delivered_at = timezone.now()
    delivery.save()
    if not ok:
        raise DeliveryFailed(delivery.error or f"HTTP {delivery.response_code}")
    return delivery


def give_up(delivery_id: int) -> None:
    WebhookDelivery.objects.filter(pk=delivery_id).update(
        status=WebhookDelivery.Status.FAILED
    )
