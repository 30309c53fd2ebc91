"""`make bench`, explorer part: the weights explorer's recompute of every
region's index, band and rank for 514 regions (target: under 300 ms; the
browser runs the same arithmetic), and the once-per-release precompute of
every region's exact best and worst attainable rank (one MILP per region and
direction). Pure numpy/scipy on generated components (a common level per
region plus independent noise per component), no database.

Writes explorer_recompute_514_ms and attainable_ranks_514_s into
bench/last.json, keeping the keys already there.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scoring import weights  # noqa: E402

REGIONS = 514
PART = {"blueprint": 50, "practice": 50}
ASPECT = {"baseline": 10, "output": 20, "outcome": 30, "impact": 30, "quick_win": 10}
BANDS = [["kurang", 1.8], ["cukup", 2.6], ["baik", 3.5], ["sangat_baik", 4.2]]
BANDS += [["memuaskan", None]]
TARGET_MS = 300


def components(n: int, seed: int = 0) -> weights.Components:
    rng = np.random.default_rng(seed)
    base = rng.uniform(1.5, 4.5, n)
    scores = np.clip(base[:, None] + rng.normal(0, 0.3, (n, 6)), 1, 5)
    return weights.Components(
        regions=tuple(f"R{i}" for i in range(n)),
        blueprint=scores[:, 0],
        aspects=scores[:, 1:],
        complete=np.ones(n, bool),
        aspect_codes=weights.ASPECTS,
    )


@contextlib.contextmanager
def quiet_stdout():
    """HiGHS prints solver chatter on file descriptor 1."""
    sys.stdout.flush()
    saved = os.dup(1)
    with open(os.devnull, "w") as null:
        os.dup2(null.fileno(), 1)
        try:
            yield
        finally:
            sys.stdout.flush()
            os.dup2(saved, 1)
            os.close(saved)


def main() -> int:
    comp = components(REGIONS)
    ranges = weights.normalise_ranges(
        weights.default_ranges(PART, ASPECT), PART, ASPECT, weights.ASPECTS
    )
    rng = np.random.default_rng(1)
    draws = []
    for _ in range(50):
        part = [rng.uniform(*ranges["part"][p]) for p in ("blueprint", "practice")]
        aspect = [rng.uniform(*ranges["aspect"][a]) for a in weights.ASPECTS]
        draws.append((part, aspect))
    ranked = comp.explorable(ranges)
    times = []
    for part, aspect in draws:
        started = time.perf_counter()
        index = weights.recompute(comp, part, aspect)
        weights.ranks_of(index, ranked)
        weights.bands_of(index, BANDS)
        times.append(time.perf_counter() - started)
    recompute_ms = 1000 * max(times)

    started = time.perf_counter()
    with quiet_stdout():
        best, worst = weights.attainable_ranks(
            comp.matrix()[ranked], weights.vertices(ranges, weights.ASPECTS)
        )
    attainable_s = time.perf_counter() - started

    print(
        f"explorer: recompute of {REGIONS} regions (index, band, rank) "
        f"{recompute_ms:.2f} ms (slowest of 50 weight vectors; target {TARGET_MS} ms)"
    )
    print(
        f"explorer: exact best/worst attainable ranks of {REGIONS} regions "
        f"{attainable_s:.1f} s (median span {int(np.median(worst - best))} ranks)"
    )
    path = ROOT / "bench" / "last.json"
    figures = json.loads(path.read_text()) if path.exists() else {}
    figures["explorer_recompute_514_ms"] = round(recompute_ms, 3)
    figures["attainable_ranks_514_s"] = round(attainable_s, 2)
    path.write_text(json.dumps(figures, indent=2, sort_keys=True) + "\n")
    return 0 if recompute_ms < TARGET_MS else 1


if __name__ == "__main__":
    raise SystemExit(main())
