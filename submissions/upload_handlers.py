"""Every uploaded file goes to a temporary file on disk in chunks, is hashed on
the way, and is dropped as soon as it passes the size cap: the web process
never holds a whole upload in memory (Django has no per-file size limit)."""

from __future__ import annotations

import contextlib
import hashlib
import logging
from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import SkipFile, TemporaryFileUploadHandler

from submissions.file_checks import MAX_NAME_LENGTH

logger = logging.getLogger(__name__)
TOO_LARGE = "too_large"
NAME_TOO_LONG = "name"
NO_SPACE = "no_space"


class CappedHashingUploadHandler(TemporaryFileUploadHandler):
    """Streams to disk, computes sha256, refuses files over UPLOAD_MAX_BYTES.

    A refused field is recorded in `request.refused_uploads` (field name ->
    reason), so the view can say why the file is missing; its temporary file is
    deleted and the rest of its body is read and discarded.

    Django's parser has already dropped any directories and control characters
    from the file name; a name still over 255 characters (which Django would
    silently shorten) is refused here.
    """

    def _refuse(self, field_name: str, reason: str) -> None:
        refused = getattr(self.request, "refused_uploads", {})
        refused[field_name] = reason
        self.request.refused_uploads = refused
        raise SkipFile

    def new_file(self, field_name: str, file_name: str, *args: Any, **kwargs: Any):
        if len(file_name) > MAX_NAME_LENGTH:
            self._refuse(field_name, NAME_TOO_LONG)
        try:
            super().new_file(field_name, file_name, *args, **kwargs)
        except OSError as error:  # no room (or inode) for the temporary file
            self._no_space(field_name, error)
        self.sha256 = hashlib.sha256()
        self.received = 0

    def _no_space(self, field_name: str, error: OSError) -> None:
        """Drop the partly written temporary file and refuse the field."""
        logger.error("upload not kept, its temporary file failed: %s", error)
        if hasattr(self, "file"):
            with contextlib.suppress(OSError):  # closing flushes, and fails too
                self.file.close()  # a NamedTemporaryFile: closing deletes it
        self._refuse(field_name, NO_SPACE)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        self.received += len(raw_data)
        if self.received > settings.UPLOAD_MAX_BYTES:
            self._refuse(self.field_name, TOO_LARGE)
        self.sha256.update(raw_data)
        try:
            self.file.write(raw_data)
            self.file.flush()  # a full disk shows here, not when Django closes it
        except OSError as error:
            self._no_space(self.field_name, error)

    def file_complete(self, file_size: int):
        uploaded = super().file_complete(file_size)
        uploaded.sha256 = self.sha256.hexdigest()
        return uploaded
