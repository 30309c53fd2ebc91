"""`make bench`, part 4: the national dashboard's data for all 514 regions.

Server time of GET /dashboard/data/ with a cold cache (the worker's render
missing: release read, joined with the registry, every chart built) and a
warm one (pre-rendered bytes; targets: under 1 s cold, under 300 ms warm), and what the page transfers without plotly.js: the HTML,
stylesheet, script, base map and chart data, raw and gzip-compressed (as
WhiteNoise serves the static files). Own SQLite database in a temporary
directory; the cache is Redis when REDIS_URL is set, as in production.
"""

from __future__ import annotations

import gzip
import os
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
COLD_RUNS = 5
WARM_RUNS = 20


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="smartcity-dashboard-bench-") as workdir:
        os.environ.update(
            {
                "ENV_FILE": "/dev/null",
                "DEBUG": "False",
                "SECRET_KEY": secrets.token_urlsafe(50),
                "ALLOWED_HOSTS": "127.0.0.1",
                "SECURE_SSL_REDIRECT": "False",
                "DATABASE_URL": f"sqlite:///{workdir}/dashboard.sqlite3",
                "MEDIA_ROOT": f"{workdir}/media",
                "STATIC_ROOT": f"{workdir}/static",
                "LOG_LEVEL": "WARNING",
                "DJANGO_SETTINGS_MODULE": "smartcity.settings",
            }
        )
        if os.environ.get("REDIS_URL"):
            os.environ["REDIS_CACHE_DB"] = os.environ["REDIS_BROKER_DB"] = "12"
        import django

        django.setup()
        from django.core.cache import cache
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
        services.publish(cycle=cycle, final=False)
        client = Client(HTTP_HOST="127.0.0.1")
        url = "/dashboard/data/"

        from dashboards.services import published

        def timed(clear: bool) -> float:
            if clear:  # the shared cache and this process's copies
                cache.clear()
                published.NEAR.clear()
            started = time.perf_counter()
            response = client.get(url)
            elapsed = time.perf_counter() - started
            assert response.status_code == 200, response.status_code
            return elapsed * 1000

        timed(True)  # imports, first queries
        cold = [timed(True) for _ in range(COLD_RUNS)]
        warm = [timed(False) for _ in range(WARM_RUNS)]
        data = client.get(url).content

        page = client.get("/dashboard/")
        html = page.content
        static_root = Path(os.environ["STATIC_ROOT"])
        parts = {"page (HTML)": html, "chart data (JSON)": data}
        for name, path in (
            ("stylesheet", "css/app.css"),
            ("charts.js", "js/charts.js"),
            ("base map", "vendor/basemap/indonesia.json"),
        ):
            parts[name] = (static_root / path).read_bytes()
        plotly = (static_root / "vendor/plotly/plotly.min.js").read_bytes()
        if os.environ.get("REDIS_URL"):
            cache.clear()

    print("\n== Dashboard: national data for 514 regions (GET /dashboard/data/)")
    print(
        f"{'cold cache (built)':<28}median {statistics.median(cold):>7.1f} ms   "
        f"best {min(cold):>7.1f} ms   target < 1000 ms"
    )
    print(
        f"{'warm cache':<28}median {statistics.median(warm):>7.1f} ms   "
        f"best {min(warm):>7.1f} ms   target < 300 ms"
    )
    print(
        f"{'cold / warm':<28}{statistics.median(cold) / statistics.median(warm):>7.1f} x"
    )
    print("\n== Dashboard page transfer, without plotly.js (raw / gzip)")
    raw_total = zipped_total = 0
    for name, body in parts.items():
        zipped = len(gzip.compress(body, 6))
        raw_total += len(body)
        zipped_total += zipped
        print(f"{name:<28}{len(body) / 1024:>8.1f} KB / {zipped / 1024:>7.1f} KB")
    print(f"{'total':<28}{raw_total / 1024:>8.1f} KB / {zipped_total / 1024:>7.1f} KB")
    print(
        f"{'(plotly.js, cached long)':<28}{len(plotly) / 1024:>8.1f} KB / "
        f"{len(gzip.compress(plotly, 6)) / 1024:>7.1f} KB"
    )


if __name__ == "__main__":
    main()
