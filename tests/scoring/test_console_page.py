"""The scoring console as an admin reads it (issue 17): who asked for each run,
band names instead of codes, and coverage as a percentage."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from accounts.models import Role
from accounts.services import create_user
from assessments.models import Band
from scoring import services
from scoring.models import RegionResult, ScoreRun

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client() -> Client:
    admin = create_user(username="admin", password="pw-a-1", role=Role.ADMIN)
    client = Client()
    client.force_login(admin)
    return client


def _runs_table(page: str) -> str:
    start = page.index("<tbody>")
    return page[start : page.index("</tbody>", start)]


def _results_table(page: str) -> str:
    start = page.rindex("<tbody>")
    return page[start : page.index("</tbody>", start)]


def test_who_asked_for_each_run_is_said_in_words(small_cycle, admin_client):
    for reason in (
        "admin admin",
        "review 36.74",
        "reopened 36.71",
        "consensus 36.74 1.1.1",
        "appeal 36.74 1.1.1",
        "nightly",
        "recompute_scores",
    ):
        ScoreRun.objects.create(
            cycle=small_cycle, reason=reason, status=ScoreRun.Status.DONE
        )
    table = _runs_table(admin_client.get(reverse("scoring:console")).content.decode())
    assert "admin admin" not in table
    assert "review 36.74" not in table
    assert "admin, dari konsol" in table
    assert "Penilaian diserahkan: Kota Tangerang Selatan" in table
    assert "Penilaian dibuka kembali: Kota Tangerang" in table
    assert "Level konsensus: Kota Tangerang Selatan, 1.1.1" in table
    assert "Keputusan banding: Kota Tangerang Selatan, 1.1.1" in table
    assert "Pemeriksaan malam hari" in table
    assert "Perintah recompute_scores" in table


def test_who_asked_follows_the_english_switch(small_cycle, admin_client):
    ScoreRun.objects.create(
        cycle=small_cycle, reason="review 36.74", status=ScoreRun.Status.DONE
    )
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    table = _runs_table(admin_client.get(reverse("scoring:console")).content.decode())
    assert "Review submitted: Kota Tangerang Selatan" in table


def test_computed_results_show_band_names_and_coverage_in_percent(
    small_cycle, admin_client
):
    services.recompute_now(small_cycle)
    result = RegionResult.objects.filter(cycle=small_cycle).exclude(band="").first()
    band = Band.objects.get(framework=small_cycle.framework, code=result.band)
    percent = f"{round(result.coverage * 100)}%"

    table = _results_table(
        admin_client.get(reverse("scoring:console")).content.decode()
    )

    row = next(r for r in table.split("<tr>") if result.region.name in r)
    assert f"<td>{band.name}" in row
    assert f"<td>{result.band}" not in row
    assert re.search(rf">{percent}</td>", row), row


def test_coverage_below_full_and_missing_read_as_percent_and_dash(
    small_cycle, admin_client
):
    services.recompute_now(small_cycle)
    RegionResult.objects.filter(cycle=small_cycle, region_id="36.74").update(
        coverage="0.5"
    )
    RegionResult.objects.filter(cycle=small_cycle, region_id="36.71").update(
        coverage=None
    )
    table = _results_table(
        admin_client.get(reverse("scoring:console")).content.decode()
    )
    rows = {
        name: row
        for row in table.split("<tr>")
        for name in ("Kota Tangerang Selatan", "Kota Tangerang")
        if f"<td>{name}</td>" in row
    }
    assert '<td class="num">50%</td>' in rows["Kota Tangerang Selatan"]
    assert '<td class="num">\u2013</td>' in rows["Kota Tangerang"]
    assert '<td class="num">%</td>' not in table
