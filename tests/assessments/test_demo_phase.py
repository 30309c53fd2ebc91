"""The demo cycle's phase says what it is (issue 17): submissions stay open to
try the form while its reviews are in and results published."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from assessments.models import Cycle
from scoring import services
from tests.scoring.conftest import scored_cycle

pytestmark = pytest.mark.django_db
DEMO_TEXT = "Demo: pengajuan masih dibuka, penilaian masuk, hasil diterbitkan"


def _demo(published: bool) -> Cycle:
    cycle = scored_cycle(["36.71", "36.74", "32.73"], name="Demo 2017")
    Cycle.objects.filter(pk=cycle.pk).update(is_demo=True)
    cycle.refresh_from_db()
    if published:
        services.publish(cycle=cycle, final=False)
    return cycle


def test_a_published_demo_cycle_does_not_claim_only_submissions_are_open():
    cycle = _demo(published=True)
    assert cycle.phase == Cycle.Phase.SUBMISSIONS  # the deadlines are unchanged
    assert cycle.get_phase_display() == DEMO_TEXT
    page = Client().get("/").content.decode()
    assert DEMO_TEXT in page
    assert '<span class="badge">Pengumpulan dibuka</span>' not in page


def test_in_english_too():
    _demo(published=True)
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get("/").content.decode()
    assert "Demo: submissions still open, reviews in, results published" in page


def test_a_demo_cycle_without_results_and_a_real_cycle_keep_the_phase():
    cycle = _demo(published=False)
    assert cycle.get_phase_display() == "Pengumpulan dibuka"
    Cycle.objects.filter(pk=cycle.pk).update(is_demo=False)
    services.publish(cycle=cycle, final=False)
    cycle.refresh_from_db()
    assert cycle.get_phase_display() == "Pengumpulan dibuka"
