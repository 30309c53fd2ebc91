"""The submission workflow: workspaces, uploads, evidence, transitions, and the
processing of stored files. Every change is recorded in the audit trail.

Views call these functions and show `SubmissionError.message` to the user.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Role
from accounts.roles import role_of
from assessments.models import Cycle, Indicator, Part
from submissions import extraction, file_checks, prescreen
from submissions.models import (
    Document,
    DocumentType,
    DocumentVersion,
    EvidenceItem,
    PageText,
    RevisionItem,
    RevisionRequest,
    StoredFile,
    Submission,
    SubmissionEvent,
)

logger = logging.getLogger(__name__)
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


# Workspaces -----------------------------------------------------------------


def workspace_for(user: User, cycle: Cycle) -> Submission | None:
    """The official's submission for the cycle, opened on first visit; None when
    their region does not take part in it."""
    profile = getattr(user, "profile", None)
    if role_of(user) != Role.OFFICIAL or profile is None or profile.region_id is None:
        return None
    if not cycle.regions.filter(pk=profile.region_id).exists():
        return None
    with transaction.atomic():
        submission, created = Submission.objects.get_or_create(
            cycle=cycle, region_id=profile.region_id
        )
        if created:
            _record(submission, user, Action.CREATED)
    return submission


def may_edit(user: User, submission: Submission) -> bool:
    """Only the region's own officials change its submission."""
    profile = getattr(user, "profile", None)
    return (
        role_of(user) == Role.OFFICIAL
        and profile is not None
        and profile.region_id == submission.region_id
    )


def _locked(submission: Submission) -> Submission:
    """Re-read the submission with its row locked, so checks and writes agree."""
    return (
        Submission.objects.select_for_update()
        .select_related("cycle")
        .get(pk=submission.pk)
    )


def _record(
    submission: Submission,
    actor: User | None,
    action: str,
    *,
    from_status: str = "",
    to_status: str = "",
    reason: str = "",
    detail: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> SubmissionEvent:
    return SubmissionEvent.objects.create(
        submission=submission,
        at=at or timezone.now(),
        actor=actor,
        action=action,
        from_status=from_status,
        to_status=to_status,
        reason=reason,
        detail=detail or {},
    )


# Files ----------------------------------------------------------------------


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


# Documents ------------------------------------------------------------------


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


# Practice evidence ----------------------------------------------------------


def save_evidence(
    *,
    submission: Submission,
    user: User,
    fields: dict[str, Any],
    uploaded: File | None = None,
    item: EvidenceItem | None = None,
    at: datetime | None = None,
) -> EvidenceItem:
    """Add or change a piece of practice evidence; the attached file goes
    through the same checks as documents. `at`: as in `upload_document`."""
    at = at or timezone.now()
    if not may_edit(user, submission):
        raise SubmissionError(_("Only the region's officials can change evidence."))
    indicator: Indicator = fields["indicator"]
    if (
        indicator.part != Part.PRACTICE
        or indicator.framework_id != submission.cycle.framework_id
    ):
        raise SubmissionError(_("Choose a Practice indicator of this cycle."))
    if not fields.get("link") and uploaded is None and (item is None or not item.file):
        raise SubmissionError(_("Give a link, attach a file, or both."))
    with _maybe_checked(uploaded) as checked:
        written: list[StoredFile] = []
        with _discard_on_failure(written), transaction.atomic():
            submission = _locked(submission)
            scope = submission.edit_scope(at)
            concerned = [indicator.pk] + ([item.indicator_id] if item else [])
            if not scope.evidence or not all(
                scope.allows_indicator(pk) for pk in concerned
            ):
                raise SubmissionError(_closed_message(submission))
            before = None
            if item is None:
                item = EvidenceItem(submission=submission, created_by=user)
            else:
                item = EvidenceItem.objects.select_for_update().get(
                    pk=item.pk, submission=submission
                )
                before = _evidence_snapshot(item)
            for name, value in fields.items():
                setattr(item, name, value)
            if checked is not None:
                stored, created = _store(checked)
                if created:
                    written.append(stored)
                    _enqueue(stored)
                item.file, item.file_name = stored, checked.name
            item.full_clean(exclude=["submission", "created_by", "file"])
            item.save()
            _record(
                submission,
                user,
                Action.EVIDENCE_ADDED if before is None else Action.EVIDENCE_CHANGED,
                detail={"evidence": item.pk, "title": item.title}
                | ({"before": before} if before else {}),
                at=at,
            )
    return item


@contextmanager
def _maybe_checked(uploaded: File | None) -> Iterator[CheckedFile | None]:
    if uploaded is None:
        yield None
        return
    with checked_upload(uploaded) as checked:
        yield checked


def _evidence_snapshot(item: EvidenceItem) -> dict[str, Any]:
    """What the item said before a change, for the audit trail."""
    return {
        "indicator": item.indicator_id,
        "title": item.title,
        "description": item.description,
        "responsible_unit": item.responsible_unit,
        "period": [str(item.period_start), str(item.period_end)],
        "output_value": None if item.output_value is None else str(item.output_value),
        "outcome_value": None
        if item.outcome_value is None
        else str(item.outcome_value),
        "unit": item.unit,
        "link": item.link,
        "file": item.file.sha256 if item.file else None,
        "is_quick_win": item.is_quick_win,
    }


# Workflow -------------------------------------------------------------------


def _transition(
    submission: Submission,
    to: str,
    actor: User | None,
    reason: str = "",
    at: datetime | None = None,
) -> Submission:
    if (submission.status, to) not in TRANSITIONS:
        raise SubmissionError(
            _("A submission that is %(from)s cannot become %(to)s.")
            % {
                "from": submission.get_status_display().lower(),
                "to": Status(to).label.lower(),
            }
        )
    before = submission.status
    submission.status = to
    at = at or timezone.now()
    if to in (Status.SUBMITTED, Status.RESUBMITTED):
        submission.submitted_at = at
    submission.save(update_fields=["status", "submitted_at", "updated_at"])
    _record(
        submission,
        actor,
        Action.TRANSITION,
        from_status=before,
        to_status=to,
        reason=reason,
        at=at,
    )
    return submission


@transaction.atomic
def submit(
    *, submission: Submission, user: User, at: datetime | None = None
) -> Submission:
    """Hand in the draft; editing locks. Only before the submission deadline,
    and only with a masterplan. `at`: as in `upload_document`."""
    if not may_edit(user, submission):
        raise SubmissionError(_("Only the region's officials can submit."))
    submission = _locked(submission)
    if submission.status == Status.REVISION_REQUESTED:
        return _resubmit(submission, user)
    if submission.status != Status.DRAFT:
        raise SubmissionError(_("This submission has already been submitted."))
    now, cycle = at or timezone.now(), submission.cycle
    if now < cycle.submissions_open:
        raise SubmissionError(_("The submission period has not opened yet."))
    if now >= cycle.submissions_close:
        raise SubmissionError(
            _("The submission deadline (%(deadline)s) has passed.")
            % {
                "deadline": date_format(
                    timezone.localtime(cycle.submissions_close), "DATETIME_FORMAT"
                )
            }
        )
    if not DocumentVersion.objects.filter(
        document__submission=submission, document__doc_type=DocumentType.MASTERPLAN
    ).exists():
        raise SubmissionError(_("Upload the masterplan before submitting."))
    return _transition(submission, Status.SUBMITTED, user, at=now)


def _resubmit(submission: Submission, user: User) -> Submission:
    request = submission.open_revision()
    if request is None or timezone.now() >= request.due_at:
        raise SubmissionError(_("The revision is past its due date."))
    request.closed_at = timezone.now()
    request.save(update_fields=["closed_at"])
    return _transition(submission, Status.RESUBMITTED, user)


@transaction.atomic
def start_review(*, submission: Submission, user: User) -> Submission:
    return _transition(_locked(submission), Status.UNDER_REVIEW, user)


@transaction.atomic
def reopen_for_revision(
    *,
    submission: Submission,
    user: User,
    items: Sequence[tuple[Indicator, str]],
    due_at: datetime | None = None,
) -> RevisionRequest:
    """The workflow step of reviews.services.request_revision (which checks
    who asks and notifies): reopen only the parts concerned, the blueprint
    documents if a Blueprint indicator is named, the evidence of each named
    Practice indicator."""
    submission = _locked(submission)
    due_at = due_at or submission.cycle.reviews_close
    if not items:
        raise SubmissionError(_("Name at least one indicator to revise."))
    if due_at <= timezone.now():
        raise SubmissionError(_("The revision's due date must be in the future."))
    for indicator, reason in items:
        if indicator.framework_id != submission.cycle.framework_id:
            raise SubmissionError(
                _("Indicator %(code)s is not in this cycle's framework.")
                % {"code": indicator.code}
            )
        if not reason.strip():
            raise SubmissionError(
                _("Give the reason for indicator %(code)s.") % {"code": indicator.code}
            )
    _transition(
        submission,
        Status.REVISION_REQUESTED,
        user,
        reason="\n".join(f"{i.code}: {reason.strip()}" for i, reason in items),
    )
    request = RevisionRequest.objects.create(
        submission=submission, requested_by=user, due_at=due_at
    )
    RevisionItem.objects.bulk_create(
        RevisionItem(request=request, indicator=indicator, reason=reason.strip())
        for indicator, reason in items
    )
    return request


# Processing (runs in the Celery worker) -------------------------------------


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
