"""Webhooks reach a real receiver on 127.0.0.1, signed; failures are retried
and logged."""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from notifications import webhooks
from notifications.admin import WebhookForm
from notifications.models import Webhook, WebhookDelivery
from scoring import services
from tests.scoring.conftest import scored_cycle

pytestmark = pytest.mark.django_db


@pytest.fixture
def receiver(settings):
    """An HTTP server on a free local port recording what it receives; it
    answers with the status in `state["status"]`. Local receivers are allowed
    while it runs (WEBHOOK_ALLOW_PRIVATE)."""
    settings.WEBHOOK_ALLOW_PRIVATE = True
    state = {"status": 204, "received": []}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            state["received"].append((dict(self.headers), body))
            self.send_response(state["status"])
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state["url"] = f"http://127.0.0.1:{server.server_port}/hook"
    yield state
    server.shutdown()


def test_a_published_release_reaches_the_receiver_signed(
    receiver, django_capture_on_commit_callbacks
):
    hook = Webhook.objects.create(
        url=receiver["url"], events=["release.published"], secret=webhooks.new_secret()
    )
    cycle = scored_cycle(["36.74", "36.71"])
    with django_capture_on_commit_callbacks() as callbacks:
        release = services.publish(cycle=cycle, final=False)
    # The delivery job is queued after commit (besides the release's rendering).
    assert [c.__qualname__ for c in callbacks].count("emit.<locals>.enqueue") == 1
    delivery = WebhookDelivery.objects.get()

    webhooks.deliver(delivery.pk)  # what the job does

    ((headers, body),) = receiver["received"]
    expected = (
        "sha256=" + hmac.new(hook.secret.encode(), body, hashlib.sha256).hexdigest()
    )
    assert headers["X-Smartcity-Signature"] == expected
    assert headers["X-Smartcity-Event"] == "release.published"
    payload = json.loads(body)
    assert payload["data"]["checksum"] == release.checksum
    delivery.refresh_from_db()
    assert (delivery.status, delivery.response_code, delivery.attempts) == (
        "delivered",
        204,
        1,
    )


def test_a_failing_receiver_is_retried_then_given_up(
    receiver, celery_retries_in_process
):
    from notifications import tasks

    receiver["status"] = 500
    hook = Webhook.objects.create(
        url=receiver["url"], events=["appeal.decided"], secret=webhooks.new_secret()
    )
    (delivery,) = webhooks.emit("appeal.decided", {"appeal": 1})

    # In-process: every retry runs at once instead of after its backoff.
    result = tasks.deliver_webhook.apply(args=[delivery.pk], throw=False)

    assert result.get() == "failed"
    delivery.refresh_from_db()
    assert delivery.attempts == tasks.MAX_RETRIES + 1
    assert (delivery.status, delivery.response_code) == ("failed", 500)
    assert len(receiver["received"]) == tasks.MAX_RETRIES + 1
    assert hook.deliveries.count() == 1


def test_receivers_get_only_their_events(receiver):
    Webhook.objects.create(url=receiver["url"], events=["appeal.decided"], secret="s")
    assert webhooks.emit("release.published", {}) == []


PRIVATE_TARGETS = [
    "http://127.0.0.1:8000/hook",
    "http://localhost/hook",
    "http://10.1.2.3/hook",
    "http://192.168.0.10/hook",
    "http://172.20.0.4/hook",
    "http://169.254.169.254/latest/meta-data/",
    "http://[::1]/hook",
    "http://[::ffff:127.0.0.1]/hook",
    "http://[fe80::1]/hook",
    "http://0.0.0.0/hook",
]


@pytest.mark.parametrize("url", PRIVATE_TARGETS)
def test_the_webhook_form_refuses_a_private_target_in_indonesian(url):
    form = WebhookForm(data={"url": url, "events": '["release.published"]'})

    with translation.override("id"):
        assert not form.is_valid()
        (message,) = form.errors["url"]

    assert "hanya dikirim ke alamat publik" in message


def test_the_webhook_form_accepts_a_public_target():
    form = WebhookForm(
        data={"url": "https://93.184.216.34/hook", "events": '["release.published"]'}
    )
    assert form.is_valid(), form.errors


def test_the_admin_does_not_save_a_webhook_to_the_metadata_address(admin_user):
    client = Client()
    client.force_login(admin_user)

    response = client.post(
        reverse("admin:notifications_webhook_add"),
        {"url": "http://169.254.169.254/", "events": '["release.published"]'},
        HTTP_ACCEPT_LANGUAGE="id",
    )

    assert response.status_code == 200
    assert "hanya dikirim ke alamat publik" in response.content.decode()
    assert not Webhook.objects.exists()


def test_a_stored_private_target_gets_nothing_when_private_targets_are_off(
    receiver, settings
):
    Webhook.objects.create(url=receiver["url"], events=["appeal.decided"], secret="s")
    (delivery,) = webhooks.emit("appeal.decided", {"appeal": 1})
    settings.WEBHOOK_ALLOW_PRIVATE = False

    webhooks.deliver(delivery.pk)

    assert receiver["received"] == []
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("failed", 1)
    assert "127.0.0.1" in delivery.error


def _resolving(monkeypatch, answers: dict[str, list[str]]) -> list[str]:
    """The DNS (which tests cannot control) answering `answers`; returns the
    names looked up, in order."""
    asked: list[str] = []
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host not in answers:  # an address literal, as connect() passes
            return real(host, port, *args, **kwargs)
        asked.append(host)
        return [
            (
                socket.AF_INET6 if ":" in a else socket.AF_INET,
                socket.SOCK_STREAM,
                6,
                "",
                (a, port),
            )
            for a in answers[host]
        ]

    monkeypatch.setattr(webhooks.socket, "getaddrinfo", getaddrinfo)
    return asked


def test_a_host_with_one_private_address_among_public_ones_is_refused(
    receiver, settings, monkeypatch
):
    settings.WEBHOOK_ALLOW_PRIVATE = False
    _resolving(monkeypatch, {"hooks.example.com": ["93.184.216.34", "127.0.0.1"]})
    hook = Webhook.objects.create(
        url="http://hooks.example.com/hook", events=["appeal.decided"], secret="s"
    )
    (delivery,) = webhooks.emit("appeal.decided", {"appeal": 1})

    webhooks.deliver(delivery.pk)

    delivery.refresh_from_db()
    assert delivery.status == "failed"
    assert "hooks.example.com" in delivery.error
    assert not WebhookForm(
        data={"url": hook.url, "events": '["appeal.decided"]'}
    ).is_valid()


def test_the_delivery_connects_to_the_address_it_checked(receiver, monkeypatch):
    """The name is resolved once; the connection goes to that address (a
    second, rebinding answer is never asked for) with the name as Host."""
    port = receiver["url"].split(":")[2].split("/")[0]
    asked = _resolving(monkeypatch, {"hooks.example.com": ["127.0.0.1"]})
    Webhook.objects.create(
        url=f"http://hooks.example.com:{port}/hook",
        events=["appeal.decided"],
        secret="s",
    )
    (delivery,) = webhooks.emit("appeal.decided", {"appeal": 1})

    webhooks.deliver(delivery.pk)

    ((headers, _body),) = receiver["received"]
    assert headers["Host"] == f"hooks.example.com:{port}"
    assert asked == ["hooks.example.com"]
    delivery.refresh_from_db()
    assert delivery.status == "delivered"
