"""`make bench`, part 3: published data under gunicorn (gunicorn.conf.py), 16
concurrent clients, each endpoint side by side with a bare Django view
returning the same bytes from memory (its ceiling), all in the same run and
the same gunicorn:

- GET /api/v1/releases/<id>/scores/ (all 514 regions);
- GET /dashboard/data/, warm (dashboard_warm_ratio, target >= 0.5);
- GET /regions/<code>/scorecard/data/ over all 514 regions, warm
  (scorecard_warm_ratio, target >= 0.5);
- scorecard_cold_ms: one client's first request for each of 100 regions
  right after the worker's render (what a reader gets before any scorecard
  was asked for; a cache read of pre-rendered bytes, target a few ms).

The release is published and rendered as the worker does after publication
(render_release_s). Own SQLite database in a temporary directory; Redis
(REDIS_URL, database 13) is the cache the gunicorn workers share, as in
production: without it each worker has its own and renders on first use.
The figures are merged into bench/last.json."""

from __future__ import annotations

import http.client
import json
import os
import random
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CLIENTS = 16
SECONDS = 8
COLD_REGIONS = 100


def environment(workdir: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "ENV_FILE": "/dev/null",
        "DEBUG": "False",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "False",
        "DATABASE_URL": f"sqlite:///{workdir / 'api.sqlite3'}",
        "MEDIA_ROOT": str(workdir / "media"),
        # Throttles stay on, with a one-second window: all 16 clients share one
        # address, and a minute of their history would weigh on every request.
        "API_ANON_RATE": "100000000/s",  # anonymous clients count against both
        "API_USER_RATE": "100000000/s",
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "smartcity.settings",
        "ROOT_URLCONF": "bench.urls",
        "BENCH_BODIES": str(workdir),
    }
    if os.environ.get("REDIS_URL"):
        # As in production: the rendered releases are shared by the workers in
        # Redis and outlive worker restarts (gunicorn.conf.py's max_requests).
        env["REDIS_CACHE_DB"] = env["REDIS_BROKER_DB"] = "13"
    return env


def prepare(workdir: Path) -> None:
    """In a child process: data, a published release, the response body."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    for command in ("migrate", "load_regions", "load_framework"):
        call_command(command, verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)
    from regions.models import Region
    from scoring import services
    from tests.scoring.conftest import scored_cycle

    cycle = scored_cycle(
        list(Region.objects.values_list("code", flat=True)), name="Bench"
    )
    from dashboards import services as dashboards

    release = services.publish(cycle=cycle, final=False)
    # What the worker does right after publication (scoring.tasks.render_release).
    rendered = dashboards.render_release(release)
    codes = sorted(dashboards.regions_in(release))
    urls = {
        "scores": f"/api/v1/releases/{release.pk}/scores/?page_size=1000",
        "dashboard": "/dashboard/data/",
        "scorecard": f"/regions/{codes[0]}/scorecard/data/",
    }
    client = Client(HTTP_HOST="127.0.0.1")
    for name, url in urls.items():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        (workdir / f"{name}.body").write_bytes(response.content)
    (workdir / "setup.json").write_text(
        json.dumps({"urls": urls, "codes": codes, "render": rendered})
    )


def load(port: int, path: str | list[str]) -> dict[str, float]:
    paths = [path] if isinstance(path, str) else path
    latencies: list[float] = []
    reconnects = [0]
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    stop = time.perf_counter() + SECONDS

    def client(seed: int) -> None:
        rng = random.Random(seed)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine = []
        while time.perf_counter() < stop:
            started = time.perf_counter()
            try:
                here = paths[0] if len(paths) == 1 else rng.choice(paths)
                connection.request("GET", here, headers={"Host": "127.0.0.1"})
                response = connection.getresponse()
                response.read()
                ok = response.status == 200
                if not ok:
                    with lock:
                        statuses[response.status] = statuses.get(response.status, 0) + 1
            except (OSError, http.client.HTTPException):
                # The worker restarted (max_requests) and closed the keep-alive
                # connection: reconnect, as any HTTP client does.
                ok = False
                with lock:
                    reconnects[0] += 1
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            if ok:
                mine.append(time.perf_counter() - started)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    if not latencies:
        raise SystemExit(
            f"no successful request to {paths[0]}: {statuses}, reconnects {reconnects[0]}"
        )
    return {
        "rps": len(latencies) / elapsed,
        "p50": statistics.median(latencies) * 1000,
        "p95": latencies[int(len(latencies) * 0.95)] * 1000,
        "reconnects": reconnects[0],
        "statuses": statuses,
    }


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="smartcity-api-bench-") as directory:
        workdir = Path(directory)
        env = environment(workdir)
        if os.environ.get("REDIS_URL"):
            import redis

            redis.Redis.from_url(os.environ["REDIS_URL"].rstrip("/") + "/13").flushdb()
        subprocess.run(
            [sys.executable, __file__, "--prepare", directory],
            cwd=ROOT,
            env=env,
            check=True,
        )
        port = 19000 + secrets.randbelow(1000)
        server = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "smartcity.wsgi",
                "-c",
                "gunicorn.conf.py",
                "--bind",
                f"127.0.0.1:{port}",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=(workdir / "gunicorn.log").open("w"),
        )
        try:
            for _ in range(100):
                try:
                    connection = http.client.HTTPConnection(
                        "127.0.0.1", port, timeout=5
                    )
                    connection.request("GET", "/healthz", headers={"Host": "127.0.0.1"})
                    connection.getresponse().read()
                    break
                except OSError:
                    time.sleep(0.2)
            setup = json.loads((workdir / "setup.json").read_text())
            urls, codes = setup["urls"], setup["codes"]
            size = (workdir / "scores.body").stat().st_size
            # Before any scorecard request: each region's first, one client.
            cold_codes = random.Random(2017).sample(
                codes, min(COLD_REGIONS, len(codes))
            )
            cold = [
                first_request(port, f"/regions/{c}/scorecard/data/") for c in cold_codes
            ]
            cards = [f"/regions/{code}/scorecard/data/" for code in codes]
            load(port, urls["scores"])  # warm-up of the workers
            rows = {
                "scores ceiling": load(port, "/bench/ceiling/scores/"),
                "GET .../scores/": load(port, urls["scores"]),
                "dashboard ceiling": load(port, "/bench/ceiling/dashboard/"),
                "GET /dashboard/data/": load(port, urls["dashboard"]),
                "scorecard ceiling": load(port, "/bench/ceiling/scorecard/"),
                "GET .../scorecard/data/": load(port, cards),
            }
        finally:
            server.terminate()
            server.wait(timeout=30)
    ratios = {
        "scores_ratio": rows["GET .../scores/"]["rps"] / rows["scores ceiling"]["rps"],
        "dashboard_warm_ratio": rows["GET /dashboard/data/"]["rps"]
        / rows["dashboard ceiling"]["rps"],
        "scorecard_warm_ratio": rows["GET .../scorecard/data/"]["rps"]
        / rows["scorecard ceiling"]["rps"],
    }
    print(
        f"\n== Published data: {len(codes)} regions, {CLIENTS} clients, {SECONDS} s"
        " each, gunicorn.conf.py; each endpoint after its ceiling (a bare view"
        " returning the same bytes from memory)"
    )
    print(
        f"{'worker render':<28}{setup['render']['seconds']:>8.1f} s for"
        f" {setup['render']['parts']} parts ({setup['render']['regions']} regions,"
        " both languages: every scorecard, 6 dashboard filters, the score rows)"
    )
    for name, row in rows.items():
        print(
            f"{name:<28}{row['rps']:>8.0f} req/s   p50 {row['p50']:>6.1f} ms   p95 {row['p95']:>6.1f} ms   not 200: {row['statuses'] or 0}   reconnects {row['reconnects']}"
        )
    print(
        f"{'scores ratio':<28}{ratios['scores_ratio']:>8.2f}   target >= 0.5   ({size / 1024:.0f} KB)"
    )
    print(
        f"{'dashboard_warm_ratio':<28}{ratios['dashboard_warm_ratio']:>8.2f}   target >= 0.5"
    )
    print(
        f"{'scorecard_warm_ratio':<28}{ratios['scorecard_warm_ratio']:>8.2f}   target >= 0.5"
    )
    print(
        f"{'scorecard_cold_ms':<28}{statistics.median(cold):>8.1f}   median of"
        f" {len(cold)} regions' first requests (max {max(cold):.1f} ms); a few ms"
    )
    figures = {
        **{name: round(value, 2) for name, value in ratios.items()},
        "scorecard_cold_ms": round(statistics.median(cold), 1),
        "render_release_s": round(setup["render"]["seconds"], 1),
    }
    path = ROOT / "bench" / "last.json"
    known = json.loads(path.read_text()) if path.exists() else {}
    path.write_text(json.dumps(known | figures, indent=2, sort_keys=True) + "\n")
    print("written to bench/last.json")


def first_request(port: int, path: str) -> float:
    """One request on a fresh connection, in milliseconds."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    started = time.perf_counter()
    connection.request("GET", path, headers={"Host": "127.0.0.1"})
    response = connection.getresponse()
    response.read()
    elapsed = (time.perf_counter() - started) * 1000
    connection.close()
    if response.status != 200:
        raise SystemExit(f"{path} answered {response.status}")
    return elapsed


if __name__ == "__main__":
    if "--prepare" in sys.argv:
        prepare(Path(sys.argv[-1]))
    else:
        main()
