"""The demo shows each case of issue 14 after `make demo` (seed_demo): an
incomplete region, regions with too few reviews, the low-agreement caveat,
and (with the review-level bootstrap) tied groups."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.test import Client
from django.utils import timezone

from assessments.models import Cycle
from dashboards import display
from reviews.models import Review
from scoring.models import Release

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo() -> Release:
    call_command("seed_demo", "--today", timezone.localdate().isoformat())
    return Release.objects.get()


def test_one_demo_region_is_incomplete_with_no_band_and_no_rank(demo):
    cycle = Cycle.objects.get(is_demo=True)
    floor = Decimal(str(cycle.framework.min_coverage))
    # Kota Tangerang Selatan, left as a draft, has no review and no index.
    assessed = [r for r in demo.content["regions"] if r["index"] is not None]
    incomplete = [r for r in assessed if not r["complete"]]
    assert len(incomplete) == 1
    (row,) = incomplete
    assert Decimal(row["coverage"]) < floor
    assert row["ranks"]["rank_national"] is None
    shown = display.entry(row, demo.content)
    assert not shown["ranked"]
    assert shown["unranked_reason"] == "incomplete"
    assert shown["band_shown"] == ""
    page = Client().get(f"/results/{cycle.pk}/").content.decode()
    assert "Belum lengkap" in page


def test_two_demo_regions_have_only_two_submitted_reviews(demo):
    cycle = Cycle.objects.get(is_demo=True)
    counts = dict(
        Review.objects.filter(cycle=cycle, status=Review.Status.SUBMITTED)
        .values("region")
        .annotate(n=Count("pk"))
        .values_list("region", "n")
    )
    few = sorted(code for code, n in counts.items() if n == 2)
    assert len(few) == 2
    assert all(n in (2, 3) for n in counts.values())
    assert cycle.framework.min_reviews == 3
    rows = {r["region"]: r for r in demo.content["regions"]}
    assert set(few) <= set(rows)


def test_the_demo_release_carries_the_low_agreement_caveat(demo):
    assert demo.content["alpha"] is not None
    assert demo.content["alpha"] < 0.667
    assert display.low_agreement(demo.content)
    cycle = Cycle.objects.get(is_demo=True)
    page = Client().get(f"/results/{cycle.pk}/").content.decode()
    assert "Kesepakatan antarpenilai rendah" in page
