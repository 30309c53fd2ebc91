"""E-mailing notifications in the background. Thin: the work is in services."""

from __future__ import annotations

import logging
import smtplib

from celery import shared_task

from notifications import services

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
