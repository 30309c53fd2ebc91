"""Webhooks reach a real receiver on 127.0.0.1, signed; failures are retried
and logged."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from api import webhooks
from api.models import Webhook, WebhookDelivery
from scoring import services
from tests.scoring.conftest import scored_cycle

pytestmark = pytest.mark.django_db


@pytest.fixture
def receiver():
    """An HTTP server on a free local port recording what it receives; it
    answers with the status in `state["status"]`."""
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
    assert len(callbacks) == 1  # the delivery job, after commit
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


# Without REDIS_URL the settings make Celery eager and propagate errors, which
# cuts the retry chain short; with it (as in CI) the chain runs in-process.
@pytest.mark.requires_redis
def test_a_failing_receiver_is_retried_then_given_up(receiver, settings):
    from api import tasks

    receiver["status"] = 500
    hook = Webhook.objects.create(
        url=receiver["url"], events=["appeal.decided"], secret=webhooks.new_secret()
    )
    (delivery,) = webhooks.emit("appeal.decided", {"appeal": 1})
    settings.CELERY_TASK_ALWAYS_EAGER = True

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
