"""Demo reviews for `seed_demo`: reviewer1-6 balanced over the pilot regions
(3 per region, never their home province), and their answers filled in
deterministically with realistic variety, some disagreements to adjudicate.
reviewer1 keeps two regions unscored, to try the scoring form (those two
regions then have 2 submitted reviews: below the framework's min_reviews of 3,
they show "not ranked: 2 of the 3 reviews required"). The last submitted
region (by code) has no evidence for any Practice indicator from any reviewer:
half the index's weight, so it shows as incomplete (no band, no rank).
Reviewers disagree as much as real panels do (the demo's Krippendorff alpha
stays below 0.667, so releases carry the low-agreement caveat)."""

from __future__ import annotations

import zlib
from collections.abc import Iterable

from django.contrib.auth.models import User
from django.utils import timezone

from assessments.models import Cycle, Indicator
from notifications.models import Notification
from reviews import services
from reviews.models import Appeal, Consensus, Review, ScoreChange
from reviews.services import AnswerInput
from submissions.models import Submission

LEFT_FOR_THE_DEMO = 2  # reviewer1's regions left unscored


def _level(region: str, indicator: str, reviewer: int) -> int | None:
    """A stable level 1-5 (None: "no evidence"); reviewers mostly agree."""
    base = 2 + zlib.crc32(f"{region}:{indicator}".encode()) % 3  # 2..4
    spread = zlib.crc32(f"{region}:{indicator}:{reviewer}".encode()) % 20
    if spread == 0:
        return None
    if spread == 1:  # a disagreement of two levels or more
        return 1 if base >= 3 else 5
    if spread < 6:
        return min(5, base + 1)
    return base


def seed(cycle: Cycle, admin: User) -> None:
    services.balance(cycle=cycle, by=admin)
    if timezone.now() >= cycle.reviews_close:
        return
    indicators = list(
        Indicator.objects.filter(framework=cycle.framework).order_by("order")
    )
    submitted = set(
        Submission.objects.filter(cycle=cycle)
        .exclude(status=Submission.Status.DRAFT)
        .values_list("region_id", flat=True)
    )
    reviews = (
        Review.objects.filter(cycle=cycle, region__in=submitted)
        .select_related("reviewer", "cycle")
        .order_by("region_id", "reviewer__username")
    )
    incomplete = max(submitted) if submitted else None
    skipped = 0
    for review in reviews:
        if review.reviewer.username == "reviewer1" and skipped < LEFT_FOR_THE_DEMO:
            skipped += 1
            continue
        number = int(review.reviewer.username.removeprefix("reviewer") or 0)
        answers = {}
        for indicator in indicators:
            level = _level(review.region_id, indicator.code, number)
            if review.region_id == incomplete and indicator.part == "practice":
                level = None  # the incomplete demo region
            answers[indicator.pk] = AnswerInput(
                level=level,
                no_evidence=level is None,
                comment=""
                if level is None
                else f"Lihat dokumen, bagian {indicator.code}.",
            )
        saved = services.save_answers(
            review=review, user=review.reviewer, version=review.version, answers=answers
        )
        services.submit_review(
            review=saved, user=review.reviewer, version=saved.version
        )


def filled(cycle: Cycle) -> bool:
    return Review.objects.filter(cycle=cycle, status=Review.Status.SUBMITTED).exists()


def reset(cycles: Iterable[Cycle]) -> None:
    """Remove the demo cycles' reviews and what hangs on them (demo data only),
    and the demo accounts' notifications."""
    cycles = list(cycles)
    ScoreChange.objects.filter(cycle__in=cycles).delete()
    Appeal.objects.filter(submission__cycle__in=cycles).delete()
    Consensus.objects.filter(cycle__in=cycles).delete()
    Review.objects.filter(cycle__in=cycles).delete()
    Notification.objects.filter(user__profile__is_demo=True).delete()
