"""Practice evidence: part of submissions.services (see its docstring)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models import Indicator, Part
from submissions.models import (
    EvidenceItem,
    StoredFile,
    Submission,
)
from submissions.services.core import Action, SubmissionError
from submissions.services.documents import _closed_message
from submissions.services.files import (
    CheckedFile,
    _discard_on_failure,
    _enqueue,
    _store,
    checked_upload,
)
from submissions.services.workspaces import _locked, _record, may_edit


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
