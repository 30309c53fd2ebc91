import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone

from accounts import tasks


def make_sessions() -> None:
    now = timezone.now()
    Session.objects.create(
        session_key="expired", session_data="", expire_date=now - timedelta(days=1)
    )
    Session.objects.create(
        session_key="current", session_data="", expire_date=now + timedelta(days=1)
    )


@pytest.mark.django_db
def test_clear_expired_sessions_keeps_current_ones():
    make_sessions()

    assert tasks.clear_expired_sessions() == 1
    assert list(Session.objects.values_list("session_key", flat=True)) == ["current"]


@pytest.mark.requires_postgres
@pytest.mark.requires_redis
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_on_redis_runs_the_task_against_postgresql(redis_worker):
    make_sessions()
    assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"

    tasks.clear_expired_sessions.delay()

    # No result backend: the effect in PostgreSQL is the proof (bounded wait).
    deadline = time.monotonic() + 30
    while Session.objects.filter(session_key="expired").exists():
        assert time.monotonic() < deadline, "the worker did not run the task in 30 s"
        time.sleep(0.2)
    assert list(Session.objects.values_list("session_key", flat=True)) == ["current"]
