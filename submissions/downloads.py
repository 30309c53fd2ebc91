"""Stored files sent to the browser or an API client: always as an attachment,
never rendered in the app's origin."""

from __future__ import annotations

from django.http import FileResponse

from submissions.models import StoredFile


def attachment(stored: StoredFile, name: str) -> FileResponse:
    """The file as a download, never rendered in the app's origin."""
    response = FileResponse(
        stored.file.open("rb"),
        as_attachment=True,
        filename=name,
        content_type=stored.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
