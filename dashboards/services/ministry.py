"""The ministry's review dashboard: live figures of a cycle's reviews (not
cached: reviews move every minute)."""

from __future__ import annotations

from typing import Any

import pandas as pd
from django.db.models import Count
from django.utils import timezone

from assessments.models import Cycle
from dashboards import analytics, charts
from dashboards.services.reading import chart_labels, separators
from regions.models import Region
from reviews.models import Answer, Appeal, Review
from reviews.services import answered_counts
from scoring.models import ScoreRun


def ministry(cycle: Cycle) -> dict[str, Any]:
    """Live review figures of a cycle (not cached: reviews move every minute)."""
    labels, marks = chart_labels(), separators()
    now = timezone.now()
    indicators = cycle.framework.indicators.count()
    reviews = list(
        Review.objects.filter(cycle=cycle)
        .values_list("pk", "reviewer__username", "region_id", "status")
        .order_by("reviewer__username", "region_id")
    )
    answered = answered_counts([pk for pk, *_rest in reviews])
    overdue_now = now >= cycle.reviews_close
    assignments = pd.DataFrame(
        [
            {
                "reviewer": username,
                "region": region,
                "status": "submitted" if status == Review.Status.SUBMITTED else "draft",
                "answered": answered.get(pk, 0),
                "indicators": indicators,
                "overdue": overdue_now and status != Review.Status.SUBMITTED,
            }
            for pk, username, region, status in reviews
        ],
        columns=["reviewer", "region", "status", "answered", "indicators", "overdue"],
    )
    progress = analytics.review_progress(assignments)
    per_region = analytics.review_progress(assignments, by="region")
    names = dict(
        Region.objects.filter(pk__in=per_region["region"].tolist()).values_list(
            "code", "name"
        )
    )
    answers = pd.DataFrame(
        list(
            Answer.objects.filter(
                review__cycle=cycle, review__status=Review.Status.SUBMITTED
            ).values_list(
                "review__region_id",
                "indicator__code",
                "review__reviewer__username",
                "level",
            )
        ),
        columns=["region", "indicator", "reviewer", "level"],
    )
    answers["level"] = pd.to_numeric(answers["level"], errors="coerce").astype(
        "float64"
    )
    hot = analytics.hotspots(answers)
    by_region = analytics.hotspot_counts(hot, "region")
    by_indicator = analytics.hotspot_counts(hot, "indicator")
    appeals = dict(
        Appeal.objects.filter(submission__cycle=cycle)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    overdue = [
        {"reviewer": username, "region": region}
        for pk, username, region, status in reviews
        if overdue_now and status != Review.Status.SUBMITTED
    ]
    run = (
        ScoreRun.objects.filter(cycle=cycle, status=ScoreRun.Status.DONE)
        .exclude(alpha=None)
        .order_by("-finished_at")
        .first()
    )
    return {
        "alpha": run.alpha if run else None,
        "reviews": {
            "assigned": len(reviews),
            "submitted": sum(
                1 for *_rest, status in reviews if status == Review.Status.SUBMITTED
            ),
            "overdue": len(overdue),
        },
        "overdue": overdue,
        "regions": [
            dict(row, name=names.get(row["region"], row["region"]))
            for row in per_region.to_dict("records")
        ],
        "appeals": {status: appeals.get(status, 0) for status in Appeal.Status.values},
        "charts": {
            "reviewers": charts.reviewer_progress_chart(
                progress.to_dict("records"), labels, marks
            ),
            "hotspots_region": charts.hotspot_chart(
                by_region.to_dict("records"), labels, marks, key="region"
            ),
            "hotspots_indicator": charts.hotspot_chart(
                by_indicator.to_dict("records"), labels, marks, key="indicator"
            ),
        },
    }
