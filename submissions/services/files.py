"""Files: part of submissions.services (see its docstring)."""

from __future__ import annotations

import contextlib
import hashlib
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.db import IntegrityError, transaction

from submissions import file_checks
from submissions.models import StoredFile
from submissions.services.core import (
    REFUSAL_MESSAGES,
    FileRefused,
    SubmissionError,
    logger,
    no_space_message,
    refusal_message,
    too_large_message,
)


@dataclass(frozen=True)
class CheckedFile:
    path: Path
    name: str
    kind: str
    sha256: str
    size: int


@contextmanager
def checked_upload(uploaded: File) -> Iterator[CheckedFile]:
    """The upload on disk, checked for safety; raises SubmissionError with the
    reason. Uploads through the web are already on disk (streamed there by the
    upload handler); other files (the demo, the API) are spooled in chunks."""
    try:
        name = file_checks.display_name(uploaded.name or "")
    except file_checks.UploadRefused as refused:
        raise SubmissionError(str(REFUSAL_MESSAGES[refused.code])) from refused
    if uploaded.size is not None and uploaded.size > settings.UPLOAD_MAX_BYTES:
        raise SubmissionError(too_large_message())
    with _on_disk(uploaded) as (path, sha256, size):
        if size > settings.UPLOAD_MAX_BYTES:
            raise SubmissionError(too_large_message())
        try:
            kind = file_checks.check_file(path, name)
        except file_checks.UploadRefused as refused:
            logger.info("upload refused (%s): %s", refused.code, refused.detail)
            raise FileRefused(refusal_message(refused)) from refused
        yield CheckedFile(Path(path), name, str(kind), sha256, size)


@contextmanager
def _on_disk(uploaded: File) -> Iterator[tuple[str, str, int]]:
    temporary_path = getattr(uploaded, "temporary_file_path", None)
    known_hash = getattr(uploaded, "sha256", None)
    if temporary_path is not None and known_hash:
        yield temporary_path(), known_hash, uploaded.size
        return
    digest, size = hashlib.sha256(), 0
    with tempfile.NamedTemporaryFile(
        suffix=".upload", dir=settings.FILE_UPLOAD_TEMP_DIR
    ) as spool:
        uploaded.seek(0)
        for chunk in uploaded.chunks():
            size += len(chunk)
            if size > settings.UPLOAD_MAX_BYTES:
                raise SubmissionError(too_large_message())
            digest.update(chunk)
            spool.write(chunk)
        spool.flush()
        yield spool.name, digest.hexdigest(), size


def _store(checked: CheckedFile) -> tuple[StoredFile, bool]:
    """The StoredFile for these bytes: the existing one, or a new one whose bytes
    are copied under a random name. Call inside a transaction; the caller
    removes the copy if that transaction fails (see `_discard_on_failure`)."""
    existing = StoredFile.objects.filter(sha256=checked.sha256).first()
    if existing is not None:
        return existing, False
    stored = StoredFile(sha256=checked.sha256, size=checked.size, kind=checked.kind)
    storage = stored.file.storage
    name = storage.get_available_name(  # random, and free: ours to delete
        stored.file.field.generate_filename(stored, "upload"),
        max_length=stored.file.field.max_length,
    )
    try:
        with open(checked.path, "rb") as source:
            stored.file.name = storage.save(
                name, File(source), max_length=stored.file.field.max_length
            )
    except OSError as error:
        # A full volume: Django's storage leaves the partly written copy.
        with contextlib.suppress(OSError):
            storage.delete(name)
        logger.error("upload not stored in MEDIA_ROOT: %s", error)
        raise SubmissionError(no_space_message()) from error
    try:
        with transaction.atomic():
            stored.save()
    except IntegrityError:
        # The same bytes were stored concurrently: keep theirs.
        stored.file.storage.delete(stored.file.name)
        return StoredFile.objects.get(sha256=checked.sha256), False
    return stored, True


@contextmanager
def _discard_on_failure(written: list[StoredFile]) -> Iterator[None]:
    try:
        yield
    except BaseException:
        for stored in written:
            stored.file.storage.delete(stored.file.name)
        raise


@contextmanager
def stored_upload(uploaded: File) -> Iterator[tuple[StoredFile, str]]:
    """Check and store an upload for another record (an appeal's evidence):
    yields the StoredFile and the display name. Use it inside the caller's
    transaction; a failure in the block removes the newly written copy."""
    with checked_upload(uploaded) as checked:
        written: list[StoredFile] = []
        with _discard_on_failure(written):
            stored, created = _store(checked)
            if created:
                written.append(stored)
                _enqueue(stored)
            yield stored, checked.name


def _enqueue(stored: StoredFile) -> None:
    from submissions import tasks

    def enqueue() -> None:
        tasks.process_file.delay(stored.pk)

    # robust: if the broker is down the upload still succeeds; the periodic
    # requeue picks the file up later. (A named function, not a partial: Django
    # logs a failed robust callback by its __qualname__, ticket #36487.)
    transaction.on_commit(enqueue, robust=True)
