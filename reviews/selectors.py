"""Reads of the review pages: what the queue, the scoring form, the region
page, the assignments, the audit trail and the appeals show. Views scope with
these and keep to the request; writes are in reviews.services."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from assessments.models import Cycle, Indicator, RubricLevel
from regions.models import Region
from reviews import services
from reviews.models import (
    Answer,
    Appeal,
    ConflictOfInterest,
    Consensus,
    Review,
    ScoreChange,
)
from submissions.models import DocumentVersion, EvidenceItem, Submission

# Which pre-screen part speaks to an indicator: its dimension, or quick wins.
PRESCREEN_PART = {
    "GOV": "governance",
    "BRA": "branding",
    "ECO": "economy",
    "SOC": "society",
    "LIV": "living",
    "ENV": "environment",
}


def visible_reviews(*, user: User) -> QuerySet[Review]:
    """The reviews the user may open (admins: any), with what the pages show."""
    return Review.objects.visible_to(user).select_related(
        "cycle__framework", "region__province", "reviewer"
    )


def framework_indicators(*, cycle: Cycle) -> QuerySet[Indicator]:
    return Indicator.objects.filter(framework=cycle.framework).order_by("order")


def queue_rows(*, reviewer: User) -> list[tuple[Review, Submission | None, int, int]]:
    """The reviewer's queue: (review, the region's submission, answered, total)."""
    reviews = list(
        Review.objects.of_reviewer(reviewer)
        .select_related("cycle", "region__province")
        .order_by("cycle__reviews_close", "region__code")
    )
    submissions = {
        (s.cycle_id, s.region_id): s
        for s in Submission.objects.filter(
            cycle__in={r.cycle_id for r in reviews},
            region__in={r.region_id for r in reviews},
        )
    }
    totals = {
        cycle.pk: cycle.framework.indicators.count()
        for cycle in Cycle.objects.filter(
            pk__in={r.cycle_id for r in reviews}
        ).select_related("framework")
    }
    answered = services.answered_counts([r.pk for r in reviews])
    return [
        (
            review,
            submissions.get((review.cycle_id, review.region_id)),
            answered.get(review.pk, 0),
            totals[review.cycle_id],
        )
        for review in reviews
    ]


def scoring_context(*, review: Review) -> dict[str, Any]:
    """The scoring form: each indicator with its rubric, the answer, the
    pre-screen's page hints in the latest documents, and the evidence."""
    indicators = list(
        Indicator.objects.filter(framework_id=review.cycle.framework_id)
        .select_related("sub_dimension__dimension")
        .prefetch_related(
            Prefetch("rubric", queryset=RubricLevel.objects.order_by("level"))
        )
        .order_by("order")
    )
    answers = {a.indicator_id: a for a in review.answers.all()}
    submission = services.submission_of(review)
    versions = []
    evidence = defaultdict(list)
    if submission is not None:
        versions = list(
            DocumentVersion.objects.filter(document__submission=submission)
            .select_related("document", "file")
            .order_by("document__doc_type", "document__pk", "-number")
        )
        for item in EvidenceItem.objects.filter(submission=submission).select_related(
            "file"
        ):
            evidence[item.indicator_id].append(item)
    latest = {}
    for version in versions:
        latest.setdefault(version.document_id, version)
    documents = list(latest.values())
    items = []
    for indicator in indicators:
        part = (
            "quick_wins"
            if indicator.aspect == "quick_win"
            else PRESCREEN_PART.get(indicator.sub_dimension.dimension.code)
        )
        hints = [
            (version, (version.file.prescreen or {}).get(part, []))
            for version in documents
            if part and (version.file.prescreen or {}).get(part)
        ]
        items.append(
            {
                "indicator": indicator,
                "answer": answers.get(indicator.pk),
                "hints": hints,
                "evidence": evidence.get(indicator.pk, []),
            }
        )
    answered = sum(1 for a in answers.values() if a.is_answered)
    return {
        "review": review,
        "cycle": review.cycle,
        "submission": submission,
        "items": items,
        "documents": documents,
        "answered": answered,
        "total": len(indicators),
        "indicators": indicators,
    }


def own_review(*, reviewer: User, cycle: Cycle, region: Region) -> Review | None:
    """The reviewer's review of the region (None: not theirs, or conflicted)."""
    return (
        Review.objects.of_reviewer(reviewer).filter(cycle=cycle, region=region).first()
    )


def region_reviews(*, cycle: Cycle, region: Region) -> list[Review]:
    return list(
        Review.objects.filter(cycle=cycle, region=region)
        .select_related("reviewer")
        .order_by("-is_lead", "reviewer__username")
    )


def region_rows(
    *,
    user: User,
    cycle: Cycle,
    region: Region,
    reviews: list[Review],
    indicators: list[Indicator],
) -> tuple[list[dict[str, Any]], dict[int, Any]]:
    """Each indicator with every review's answer (in `reviews` order), whether
    it is flagged and its consensus; and the flagged indicators."""
    answers = {
        (a.review_id, a.indicator_id): a
        for a in Answer.objects.visible_to(user).filter(review__in=reviews)
    }
    consensus = {
        c.indicator_id: c
        for c in Consensus.objects.filter(cycle=cycle, region=region).select_related(
            "decided_by"
        )
    }
    flagged = services.disagreements(cycle, region)
    rows = [
        {
            "indicator": indicator,
            "answers": [answers.get((r.pk, indicator.pk)) for r in reviews],
            "flagged": indicator.pk in flagged,
            "consensus": consensus.get(indicator.pk),
        }
        for indicator in indicators
    ]
    return rows, flagged


def region_submission(*, cycle: Cycle, region: Region) -> Submission | None:
    return Submission.objects.filter(cycle=cycle, region=region).first()


def assignment_regions(*, cycle: Cycle) -> list[tuple[Region, list[Review]]]:
    """The cycle's regions by code, each with its reviews (lead first)."""
    by_region = defaultdict(list)
    for found in Review.objects.filter(cycle=cycle).select_related("reviewer"):
        by_region[found.region_id].append(found)
    return [
        (
            region,
            sorted(
                by_region.get(region.pk, []),
                key=lambda r: (not r.is_lead, r.reviewer.username),
            ),
        )
        for region in cycle.regions.select_related("province").order_by("code")
    ]


def all_conflicts() -> QuerySet[ConflictOfInterest]:
    return ConflictOfInterest.objects.select_related("reviewer", "region").order_by(
        "reviewer__username"
    )


def conflicts_of(*, reviewer: User) -> QuerySet[ConflictOfInterest]:
    return ConflictOfInterest.objects.filter(reviewer=reviewer).select_related("region")


def score_changes(
    *,
    region: str = "",
    who: str = "",
    since: date | None = None,
    until: date | None = None,
) -> QuerySet[ScoreChange]:
    """The audit trail, newest first. `region`: a region code, or part of a
    region's name; `who`: part of the actor's user name or full name;
    `since`/`until`: days in the server's time zone (WIB), both included."""
    changes = ScoreChange.objects.select_related(
        "cycle", "region", "indicator", "actor"
    ).order_by("-at", "-pk")
    if region:
        changes = changes.filter(
            Q(region_id=region) | Q(region__name__icontains=region)
        )
    if who:
        changes = changes.filter(
            Q(actor__username__icontains=who)
            | Q(actor__first_name__icontains=who)
            | Q(actor__last_name__icontains=who)
        )
    zone = timezone.get_current_timezone()
    if since:
        changes = changes.filter(at__gte=datetime.combine(since, time.min, tzinfo=zone))
    if until:
        changes = changes.filter(
            at__lt=datetime.combine(until + timedelta(days=1), time.min, tzinfo=zone)
        )
    return changes


def visible_submissions(*, user: User) -> QuerySet[Submission]:
    return Submission.objects.visible_to(user).select_related(
        "cycle__framework", "region"
    )


def appeals_of(*, submission: Submission) -> QuerySet[Appeal]:
    return submission.appeals.select_related("indicator", "decided_by")


def appeals_with_context() -> QuerySet[Appeal]:
    return Appeal.objects.select_related(
        "submission__cycle", "submission__region", "indicator", "filed_by"
    )


def submit_summary(*, review: Review) -> dict[str, Any]:
    """What a reviewer confirms before submitting: how many indicators have a
    level, how many are "no evidence" (scored as the framework's no-evidence
    level), the ones still open (submitting refuses them), and comments and
    citations given. Two queries, whatever the number of answers."""
    indicators = list(
        Indicator.objects.filter(framework_id=review.cycle.framework_id).order_by(
            "order"
        )
    )
    answers = {a.indicator_id: a for a in Answer.objects.filter(review=review)}
    open_ = [i for i in indicators if not (a := answers.get(i.pk)) or not a.is_answered]
    levels = [a.level for a in answers.values() if a.level is not None]
    return {
        "total": len(indicators),
        "with_level": len(levels),
        "no_evidence": [
            i for i in indicators if (a := answers.get(i.pk)) and a.no_evidence
        ],
        "open": open_,
        "comments": sum(1 for a in answers.values() if a.comment.strip()),
        "citations": sum(1 for a in answers.values() if a.cited_version_id),
        "distribution": [
            (level, sum(1 for x in levels if x == level)) for level in range(1, 6)
        ],
    }
