"""Webhooks: a signed JSON POST to each subscribed receiver, delivered by
Celery with retries; every attempt is logged on the delivery.

Receivers check `X-Smartcity-Signature: sha256=<hex>`, the HMAC-SHA256 of the
raw body with their secret, and may refuse a `X-Smartcity-Timestamp` that is
too old."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
import urllib.error
import urllib.request
from typing import Any

from django.db import transaction
from django.utils import timezone

from api.models import Webhook, WebhookDelivery

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
        from api import tasks

        for delivery in deliveries:
            tasks.deliver_webhook.delay(delivery.pk)

    if deliveries:
        transaction.on_commit(enqueue, robust=True)
    return deliveries


class DeliveryFailed(Exception):
    """The receiver did not answer 2xx; worth another try."""


def deliver(delivery_id: int) -> WebhookDelivery:
    """POST the delivery once; raises DeliveryFailed to be retried."""
    delivery = WebhookDelivery.objects.select_related("webhook").get(pk=delivery_id)
    if delivery.status == WebhookDelivery.Status.DELIVERED:
        return delivery
    body = json.dumps(
        {"event": delivery.event, "delivery": delivery.pk, "data": delivery.payload},
        sort_keys=True,
    ).encode()
    request = urllib.request.Request(
        delivery.webhook.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "smartcity-webhooks/1",
            "X-Smartcity-Event": delivery.event,
            "X-Smartcity-Delivery": str(delivery.pk),
            "X-Smartcity-Timestamp": str(int(time.time())),
            "X-Smartcity-Signature": signature(delivery.webhook.secret, body),
        },
    )
    delivery.attempts += 1
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            delivery.response_code = response.status
    except urllib.error.HTTPError as error:
        delivery.response_code, delivery.error = error.code, f"HTTP {error.code}"
    except (urllib.error.URLError, OSError) as error:
        delivery.response_code, delivery.error = None, str(error)[:500]
    ok = delivery.response_code is not None and 200 <= delivery.response_code < 300
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
