"""Processing (runs in the Celery worker): part of submissions.services (see its docstring)."""

from __future__ import annotations

import shutil
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from submissions import extraction, prescreen
from submissions.models import (
    PageText,
    StoredFile,
)
from submissions.services.core import logger


def process_stored_file(file_id: int) -> StoredFile:
    """Page count, text per page, masterplan pre-screen. Idempotent: a file
    already done (or needing attention) is left as it is."""
    with transaction.atomic():
        stored = StoredFile.objects.select_for_update().get(pk=file_id)
        if stored.is_final:
            return stored
        stored.status = StoredFile.Status.PROCESSING
        stored.status_changed_at = timezone.now()
        stored.attempts += 1
        stored.save(update_fields=["status", "status_changed_at", "attempts"])
    try:
        with stored.file.open("rb") as handle:
            pages = _extract(handle, stored.kind)
    except extraction.UnreadableDocument as unreadable:
        return mark_needs_attention(
            file_id, StoredFile.Reason.UNREADABLE, str(unreadable)
        )
    pages = [text.replace("\x00", "") for text in pages]  # PostgreSQL refuses NUL
    with transaction.atomic():
        PageText.objects.filter(file=stored).delete()
        PageText.objects.bulk_create(
            (
                PageText(file=stored, number=number, text=text)
                for number, text in enumerate(pages, start=1)
            ),
            batch_size=200,
        )
        stored.page_count = len(pages)
        stored.prescreen = prescreen.prescreen(pages)
        stored.processed_at = stored.status_changed_at = timezone.now()
        if any(text.strip() for text in pages):
            stored.status, stored.status_reason = StoredFile.Status.DONE, ""
        else:
            stored.status = StoredFile.Status.NEEDS_ATTENTION
            stored.status_reason = StoredFile.Reason.NO_TEXT
        stored.save()
    return stored


def _extract(handle: Any, kind: str) -> list[str]:
    path = getattr(handle, "name", None)
    if path and Path(path).is_file():
        return extraction.extract_pages(path, kind)
    # A storage without local paths: copy to a temporary file first.
    with tempfile.NamedTemporaryFile(suffix=f".{kind}") as copy:
        shutil.copyfileobj(handle, copy)
        copy.flush()
        return extraction.extract_pages(copy.name, kind)


def mark_needs_attention(file_id: int, reason: str, detail: str = "") -> StoredFile:
    stored = StoredFile.objects.get(pk=file_id)
    stored.status = StoredFile.Status.NEEDS_ATTENTION
    stored.status_reason = reason
    stored.status_detail = detail[:2000]
    stored.processed_at = stored.status_changed_at = timezone.now()
    stored.save()
    logger.warning("file %s needs attention: %s %s", file_id, reason, detail)
    return stored


def waiting_file_ids(*, older_than_seconds: int) -> list[int]:
    """Files whose job was lost (broker down at upload, worker killed)."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    return list(
        StoredFile.objects.filter(
            status__in=[StoredFile.Status.QUEUED, StoredFile.Status.PROCESSING],
            status_changed_at__lt=cutoff,
        ).values_list("pk", flat=True)
    )
