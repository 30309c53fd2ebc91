"""Revision requests: part of reviews.services (see its docstring)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.contrib.auth.models import User
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.roles import is_admin
from assessments.models import Indicator
from notifications.models import Kind
from notifications.services import notify
from reviews.models import Review
from reviews.services.core import ReviewError, _officials
from submissions import services as submission_services
from submissions.models import Submission


@transaction.atomic
def request_revision(
    *,
    submission: Submission,
    by: User,
    items: Sequence[tuple[Indicator, str]],
    due_at: datetime | None = None,
) -> None:
    """Send indicators back to the region with reasons (an assigned reviewer or
    an admin); only those parts reopen. The region's officials are notified."""
    assigned = Review.objects.of_reviewer(by).filter(
        cycle=submission.cycle, region=submission.region
    )
    if not (is_admin(by) or assigned.exists()):
        raise ReviewError(
            _("Only the region's reviewers or an admin request a revision.")
        )
    if submission.status in (
        Submission.Status.SUBMITTED,
        Submission.Status.RESUBMITTED,
    ):
        submission = submission_services.start_review(submission=submission, user=by)
    try:
        request = submission_services.reopen_for_revision(
            submission=submission, user=by, items=items, due_at=due_at
        )
    except submission_services.SubmissionError as error:
        raise ReviewError(error.message) from error
    notify(
        _officials(submission.region),
        Kind.REVISION_REQUESTED,
        params={
            "region": str(submission.region),
            "cycle": str(submission.cycle),
            "indicators": [indicator.code for indicator, _reason in items],
            "due": request.due_at.isoformat(),
        },
        url=reverse("submissions:detail", args=[submission.pk]),
    )
