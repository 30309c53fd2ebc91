"""`make bench`, part 2: a full recompute of a generated cycle of every
kabupaten/kota (514) x the framework's indicators x 3 and x 6 reviewers on
PostgreSQL (the method of docs/scoring.md: review-level bootstrap of 500
draws, tied groups, severity model), against the floor of only reading the
raw levels into a DataFrame. Merges recompute_514x{3,6}_floor_ratio and the
raw seconds into bench/last.json.

Uses a throwaway database `smartcity_bench` on the server of DATABASE_URL.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH_DB = "smartcity_bench"


def bench_url(url: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{BENCH_DB}"))


def admin(url: str, statement: str) -> None:
    import psycopg2

    connection = psycopg2.connect(urlunsplit(urlsplit(url)._replace(path="/postgres")))
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(statement)
    connection.close()


def best_of(call, times: int = 3) -> tuple[float, list[float]]:
    seconds = []
    for _ in range(times):
        started = time.perf_counter()
        call()
        seconds.append(time.perf_counter() - started)
    return min(seconds), seconds


def measure() -> None:
    import django

    django.setup()
    from django.core.management import call_command

    for command in ("migrate", "load_regions", "load_framework"):
        call_command(command, verbosity=0)
    from assessments.models import Indicator
    from regions.models import Region
    from scoring import services
    from scoring.models import RegionResult
    from tests.scoring.conftest import reviewers, scored_cycle

    regions = list(Region.objects.order_by("code").values_list("code", flat=True))
    people = reviewers(6)
    results: dict[str, float] = {}
    print("\n== Full recompute on PostgreSQL (best of 3, review-level bootstrap)")
    for count in (3, 6):
        started = time.perf_counter()
        cycle = scored_cycle(regions, name=f"Bench 514x{count}", people=people[:count])
        generated = time.perf_counter() - started
        indicators = Indicator.objects.filter(framework=cycle.framework).count()

        floor, floors = best_of(lambda cycle=cycle: services.read_answers(cycle))
        full, fulls = best_of(
            lambda cycle=cycle: services.recompute_now(cycle, reason="bench")
        )
        read_all, _ = best_of(lambda cycle=cycle: services.read(cycle))
        data = services.read(cycle)
        compute, _ = best_of(lambda data=data: services.compute(data))
        assert RegionResult.objects.filter(cycle=cycle).count() == len(regions)
        print(
            f"{'cycle':<28}{len(regions)} regions x {indicators} indicators x"
            f" {count} reviewers = {len(regions) * indicators * count} answers"
            f" (generated in {generated:.1f} s)"
        )
        print(f"{'read raw levels (floor)':<28}{floor:>10.3f} s   runs {_fmt(floors)}")
        print(f"{'read everything':<28}{read_all:>10.3f} s")
        print(f"{'compute (500 draws)':<28}{compute:>10.3f} s")
        print(
            f"{'full recompute':<28}{full:>10.3f} s   runs {_fmt(fulls)}   "
            f"ratio to floor {full / floor:.2f}"
        )
        key = f"recompute_514x{count}"
        results[f"{key}_floor_ratio"] = round(full / floor, 2)
        results[f"{key}_s"] = round(full, 3)
        results[f"{key}_floor_s"] = round(floor, 3)
        results[f"{key}_compute_s"] = round(compute, 3)
    merge_last(results)


def merge_last(values: dict[str, float]) -> None:
    """Merge these numbers into bench/last.json (other benches write there too)."""
    import json

    path = ROOT / "bench" / "last.json"
    current = json.loads(path.read_text()) if path.exists() else {}
    current.update(values)
    path.write_text(json.dumps(current, indent=2, sort_keys=True) + "\n")


def _fmt(values: list[float]) -> str:
    return (
        ", ".join(f"{v:.3f}" for v in values)
        + f" (median {statistics.median(values):.3f})"
    )


def main() -> None:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        print("\n== Full recompute: skipped, it needs PostgreSQL (set DATABASE_URL)")
        return
    admin(url, f"DROP DATABASE IF EXISTS {BENCH_DB}")
    admin(url, f"CREATE DATABASE {BENCH_DB}")
    try:
        env = {
            **os.environ,
            "DATABASE_URL": bench_url(url),
            "ENV_FILE": "/dev/null",
            "DEBUG": "False",
            "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only-not-secret"),
            "DJANGO_SETTINGS_MODULE": "smartcity.settings",
            "LOG_LEVEL": "WARNING",
        }
        env.pop("REDIS_URL", None)  # recomputes run in this process
        subprocess.run(
            [sys.executable, __file__, "--measure"], cwd=ROOT, env=env, check=True
        )
    finally:
        admin(url, f"DROP DATABASE IF EXISTS {BENCH_DB}")


if __name__ == "__main__":
    if "--measure" in sys.argv:
        measure()
    else:
        main()
