"""The submission workflow: workspaces, uploads, evidence, transitions, and the
processing of stored files. Every change is recorded in the audit trail.

Views call these functions and show `SubmissionError.message` to the user."""

from submissions.services.core import (
    FOUND_PHRASES,
    REFUSAL_MESSAGES,
    TRANSITIONS,
    Action,
    FileRefused,
    Status,
    SubmissionError,
    logger,
    no_space_message,
    refusal_message,
    too_large_message,
)
from submissions.services.documents import _closed_message, upload_document  # noqa: F401
from submissions.services.evidence import (  # noqa: F401
    _evidence_snapshot,
    _maybe_checked,
    save_evidence,
)
from submissions.services.files import (  # noqa: F401
    CheckedFile,
    _discard_on_failure,
    _enqueue,
    _on_disk,
    _store,
    checked_upload,
    stored_upload,
)
from submissions.services.processing import (  # noqa: F401
    _extract,
    mark_needs_attention,
    process_stored_file,
    waiting_file_ids,
)
from submissions.services.workflow import (  # noqa: F401
    _resubmit,
    _transition,
    reopen_for_revision,
    start_review,
    submit,
)
from submissions.services.workspaces import _locked, _record, may_edit, workspace_for  # noqa: F401

__all__ = [
    "FOUND_PHRASES",
    "REFUSAL_MESSAGES",
    "TRANSITIONS",
    "Action",
    "CheckedFile",
    "FileRefused",
    "Status",
    "SubmissionError",
    "checked_upload",
    "logger",
    "mark_needs_attention",
    "may_edit",
    "no_space_message",
    "process_stored_file",
    "refusal_message",
    "reopen_for_revision",
    "save_evidence",
    "start_review",
    "stored_upload",
    "submit",
    "too_large_message",
    "upload_document",
    "waiting_file_ids",
    "workspace_for",
]
