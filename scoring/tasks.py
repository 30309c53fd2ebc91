"""Score jobs. Thin: the work is in scoring.services."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task

from assessments.models import Cycle
from scoring import services
from scoring.models import Release

TIME_LIMIT = 300
# The attainable ranks of 514 regions take about 80 s on 2 cores; the limit
# leaves room for more (one MILP per region and direction over all the others,
# so the time grows faster than the number of regions).
ATTAINABLE_TIME_LIMIT = 30 * 60
# A queued run's job starts within seconds (COALESCE_SECONDS) unless the broker
# was down or lost it; a duplicate job is harmless (`services.run` is idempotent).
QUEUED_FOR = 60


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=TIME_LIMIT,
    time_limit=TIME_LIMIT + 30,
)
def recompute_cycle(run_id: int) -> str:
    """Compute one recorded run (idempotent: a finished run is left alone)."""
    return services.run(run_id).status


@shared_task
def recompute_waiting() -> int:
    """Beat: run what was asked while the broker was down or a worker died."""
    waiting = services.stale_runs(older_than=timedelta(seconds=QUEUED_FOR))
    for run_id in waiting:
        recompute_cycle.delay(run_id)
    return len(waiting)


@shared_task
def recompute_open_cycles() -> int:
    """Nightly: every cycle whose reviews or appeals are still open."""
    count = 0
    for cycle in Cycle.objects.all():
        if cycle.phase != Cycle.Phase.CLOSED:
            services.request_recompute(cycle, "nightly")
            count += 1
    return count


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=TIME_LIMIT,
    time_limit=TIME_LIMIT + 30,
)
def render_release(release_id: int) -> int:
    """After publication: render the release's dashboard data, every region's
    scorecard data and the API's score rows into the cache, in one pass
    (idempotent: the same bytes again). Returns the number of parts."""
    # dashboards reads scoring's models; imported here, when the job runs.
    from dashboards import services as dashboards

    release = (
        Release.objects.select_related("cycle").defer("content").get(pk=release_id)
    )
    return int(dashboards.render_release(release)["parts"])


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=ATTAINABLE_TIME_LIMIT,
    time_limit=ATTAINABLE_TIME_LIMIT + 30,
)
def compute_attainable(release_id: int) -> int:
    """After publication, or when the weights explorer finds none: the exact
    best and worst attainable ranks of the release (idempotent). Returns the
    number of regions ranked."""
    from scoring import attainable

    return len(attainable.compute(Release.objects.get(pk=release_id)).ranks)
