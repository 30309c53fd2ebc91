"""A real Celery worker on Redis runs the recompute that a consensus asks for."""

import time

import pytest

from assessments.models import Indicator
from reviews import services as review_services
from reviews.models import Review
from scoring.models import RegionResult, ScoreRun
from tests.scoring.conftest import scored_cycle

pytestmark = [
    pytest.mark.requires_postgres,
    pytest.mark.requires_redis,
    pytest.mark.django_db(transaction=True),
]


def test_a_consensus_is_scored_by_a_real_worker(committed_data, redis_worker):
    cycle = scored_cycle(["36.74", "36.71"])
    lead = Review.objects.get(cycle=cycle, region_id="36.74", is_lead=True).reviewer
    indicator = Indicator.objects.filter(framework=cycle.framework).first()

    review_services.record_consensus(
        cycle=cycle,
        region=cycle.regions.get(code="36.74"),
        indicator=indicator,
        level=5,
        rationale="Konsensus rapat penilai.",
        by=lead,
    )

    deadline = time.monotonic() + 60
    while not ScoreRun.objects.filter(cycle=cycle, status="done").exists():
        assert time.monotonic() < deadline, "no finished run in 60 s"
        failed = ScoreRun.objects.filter(cycle=cycle, status="failed").first()
        assert failed is None, failed.error
        time.sleep(0.2)
    assert RegionResult.objects.filter(cycle=cycle).count() == 2
    run = ScoreRun.objects.get(cycle=cycle)
    assert run.reason.startswith("consensus 36.74")
    assert run.duration_ms is not None


def test_a_real_worker_stores_the_attainable_ranks_after_publication(
    committed_data, redis_worker
):
    from scoring import services
    from scoring.models import AttainableRanks

    release = services.publish(cycle=scored_cycle(["36.74", "36.71"]), final=False)

    deadline = time.monotonic() + 120
    while not AttainableRanks.objects.filter(release=release).exists():
        assert time.monotonic() < deadline, "no attainable ranks in 120 s"
        time.sleep(0.2)
    row = AttainableRanks.objects.get(release=release)
    assert set(row.ranks) == {"36.74", "36.71"}
    assert all(1 <= best <= worst <= 2 for best, worst in row.ranks.values())
