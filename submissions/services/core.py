"""Shared by the sections: part of submissions.services (see its docstring)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from submissions import file_checks
from submissions.models import (
    Submission,
    SubmissionEvent,
)

logger = logging.getLogger("submissions.services")  # its name before the split
Status = Submission.Status
Action = SubmissionEvent.Action

REFUSAL_MESSAGES = {
    file_checks.Refusal.NAME: gettext_lazy(
        "The file name is not acceptable: rename the file (at most 255 characters, "
        "no folders) and upload it again."
    ),
    file_checks.Refusal.TYPE: gettext_lazy(
        "Only PDF and DOCX files are accepted: this file's name or content is neither."
    ),
    file_checks.Refusal.EMPTY: gettext_lazy("The file is empty."),
    file_checks.Refusal.DAMAGED: gettext_lazy(
        "The file is damaged and cannot be read: save or export it again and "
        "upload the new copy."
    ),
    file_checks.Refusal.PASSWORD: gettext_lazy(
        "The file is password-protected: upload an unprotected copy."
    ),
    file_checks.Refusal.UNSAFE: gettext_lazy(
        "The file was refused as unsafe (its inner structure is abnormal, for "
        "example a compression bomb or XML entities): save it again from your word "
        "processor and upload the new copy."
    ),
}

# What an active-content refusal names (issue 13), keyed by
# active_content.FOUND_KINDS: "The file was refused because it contains ...".
FOUND_PHRASES = {
    "javascript": gettext_lazy("JavaScript"),
    "launch": gettext_lazy("a /Launch action that starts a program"),
    "submit_form": gettext_lazy("a /SubmitForm action that sends form data away"),
    "import_data": gettext_lazy("an /ImportData action"),
    "remote_go_to": gettext_lazy("a /GoToR link to another file"),
    "embedded_go_to": gettext_lazy("a /GoToE link to an embedded file"),
    "rich_media": gettext_lazy("rich media (Flash) content"),
    "markup_before_header": gettext_lazy("HTML markup before the PDF header"),
    "markup_in_header": gettext_lazy("HTML markup in the PDF header"),
    "markup_at_start": gettext_lazy("HTML markup at the start of the PDF"),
    "too_many_objects": gettext_lazy("too many objects to check"),
    "embedded_program": gettext_lazy("an embedded program or script"),
    "ole_object": gettext_lazy("an OLE object"),
    "activex": gettext_lazy("an ActiveX control"),
    "macros": gettext_lazy("macros (VBA)"),
    "path_outside": gettext_lazy("a zip entry with a path outside the file"),
    "remote_template": gettext_lazy("a link to a remote template"),
    "outside_link": gettext_lazy("a link to an outside file or address"),
}


def refusal_message(refused: file_checks.UploadRefused) -> str:
    """The reason shown to the uploader; an active-content refusal names what
    was found, in the request's language."""
    phrase = FOUND_PHRASES.get(refused.found) if refused.found else None
    if phrase is None:
        return str(REFUSAL_MESSAGES[refused.code])
    return _(
        "The file was refused because it contains %(found)s. Remove it (or save "
        "the document again without it) and upload the new copy."
    ) % {"found": phrase}


TRANSITIONS = {
    (Status.DRAFT, Status.SUBMITTED),
    (Status.SUBMITTED, Status.UNDER_REVIEW),
    (Status.RESUBMITTED, Status.UNDER_REVIEW),
    (Status.UNDER_REVIEW, Status.REVISION_REQUESTED),
    (Status.REVISION_REQUESTED, Status.RESUBMITTED),
}


class SubmissionError(Exception):
    """A request the workflow refuses; `message` is for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class FileRefused(SubmissionError):
    """A refusal about the uploaded file itself (the API reports it under `file`)."""


def too_large_message() -> str:
    return _("The file is larger than %(size)s MB: compress it or split it.") % {
        "size": settings.UPLOAD_MAX_BYTES // (1024 * 1024)
    }


def no_space_message() -> str:
    return _(
        "The server has no room to store this file right now: nothing was saved. "
        "Try again later, and tell the ministry's helpdesk if it keeps happening."
    )
