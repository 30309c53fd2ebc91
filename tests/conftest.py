"""Shared fixtures and the rules for tests that need real services.

Under CI (CI=true) the suite must run on PostgreSQL and Redis: a test that needs
a missing service fails instead of skipping. Locally, without DATABASE_URL or
REDIS_URL, such tests skip with the reason.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation
from pytest_django import DjangoDbBlocker
from pytest_django.fixtures import Settings

from accounts.models import Role
from accounts.services import create_user
from assessments import services as assessment_services
from regions import services as region_services

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


@pytest.fixture
def redis_worker(settings: Settings) -> Iterator[object]:
    """A real Celery worker consuming from Redis (its own DB number), in a thread.

    Use with transactional tests: the worker's thread has its own connection and
    sees only committed rows.
    """
    from celery.contrib.testing.worker import start_worker

    from smartcity.celery import app as celery_app

    broker = settings.REDIS_URL.rstrip("/") + "/14"
    previous = celery_app.conf.broker_url, celery_app.conf.task_always_eager
    celery_app.conf.broker_url = broker
    celery_app.conf.task_always_eager = False
    try:
        with start_worker(
            celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10
        ):
            yield celery_app
    finally:
        celery_app.conf.broker_url, celery_app.conf.task_always_eager = previous


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
def english_messages() -> Iterator[None]:
    """Messages in English, for tests that match message text."""
    with translation.override("en"):
        yield


@pytest.fixture
def english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client
