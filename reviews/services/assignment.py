"""Assignment: part of reviews.services (see its docstring)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.roles import role_of
from assessments.models import Cycle
from notifications.models import Kind
from notifications.services import notify
from regions.models import Region
from reviews import balancing
from reviews.models import (
    ConflictOfInterest,
    Review,
)
from reviews.services.core import ReviewError


def conflict_reason(cycle: Cycle, region: Region, reviewer: User) -> str | None:
    """Why this reviewer may not review this region, or None."""
    if role_of(reviewer) != Role.REVIEWER:
        return _("%(user)s is not a ministry reviewer.") % {"user": reviewer}
    if not cycle.regions.filter(pk=region.pk).exists():
        return _("%(region)s does not take part in %(cycle)s.") % {
            "region": region,
            "cycle": cycle,
        }
    if ConflictOfInterest.objects.filter(reviewer=reviewer, region=region).exists():
        return _("%(user)s declared a conflict of interest with %(region)s.") % {
            "user": reviewer,
            "region": region,
        }
    profile = getattr(reviewer, "profile", None)
    home = profile.home_province_id if profile else None
    if settings.REVIEW_HOME_PROVINCE_RULE and home == region.province_id:
        return _("%(region)s is in %(user)s's home province.") % {
            "region": region,
            "user": reviewer,
        }
    return None


@transaction.atomic
def assign(
    *, cycle: Cycle, region: Region, reviewer: User, by: User, is_lead: bool = False
) -> Review:
    """Assign by hand: the same conflict rules as balancing apply."""
    reason = conflict_reason(cycle, region, reviewer)
    if reason:
        raise ReviewError(reason)
    if Review.objects.filter(cycle=cycle, region=region, reviewer=reviewer).exists():
        raise ReviewError(
            _("%(user)s already reviews %(region)s.")
            % {
                "user": reviewer,
                "region": region,
            }
        )
    if is_lead:
        Review.objects.filter(cycle=cycle, region=region).update(is_lead=False)
    has_lead = Review.objects.filter(cycle=cycle, region=region, is_lead=True).exists()
    review = Review.objects.create(
        cycle=cycle,
        region=region,
        reviewer=reviewer,
        is_lead=is_lead or not has_lead,
        assigned_by=by,
    )
    _notify_assigned([review])
    return review


def _notify_assigned(reviews: Sequence[Review]) -> None:
    for review in reviews:
        notify(
            [review.reviewer],
            Kind.ASSIGNED,
            params={"region": str(review.region), "cycle": str(review.cycle)},
            url=reverse("reviews:review", args=[review.pk]),
        )


@dataclass(frozen=True)
class BalanceResult:
    created: int
    shortfall: dict[str, int]
    loads: dict[int, int]


@transaction.atomic
def balance(*, cycle: Cycle, by: User) -> BalanceResult:
    """Fill every region of the cycle up to REVIEWERS_PER_REGION reviewers,
    spreading the load evenly and respecting conflicts and the home-province
    rule; existing assignments are kept. The first reviewer of a region leads."""
    regions = list(cycle.regions.order_by("code"))
    reviewers = list(
        User.objects.filter(groups__name=Role.REVIEWER, is_active=True)
        .select_related("profile")
        .order_by("pk")
    )
    existing = set(
        Review.objects.filter(cycle=cycle).values_list("reviewer_id", "region_id")
    )
    plan = balancing.balance(
        [balancing.RegionSlot(r.code, r.province_id) for r in regions],
        [
            balancing.ReviewerSlot(
                u.pk, getattr(getattr(u, "profile", None), "home_province_id", None)
            )
            for u in reviewers
        ],
        per_region=settings.REVIEWERS_PER_REGION,
        max_per_reviewer=settings.REVIEWER_MAX_REGIONS,
        conflicts=set(
            ConflictOfInterest.objects.filter(region__in=regions).values_list(
                "reviewer_id", "region_id"
            )
        ),
        home_province_rule=settings.REVIEW_HOME_PROVINCE_RULE,
        existing=existing,
    )
    led = set(
        Review.objects.filter(cycle=cycle, is_lead=True).values_list(
            "region_id", flat=True
        )
    )
    created = []
    for reviewer_id, region_code in plan.new:
        created.append(
            Review(
                cycle=cycle,
                region_id=region_code,
                reviewer_id=reviewer_id,
                is_lead=region_code not in led,
                assigned_by=by,
            )
        )
        led.add(region_code)
    Review.objects.bulk_create(created)
    _notify_assigned(
        list(
            Review.objects.filter(
                cycle=cycle, pk__in=[r.pk for r in created]
            ).select_related("region", "cycle", "reviewer")
        )
    )
    return BalanceResult(len(created), plan.shortfall, plan.loads)


def loads(cycle: Cycle) -> list[tuple[User, int, int]]:
    """Each reviewer with their number of regions and of submitted reviews."""
    reviewers = (
        User.objects.filter(groups__name=Role.REVIEWER)
        .annotate(
            assigned=Count("reviews", filter=Q(reviews__cycle=cycle)),
            done=Count(
                "reviews",
                filter=Q(reviews__cycle=cycle, reviews__status=Review.Status.SUBMITTED),
            ),
        )
        .order_by("username")
    )
    return [(user, user.assigned, user.done) for user in reviewers]


def missing(cycle: Cycle) -> list[tuple[Region, int]]:
    """Regions of the cycle with fewer reviewers than REVIEWERS_PER_REGION."""
    counts = dict(
        Review.objects.filter(cycle=cycle)
        .values("region")
        .annotate(n=Count("pk"))
        .values_list("region", "n")
    )
    need = settings.REVIEWERS_PER_REGION
    return [
        (region, need - counts.get(region.pk, 0))
        for region in cycle.regions.select_related("province").order_by("code")
        if counts.get(region.pk, 0) < need
    ]
