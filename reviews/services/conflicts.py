"""Conflicts of interest: part of reviews.services (see its docstring)."""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.roles import role_of
from regions.models import Region
from reviews.models import (
    Answer,
    ConflictOfInterest,
    Review,
)
from reviews.services.core import ReviewError


@transaction.atomic
def declare_conflict(
    *, reviewer: User, region: Region, reason: str
) -> ConflictOfInterest:
    """Record a reviewer's conflict; an unsubmitted review of that region is
    withdrawn (its trail stays), so the admin sees the region short of a reviewer."""
    if role_of(reviewer) != Role.REVIEWER:
        raise ReviewError(_("Only ministry reviewers declare conflicts of interest."))
    if not reason.strip():
        raise ReviewError(_("Say what the conflict is."))
    reviews = Review.objects.filter(reviewer=reviewer, region=region)
    if reviews.filter(status=Review.Status.SUBMITTED).exists():
        raise ReviewError(
            _(
                "Your review of %(region)s is already submitted: ask a ministry admin "
                "to withdraw it and record the conflict."
            )
            % {"region": region}
        )
    reviews.delete()
    conflict, _created = ConflictOfInterest.objects.update_or_create(
        reviewer=reviewer, region=region, defaults={"reason": reason.strip()}
    )
    return conflict


def answered_counts(review_ids: Sequence[int]) -> dict[int, int]:
    """Review -> number of indicators answered (a level or "no evidence")."""
    return dict(
        Answer.objects.filter(review__in=review_ids)
        .filter(Q(level__isnull=False) | Q(no_evidence=True))
        .values("review")
        .annotate(n=Count("pk"))
        .values_list("review", "n")
    )
