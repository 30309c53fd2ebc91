"""`make bench`, part 3: GET /api/v1/releases/<id>/scores/ (all 514 regions)
under gunicorn with 16 concurrent clients, side by side with a bare Django view
returning the same bytes from memory (the ceiling). Target: at least 50% of the
ceiling's throughput. Own SQLite database in a temporary directory."""

from __future__ import annotations

import http.client
import os
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
        "BENCH_BODY": str(workdir / "body.json"),
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
    release = services.publish(cycle=cycle, final=False)
    url = f"/api/v1/releases/{release.pk}/scores/?page_size=1000"
    response = Client(HTTP_HOST="127.0.0.1").get(url)
    assert response.status_code == 200, response.status_code
    (workdir / "body.json").write_bytes(response.content)
    (workdir / "url").write_text(url)


def load(port: int, path: str) -> dict[str, float]:
    latencies: list[float] = []
    reconnects = [0]
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    stop = time.perf_counter() + SECONDS

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine = []
        while time.perf_counter() < stop:
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers={"Host": "127.0.0.1"})
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

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    if not latencies:
        raise SystemExit(
            f"no successful request to {path}: {statuses}, reconnects {reconnects[0]}"
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
            api = (workdir / "url").read_text()
            size = (workdir / "body.json").stat().st_size
            load(port, api)  # warm-up of both
            ceiling = load(port, "/bench/ceiling/")
            scores = load(port, api)
        finally:
            server.terminate()
            server.wait(timeout=30)
    print(
        f"\n== API: 514 regions' scores ({size / 1024:.0f} KB), {CLIENTS} clients, {SECONDS} s each, gunicorn.conf.py"
    )
    for name, row in (("bare view (ceiling)", ceiling), ("GET .../scores/", scores)):
        print(
            f"{name:<28}{row['rps']:>8.0f} req/s   p50 {row['p50']:>6.1f} ms   p95 {row['p95']:>6.1f} ms   not 200: {row['statuses'] or 0}   reconnects {row['reconnects']}"
        )
    print(
        f"{'share of the ceiling':<28}{scores['rps'] / ceiling['rps']:>8.0%}   target >= 50%"
    )


if __name__ == "__main__":
    if "--prepare" in sys.argv:
        prepare(Path(sys.argv[-1]))
    else:
        main()
