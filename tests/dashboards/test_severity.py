"""Reviewer severity on the admins' console (templates/scoring/_severity.html),
read from the latest run's stats["severity"] (issue 14)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from accounts.models import Role
from accounts.services import create_user
from scoring import services
from scoring.models import ScoreRun
from tests.scoring.conftest import codes, scored_cycle

pytestmark = pytest.mark.django_db


def _with_severity() -> list[User]:
    cycle = scored_cycle(codes(5), name="Severity 2017")
    run = services.recompute_now(cycle)
    reviewers = list(
        User.objects.filter(reviews__cycle=cycle).distinct().order_by("pk")[:2]
    )
    assert len(reviewers) == 2
    stats = dict(run.stats)
    stats["severity"] = [
        {
            "reviewer": reviewers[0].pk,
            "severity": 0.31,
            "low": 0.12,
            "high": 0.5,
            "n": 265,
        },
        {
            "reviewer": reviewers[1].pk,
            "severity": -0.42,
            "low": -0.6,
            "high": -0.2,
            "n": 159,
        },
    ]
    ScoreRun.objects.filter(pk=run.pk).update(stats=stats)
    return reviewers


@pytest.mark.parametrize(
    ("language", "title", "interval"),
    [
        ("id", "Selang 90%", "0,12 \u2013 0,50"),
        ("en", "90% interval", "0.12 \u2013 0.50"),
    ],
)
def test_admins_see_each_reviewers_severity_strictest_first(language, title, interval):
    lenient, strict = _with_severity()
    admin = create_user(username="admin-sev", password="pw-a-1", role=Role.ADMIN)
    client = Client()
    client.cookies["django_language"] = language
    client.force_login(admin)
    page = client.get(reverse("scoring:console")).content.decode()
    assert title in page
    assert ("Keketatan penilai" if language == "id" else "Reviewer severity") in page
    section = page[page.index('id="severity"') :]
    section = section[: section.index("</section>")]
    assert interval in section
    assert ">265<" in section
    assert section.index(f">{strict.username}<") < section.index(
        f">{lenient.username}<"
    )


def test_severity_is_for_admins_only():
    _with_severity()
    reviewer = create_user(username="rev-sev", password="pw-r-1", role=Role.REVIEWER)
    client = Client()
    client.force_login(reviewer)
    assert client.get(reverse("scoring:console")).status_code == 404
    # Nor is it in anything public.
    assert "severity" not in Client().get(reverse("scoring:results")).content.decode()
