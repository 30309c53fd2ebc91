"""Background jobs for uploaded files. Thin: the work is in services."""

from __future__ import annotations

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.db import InterfaceError, OperationalError

from submissions import services
from submissions.models import StoredFile

# Errors worth another try: the database or the file store was briefly away.
TRANSIENT = (OperationalError, InterfaceError, OSError)
SOFT_LIMIT = 180  # a 300-page PDF takes well under a minute (make bench)


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=SOFT_LIMIT,
    time_limit=SOFT_LIMIT + 30,
    max_retries=5,
)
def process_file(self, file_id: int) -> str:
    """Extract page texts and pre-screen one stored file (idempotent)."""
    try:
        return services.process_stored_file(file_id).status
    except SoftTimeLimitExceeded:
        return services.mark_needs_attention(
            file_id, StoredFile.Reason.TIMEOUT, f"over {SOFT_LIMIT} s"
        ).status
    except TRANSIENT as exc:
        if self.request.retries >= self.max_retries:
            return services.mark_needs_attention(
                file_id, StoredFile.Reason.UNAVAILABLE, repr(exc)
            ).status
        # Exponential backoff: 10 s, 20 s, 40 s, ... capped at 10 minutes.
        raise self.retry(
            exc=exc, countdown=min(600, 10 * 2**self.request.retries)
        ) from exc


@shared_task
def requeue_waiting_files() -> int:
    """Re-enqueue files whose job was lost; processing is idempotent."""
    ids = services.waiting_file_ids(older_than_seconds=SOFT_LIMIT + 300)
    for file_id in ids:
        process_file.delay(file_id)
    return len(ids)
