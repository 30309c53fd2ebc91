"""Workspaces: part of submissions.services (see its docstring)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from accounts.models import Role
from accounts.roles import role_of
from assessments.models import Cycle
from submissions.models import (
    Submission,
    SubmissionEvent,
)
from submissions.services.core import Action


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
