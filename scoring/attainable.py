"""The weights explorer's exact attainable ranks: computed once per release by
the worker and stored beside it (services).

They depend only on the release content and the weight ranges
(docs/weights.md). 514 regions take about a minute and a half on 2 cores, so a
page request never computes them: publication asks the worker, and a request
that finds none asks again (once per `QUEUED_FOR`) and says they are on their
way.
"""

from __future__ import annotations

import logging
import time

from django.core.cache import cache

from scoring import explorer
from scoring.models import AttainableRanks, Release

log = logging.getLogger(__name__)

# A request that finds no ranks enqueues the job at most once in this window
# (longer than the job takes), so a crowd of first visitors starts one job.
QUEUED_FOR = 15 * 60


def compute(release: Release) -> AttainableRanks:
    """Compute and store the release's attainable ranks within its current
    weight ranges (idempotent: the same rows again)."""
    found = explorer.inputs_of(release)
    started = time.perf_counter()
    ranks = explorer.solve_attainable(found)
    row, _ = AttainableRanks.objects.update_or_create(
        release=release,
        ranges_digest=explorer.ranges_digest(found.ranges),
        defaults={"ranks": ranks, "seconds": round(time.perf_counter() - started, 3)},
    )
    return row


def queued_key(release: Release) -> str:
    return f"scoring:attainable:queued:{release.pk}:{release.checksum[:16]}"


def request(release: Release) -> bool:
    """Ask the worker for the release's attainable ranks, unless asked within
    `QUEUED_FOR`. True when this call enqueued the job. A broker that is down
    is logged, not raised: the page still shows everything else, and the next
    visitor asks again."""
    from scoring import tasks

    key = queued_key(release)
    if not cache.add(key, 1, timeout=QUEUED_FOR):
        return False
    try:
        tasks.compute_attainable.delay(release.pk)
    except Exception:  # the broker is unreachable: the job is asked again later
        log.exception(
            "could not enqueue the attainable ranks of release %s", release.pk
        )
        cache.delete(key)
        return False
    return True
