"""Consensus: part of reviews.services (see its docstring)."""

from __future__ import annotations

import statistics

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import is_admin
from assessments.models import Cycle, Indicator
from regions.models import Region
from reviews.models import (
    Answer,
    Appeal,
    Consensus,
    Review,
    ScoreChange,
)
from reviews.services.core import ReviewError
from scoring import services as scoring_services

DISAGREEMENT = 2  # levels this far apart need a consensus


def submitted_levels(cycle: Cycle, region: Region) -> dict[int, list[int]]:
    """Indicator -> the levels given in submitted reviews ("no evidence" left out)."""
    levels: dict[int, list[int]] = {}
    for indicator_id, level in Answer.objects.filter(
        review__cycle=cycle,
        review__region=region,
        review__status=Review.Status.SUBMITTED,
        level__isnull=False,
    ).values_list("indicator_id", "level"):
        levels.setdefault(indicator_id, []).append(level)
    return levels


def disagreements(cycle: Cycle, region: Region) -> dict[int, list[int]]:
    return {
        pk: sorted(levels)
        for pk, levels in submitted_levels(cycle, region).items()
        if max(levels) - min(levels) >= DISAGREEMENT
    }


def all_reviews_in(cycle: Cycle, region: Region) -> bool:
    reviews = Review.objects.filter(cycle=cycle, region=region)
    return (
        reviews.exists()
        and not reviews.exclude(status=Review.Status.SUBMITTED).exists()
    )


def can_adjudicate(user: User, cycle: Cycle, region: Region) -> bool:
    """Admins, and the region's lead reviewer (without a conflict)."""
    if is_admin(user):
        return True
    return (
        Review.objects.of_reviewer(user)
        .filter(cycle=cycle, region=region, is_lead=True)
        .exists()
    )


def current_value(cycle: Cycle, region: Region, indicator: Indicator) -> str:
    """The indicator's level as it stands: an upheld appeal, else the
    consensus, else the median of the submitted reviews."""
    upheld = (
        Appeal.objects.filter(
            submission__cycle=cycle,
            submission__region=region,
            indicator=indicator,
            status=Appeal.Status.UPHELD,
        )
        .order_by("-decided_at")
        .first()
    )
    if upheld:
        return str(upheld.new_level)
    consensus = Consensus.objects.filter(
        cycle=cycle, region=region, indicator=indicator
    ).first()
    if consensus:
        return str(consensus.level)
    levels = submitted_levels(cycle, region).get(indicator.pk)
    return f"{statistics.median(levels):g}" if levels else ""


@transaction.atomic
def record_consensus(
    *,
    cycle: Cycle,
    region: Region,
    indicator: Indicator,
    level: int,
    rationale: str,
    by: User,
) -> Consensus:
    if not can_adjudicate(by, cycle, region):
        raise ReviewError(_("Only the lead reviewer or an admin records a consensus."))
    if not all_reviews_in(cycle, region):
        raise ReviewError(_("A consensus is recorded once every review is submitted."))
    if indicator.framework_id != cycle.framework_id:
        raise ReviewError(_("An answer names an indicator outside this framework."))
    if not 1 <= level <= 5:
        raise ReviewError(_("The level must be 1 to 5."))
    if not rationale.strip():
        raise ReviewError(_("Write the rationale for the consensus."))
    before = current_value(cycle, region, indicator)
    consensus, _created = Consensus.objects.update_or_create(
        cycle=cycle,
        region=region,
        indicator=indicator,
        defaults={
            "level": level,
            "rationale": rationale.strip(),
            "decided_by": by,
            "decided_at": timezone.now(),
        },
    )
    ScoreChange.objects.create(
        cycle=cycle,
        region=region,
        indicator=indicator,
        source=ScoreChange.Source.CONSENSUS,
        actor=by,
        old_value=before,
        new_value=str(level),
        reason=rationale.strip(),
    )
    scoring_services.request_recompute(cycle, f"consensus {region.pk} {indicator.code}")
    return consensus
