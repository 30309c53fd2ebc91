"""Constants of the load test and the environment of its servers."""

from __future__ import annotations

import http.client
import os
import re
import secrets
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent
REDIS_DB = 11
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/postgres"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379"
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
READER_PROCESSES = 2
PAGE_SIZE = 50  # api.pagination.Pages
OPERATIONS = (
    "autosave",
    "scores: release",
    "scores: cycle",
    "dashboard data",
    "scorecard data",
)
# The readers' mix: mostly the API's scores, some dashboard and scorecard data.
READER_MIX = (
    ("scores: release", 0.40),
    ("scores: cycle", 0.35),
    ("dashboard data", 0.10),
    ("scorecard data", 0.15),
)
DASHBOARD_FILTERS = ("", "", "", "?cohort=2017", "?cohort=2018", "?kind=kota")
REVALIDATE = 0.3  # share of repeated requests sent with If-None-Match
FAILURES = (OSError, http.client.HTTPException)  # includes timeouts
CPU_USERS = (
    "gunicorn",
    "gunicorn (writes)",
    "postgres",
    "redis-server",
    "nginx",
    "Celery worker",
    "clients",
)
# What a browser reads from the pages' forms.
TOKEN_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
VERSION_FIELD = re.compile(r'name="version" value="(\d+)" id="review-version"')
COMMENT_FIELDS = re.compile(r'name="comment-(\d+)"')  # one per indicator


def environment(database_url: str, redis_url: str, workdir: Path) -> dict[str, str]:
    """Production settings (DEBUG off) for gunicorn, the worker and setup."""
    return {
        **os.environ,
        "ENV_FILE": "/dev/null",
        "DJANGO_SETTINGS_MODULE": "smartcity.settings",
        "DEBUG": "False",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        # Plain HTTP on loopback: no TLS proxy in front, so no HTTPS redirect,
        # and the cookies must not be Secure-only or no client sends them back.
        "SECURE_SSL_REDIRECT": "False",
        "SESSION_COOKIE_SECURE": "False",
        "CSRF_COOKIE_SECURE": "False",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "REDIS_CACHE_DB": str(REDIS_DB),
        "REDIS_BROKER_DB": str(REDIS_DB),
        # The throttles stay on (their state in Redis is part of the load), but
        # all 150 clients come from one loopback address, which the throttle
        # counts as one client: a limit meant for one client would refuse them.
        # A one-second window keeps each address's history short.
        "API_ANON_RATE": "100000000/s",
        "API_USER_RATE": "100000000/s",
        "EMAIL_URL": "consolemail://",  # assignment e-mails go to the worker's log
        "MEDIA_ROOT": str(workdir / "media"),
        "STATIC_ROOT": str(workdir / "static"),
        "LOG_LEVEL": "WARNING",
    }
