"""The ministry's review dashboard: live figures of a cycle's reviews (not
cached: reviews move every minute)."""

from __future__ import annotations

from typing import Any

import pandas as pd
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from assessments.models import Cycle, Indicator
from dashboards import analytics, charts
from dashboards.services.reading import chart_labels, separators
from regions.models import Region
from reviews.models import Answer, Appeal, Review
from reviews.services import answered_counts
from scoring.models import ScoreRun

HOTSPOTS_LISTED = 50  # widest first; the charts count them all


def _hotspot_rows(cycle: Cycle, hot: pd.DataFrame) -> list[dict[str, Any]]:
    """Each listed disagreement with the region's and the indicator's name and
    the consensus row it is settled in (two queries, whatever the count)."""
    if hot.empty:
        return []
    regions = dict(
        Region.objects.filter(code__in=hot["region"].unique().tolist()).values_list(
            "code", "name"
        )
    )
    indicators = {
        i.code: i
        for i in Indicator.objects.filter(
            framework_id=cycle.framework_id, code__in=hot["indicator"].unique().tolist()
        )
    }
    rows = []
    for row in hot.to_dict("records"):
        indicator = indicators.get(row["indicator"])
        rows.append(
            {
                "region": row["region"],
                "region_name": regions.get(row["region"], row["region"]),
                "indicator": row["indicator"],
                "indicator_name": indicator.name if indicator else "",
                "min": int(row["min"]),
                "max": int(row["max"]),
                "reviewers": int(row["reviewers"]),
                "url": reverse("reviews:region", args=[cycle.pk, row["region"]])
                + (f"#indicator-{indicator.pk}" if indicator else ""),
            }
        )
    return rows


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
    hotspots = _hotspot_rows(cycle, hot.head(HOTSPOTS_LISTED))
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
        "hotspots": hotspots,
        "hotspots_total": len(hot),
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
