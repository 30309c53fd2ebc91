"""`make bench`, page weight: what a browser downloads for the national
dashboard (514 regions) and how long until its first chart is drawn, on a
desktop (1366x768) and a phone (390x844), with an empty cache.

The app runs as in production: DEBUG off, static files collected and served
by WhiteNoise (brotli and gzip copies made by collectstatic), on a loopback
port, own SQLite database in a temporary directory. Chromium (/usr/bin/chromium
through Playwright) reports the bytes as encoded on the wire, headers
included. The figures are merged into bench/last.json.
"""

from __future__ import annotations

import gzip
import json
import os
import secrets
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SIZES = {"desktop": (1366, 768), "phone": (390, 844)}


def record(values: dict[str, float]) -> None:
    """Merge these numbers into bench/last.json (other benches write there too)."""
    path = ROOT / "bench" / "last.json"
    current = json.loads(path.read_text()) if path.exists() else {}
    current.update(values)
    path.write_text(json.dumps(current, indent=2, sort_keys=True) + "\n")


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="smartcity-weight-bench-") as workdir:
        os.environ.update(
            {
                "ENV_FILE": "/dev/null",
                "DEBUG": "False",
                "SECRET_KEY": secrets.token_urlsafe(50),
                "ALLOWED_HOSTS": "127.0.0.1",
                "SECURE_SSL_REDIRECT": "False",
                "DATABASE_URL": f"sqlite:///{workdir}/weight.sqlite3",
                "MEDIA_ROOT": f"{workdir}/media",
                "STATIC_ROOT": f"{workdir}/static",
                "LOG_LEVEL": "WARNING",
                "DJANGO_SETTINGS_MODULE": "smartcity.settings",
            }
        )
        os.environ.pop("REDIS_URL", None)  # local-memory cache; no worker needed
        import django

        django.setup()
        from django.core.management import call_command
        from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
        from django.core.wsgi import get_wsgi_application

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

        class Quiet(WSGIRequestHandler):
            def log_message(self, *args) -> None:
                pass

        server = ThreadedWSGIServer(("127.0.0.1", 0), Quiet)
        server.set_app(get_wsgi_application())
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}"
        full = Path(workdir, "static", "vendor", "plotly", "plotly.min.js").read_bytes()
        try:
            results = measure_all(base)
        finally:
            server.shutdown()

    values: dict[str, float] = {}
    for size, weight in results.items():
        print(f"\n== Dashboard page weight, {size} (empty cache, as sent on the wire)")
        print("\n".join(weight.lines()))
        values[f"dashboard_{size}_transfer_kb"] = round(weight.total / 1024, 1)
        values[f"dashboard_{size}_first_chart_ms"] = round(weight.first_chart_ms)
    values["dashboard_plotly_transfer_kb"] = round(
        results["desktop"].of("/vendor/plotly/") / 1024, 1
    )
    print(
        f"\n(the full plotly.js bundle: {len(full) / 1024:.0f} KB, "
        f"{len(gzip.compress(full, 6)) / 1024:.0f} KB gzip)"
    )
    record(values)


def measure_all(base: str) -> dict[str, object]:
    from playwright.sync_api import sync_playwright

    from tests.e2e.page_weight import measure

    results = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--disable-dev-shm-usage", "--disable-background-networking"],
        )
        for size, (width, height) in SIZES.items():
            context = browser.new_context(viewport={"width": width, "height": height})
            measure(context, base + "/dashboard/", charts=5)  # server warm-up
            results[size] = measure(context, base + "/dashboard/", charts=5)
            context.close()
        browser.close()
    return results


if __name__ == "__main__":
    main()
