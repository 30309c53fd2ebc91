"""Workflow: part of submissions.services (see its docstring)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from assessments.models import Indicator
from submissions.models import (
    DocumentType,
    DocumentVersion,
    RevisionItem,
    RevisionRequest,
    Submission,
)
from submissions.services.core import TRANSITIONS, Action, Status, SubmissionError
from submissions.services.workspaces import _locked, _record, may_edit


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
