"""E-mailing notifications in the background. Thin: the work is in services."""

from __future__ import annotations

import logging
import smtplib

from celery import shared_task

from notifications import services, webhooks

logger = logging.getLogger(__name__)

# The mail server refused for now or could not be reached (socket errors and
# timeouts are OSErrors).
TRANSIENT = (smtplib.SMTPException, OSError)


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=5)
def send_email(self, notification_id: int) -> bool:
    """E-mail one notification (idempotent: a sent one is skipped)."""
    try:
        return services.send_notification_email(notification_id)
    except TRANSIENT as exc:
        if self.request.retries >= self.max_retries:
            logger.error(
                "Notification %s not e-mailed after %s tries: %r",
                notification_id,
                self.request.retries + 1,
                exc,
            )
            raise
        # Exponential backoff: 30 s, 60 s, 120 s, 240 s, 480 s.
        raise self.retry(
            exc=exc, countdown=min(600, 30 * 2**self.request.retries)
        ) from exc


MAX_RETRIES = 6  # webhook deliveries


# The name it had in the api app, so deliveries already queued still run.
@shared_task(
    bind=True,
    acks_late=True,
    max_retries=MAX_RETRIES,
    name="api.tasks.deliver_webhook",
)
def deliver_webhook(self, delivery_id: int) -> str:
    """One attempt; on failure retry after 30 s, 1 min, 2 min ... then give up."""
    try:
        return webhooks.deliver(delivery_id).status
    except webhooks.DeliveryFailed as failure:
        if self.request.retries >= self.max_retries:
            webhooks.give_up(delivery_id)
            return "failed"
        raise self.retry(
            exc=failure, countdown=30 * 2**self.request.retries
        ) from failure
