"""Shared fixtures and the rules for tests that need real services.

Under CI (CI=true) the suite must run on PostgreSQL and Redis: a test that needs
a missing service fails instead of skipping. Locally, without DATABASE_URL or
REDIS_URL, such tests skip with the reason.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone, translation
from pytest_django import DjangoDbBlocker
from pytest_django.fixtures import Settings

from accounts.models import Role
from accounts.services import create_user
from assessments import services as assessment_services
from assessments.models import Cycle, FrameworkVersion
from regions import services as region_services
from regions.models import Region
from submissions import services
from submissions.models import Submission
from tests.submissions import samples

UNDER_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
CHROMIUM = "/usr/bin/chromium"


def pytest_configure(config: pytest.Config) -> None:
    if UNDER_CI and not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise pytest.UsageError("CI must run the suite on PostgreSQL: set DATABASE_URL")
    if UNDER_CI and not os.environ.get("REDIS_URL"):
        raise pytest.UsageError("CI must run the suite with Redis: set REDIS_URL")


def _missing(item: pytest.Item) -> str | None:
    if item.get_closest_marker("requires_postgres") and (
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql"
    ):
        return "needs PostgreSQL (DATABASE_URL)"
    if item.get_closest_marker("requires_redis") and not settings.REDIS_URL:
        return "needs Redis (REDIS_URL)"
    if item.get_closest_marker("e2e") and not shutil.which(CHROMIUM):
        return f"needs Debian's chromium at {CHROMIUM}"
    return None


def pytest_runtest_setup(item: pytest.Item) -> None:
    reason = _missing(item)
    if reason is None:
        return
    if UNDER_CI:
        pytest.fail(f"{reason}: required under CI", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _test_settings(settings: Settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Manifest storage needs collectstatic; tests serve the source files.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }
    settings.SECURE_SSL_REDIRECT = False


def load_reference_data() -> None:
    """The shipped region registry and default framework (idempotent)."""
    region_services.load_registry(files=region_services.RegistryFiles())
    assessment_services.load_framework(path=assessment_services.DEFAULT_FRAMEWORK)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> None:
    """Load the real registry and framework once; tests roll back around them.

    Transactional tests (which flush the tables afterwards) run after all others
    (pytest-django orders them so) and load what they need with `committed_data`.
    """
    with django_db_blocker.unblock():
        load_reference_data()


@contextmanager
def _celery_conf(**values: object) -> Iterator[None]:
    """Celery reads its settings once, so tests change the app's conf."""
    from smartcity.celery import app as celery_app

    previous = {key: celery_app.conf[key] for key in values}
    celery_app.conf.update(values)
    _forget_connections(celery_app)
    try:
        yield
    finally:
        celery_app.conf.update(previous)
        _forget_connections(celery_app)


def _forget_connections(celery_app) -> None:
    """The app keeps its broker connection and producer pools once a task was
    sent: without this, a test on another broker URL (the `redis_worker`'s own
    DB number) would send its tasks to the first URL, where no worker listens."""
    celery_app._pool = None  # kombu keeps the pools per URL: dropped, not closed
    celery_app.amqp._producer_pool = None


@pytest.fixture(autouse=True)
def celery_in_process() -> Iterator[None]:
    """Every test starts in one Celery mode, whatever REDIS_URL says: a task
    called with delay() runs at once in the test's process and its errors
    propagate (what the settings give without Redis). Tests that need another
    mode ask for it: `celery_retries_in_process`, `redis_worker`."""
    with _celery_conf(task_always_eager=True, task_eager_propagates=True):
        yield


@pytest.fixture
def celery_retries_in_process(celery_in_process: None) -> Iterator[None]:
    """task.apply() runs a task's whole retry chain in-process (each retry at
    once instead of after its backoff): errors do not propagate, so a retry
    does not end the chain and the result records how it ended."""
    with _celery_conf(task_eager_propagates=False):
        yield


@pytest.fixture
def redis_worker(settings: Settings, celery_in_process: None) -> Iterator[object]:
    """A real Celery worker consuming from Redis (its own DB number), in a thread.

    Use with transactional tests: the worker's thread has its own connection and
    sees only committed rows.
    """
    from celery.contrib.testing.worker import start_worker

    from smartcity.celery import app as celery_app

    broker = settings.REDIS_URL.rstrip("/") + "/14"
    with (
        _celery_conf(broker_url=broker, task_always_eager=False),
        start_worker(
            celery_app,
            pool="solo",
            perform_ping_check=False,
            shutdown_timeout=10,
            # The default queue and the explorer's (settings.CELERY_TASK_ROUTES).
            queues=["celery", settings.EXPLORER_QUEUE],
        ),
    ):
        yield celery_app


@pytest.fixture
def committed_data(transactional_db: None) -> None:
    load_reference_data()


@pytest.fixture
def official(db: None) -> object:
    from regions.models import Region

    return create_user(
        username="official-3674",
        password="pw-official-1",
        role=Role.OFFICIAL,
        region=Region.objects.get(code="36.74"),
    )


@pytest.fixture
def queries_of():
    """Count the queries a call makes. Django empties its query log when a
    request starts, so the count starts from an empty log."""
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    def count(call) -> int:
        reset_queries()
        with CaptureQueriesContext(connection) as context:
            call()
        return len(context.captured_queries)

    return count


@pytest.fixture
def english_messages() -> Iterator[None]:
    """Messages in English, for tests that match message text."""
    with translation.override("en"):
        yield


@pytest.fixture
def english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


# Shared by the submissions and reviews tests -------------------------------

TANGSEL, TANGERANG = "36.74", "36.71"
MASTERPLAN_PAGES = [
    "Masterplan Smart City Kota Tangerang Selatan",
    "BAB II Analisis Kondisi Saat Ini",
    "Visi dan Misi",
]


@pytest.fixture(autouse=True)
def media(settings, tmp_path: Path) -> Path:
    """Uploads and their temporary files go to this test's own folders."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "upload-tmp")
    (tmp_path / "upload-tmp").mkdir()
    return settings.MEDIA_ROOT


@pytest.fixture
def cycle(db) -> Cycle:
    now = timezone.now()
    return assessment_services.create_cycle(
        year=2017,
        name="Test cycle 2017",
        framework=FrameworkVersion.objects.get(code="GM100SC-2017"),
        submissions_open=now - timedelta(days=1),
        submissions_close=now + timedelta(days=10),
        reviews_close=now + timedelta(days=20),
        appeals_close=now + timedelta(days=30),
        region_codes=[TANGSEL, TANGERANG],
    )


@pytest.fixture
def other_official(db):
    return create_user(
        username="official-3671",
        password="pw-official-2",
        role=Role.OFFICIAL,
        region=Region.objects.get(code=TANGERANG),
    )


@pytest.fixture
def reviewer(db):
    return create_user(username="reviewer-a", password="pw-r", role=Role.REVIEWER)


@pytest.fixture
def admin_user(db):
    return create_user(username="admin-a", password="pw-a", role=Role.ADMIN)


@pytest.fixture
def submission(cycle, official) -> Submission:
    return services.workspace_for(official, cycle)


@pytest.fixture
def other_submission(cycle, other_official) -> Submission:
    return services.workspace_for(other_official, cycle)


@pytest.fixture
def masterplan_pdf(tmp_path: Path) -> Path:
    return samples.good_pdf(tmp_path / "masterplan.pdf", pages=MASTERPLAN_PAGES)
