"""Documents: part of submissions.services (see its docstring)."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import User
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from submissions.models import (
    Document,
    DocumentType,
    DocumentVersion,
    StoredFile,
    Submission,
)
from submissions.services.core import Action, Status, SubmissionError
from submissions.services.files import (
    _discard_on_failure,
    _enqueue,
    _store,
    checked_upload,
)
from submissions.services.workspaces import _locked, _record, may_edit


def upload_document(
    *,
    submission: Submission,
    user: User,
    uploaded: File,
    doc_type: str = "",
    title: str = "",
    document: Document | None = None,
    at: datetime | None = None,
) -> DocumentVersion:
    """A new document, or a new version of `document`. Identical bytes already
    in this submission are recognised and refused (nothing new to store). A
    submission has one masterplan: a masterplan uploaded as a new document when
    one exists becomes that document's next version (issue 17), so the
    pre-screen and the reviewers read one masterplan with its history.

    `at` (imports and the demo only; views never pass it) is the moment the
    upload counts as made, for the deadline check and the record."""
    at = at or timezone.now()
    if not may_edit(user, submission):
        raise SubmissionError(_("Only the region's officials can upload documents."))
    if document is None and doc_type not in DocumentType.values:
        raise SubmissionError(_("Choose the document type."))
    with checked_upload(uploaded) as checked:
        duplicate = (
            DocumentVersion.objects.filter(
                document__submission=submission, file__sha256=checked.sha256
            )
            .select_related("document")
            .first()
        )
        if duplicate is not None:
            raise SubmissionError(
                _(
                    "This file is identical to version %(number)s of “%(title)s”, "
                    "uploaded on %(date)s: nothing new was stored."
                )
                % {
                    "number": duplicate.number,
                    "title": duplicate.document.title,
                    "date": date_format(
                        timezone.localtime(duplicate.uploaded_at), "DATETIME_FORMAT"
                    ),
                }
            )
        written: list[StoredFile] = []
        with _discard_on_failure(written), transaction.atomic():
            submission = _locked(submission)
            if not submission.edit_scope(at).documents:
                raise SubmissionError(_closed_message(submission))
            stored, created = _store(checked)
            if created:
                written.append(stored)
                _enqueue(stored)
            if document is None and doc_type == DocumentType.MASTERPLAN:
                document = (
                    Document.objects.filter(
                        submission=submission, doc_type=DocumentType.MASTERPLAN
                    )
                    .order_by("pk")
                    .first()
                )
            if document is None:
                document = Document.objects.create(
                    submission=submission,
                    doc_type=doc_type,
                    title=(title.strip() or checked.name)[:200],
                )
            else:
                document = Document.objects.select_for_update().get(
                    pk=document.pk, submission=submission
                )
            version = DocumentVersion.objects.create(
                document=document,
                number=document.next_version_number(),
                file=stored,
                original_name=checked.name,
                uploaded_by=user,
                uploaded_at=at,
            )
            _record(
                submission,
                user,
                Action.UPLOADED,
                detail={
                    "document": document.pk,
                    "title": document.title,
                    "version": version.number,
                    "file": checked.name,
                    "sha256": checked.sha256,
                },
                at=at,
            )
    return version


def _closed_message(submission: Submission) -> str:
    if submission.status == Status.DRAFT:
        return _(
            "The submission period is not open: documents and evidence cannot be "
            "changed now."
        )
    if submission.status == Status.REVISION_REQUESTED:
        return _("This part was not reopened by the revision request, or it is due.")
    return _(
        "The submission is %(status)s: it cannot be changed unless the reviewers "
        "request a revision."
    ) % {"status": submission.get_status_display().lower()}
