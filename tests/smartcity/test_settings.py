"""The settings module read in fresh processes with chosen environments."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRINT_SETTINGS = (
    "import json, django; from django.conf import settings; django.setup(); "
    "print(json.dumps({'engine': settings.DATABASES['default']['ENGINE'], "
    "'broker': settings.CELERY_BROKER_URL, "
    "'cache': settings.CACHES['default']['BACKEND'], "
    "'cache_location': settings.CACHES['default'].get('LOCATION', ''), "
    "'eager': getattr(settings, 'CELERY_TASK_ALWAYS_EAGER', False)}))"
)


def run_settings(**env: str) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DEBUG")
    }
    clean["DJANGO_SETTINGS_MODULE"] = "smartcity.settings"
    clean["ENV_FILE"] = "/dev/null"  # a developer's .env must not leak in
    clean["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [sys.executable, "-c", PRINT_SETTINGS],
        env={**clean, **env},
        cwd="/",
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_refuses_to_start_without_secret_key():
    result = run_settings(DEBUG="False")

    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_without_database_and_redis_urls_the_demo_runs_on_sqlite_with_eager_tasks():
    result = run_settings(DEBUG="True")

    settings = json.loads(result.stdout)
    assert settings["engine"] == "django.db.backends.sqlite3"
    assert settings["eager"] is True
    assert settings["cache"].endswith("LocMemCache")


def test_with_urls_it_uses_postgresql_and_separate_redis_databases():
    result = run_settings(
        SECRET_KEY="x" * 50,
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/smartcity",
        REDIS_URL="redis://127.0.0.1:6379",
    )

    settings = json.loads(result.stdout)
    assert settings["engine"] == "django.db.backends.postgresql"
    assert settings["broker"] == "redis://127.0.0.1:6379/0"
    assert settings["cache_location"] == "redis://127.0.0.1:6379/1"
    assert settings["eager"] is False


def test_settings_refuse_a_trusted_proxy_that_is_not_an_address():
    result = run_settings(
        DEBUG="False", SECRET_KEY="x" * 50, TRUSTED_PROXIES="10.0.0.1,nginx"
    )
    assert result.returncode != 0
    assert "TRUSTED_PROXIES: 'nginx' is not an IP address" in result.stderr


def test_sqlite_writers_queue_at_begin_with_wal(tmp_path: Path):
    show = (
        "import django; from django.conf import settings; django.setup(); "
        "from django.db import connection; c = connection.cursor(); "
        "c.execute('PRAGMA journal_mode'); "
        "print(connection.transaction_mode, c.fetchone()[0])"
    )
    clean = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL",)}
    result = subprocess.run(
        [sys.executable, "-c", show],
        env={
            **clean,
            "DJANGO_SETTINGS_MODULE": "smartcity.settings",
            "ENV_FILE": "/dev/null",
            "PYTHONPATH": str(ROOT),
            "DEBUG": "True",
            "SECRET_KEY": "x" * 50,
            "DATABASE_URL": f"sqlite:///{tmp_path}/demo.sqlite3",
        },
        cwd="/",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.split() == ["IMMEDIATE", "wal"], result.stderr
