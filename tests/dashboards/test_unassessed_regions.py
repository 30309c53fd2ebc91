"""Regions a release has not assessed (issue 17): no scorecard button that
leads to a 404, and a scorecard that says why it is empty."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client

from reviews.models import Review
from scoring import services as scoring_services
from tests.scoring.conftest import codes, scored_cycle

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()


@pytest.fixture
def release_with_one_unreviewed_region():
    targeted = codes(5)
    cycle = scored_cycle(targeted)
    Review.objects.filter(cycle=cycle, region_id=targeted[-1]).delete()
    return scoring_services.publish(cycle=cycle, final=False), targeted


def test_a_region_no_release_assessed_shows_no_scorecard_button(
    release_with_one_unreviewed_region, client
):
    _release, targeted = release_with_one_unreviewed_region
    other = next(c for c in codes(40) if c not in targeted)
    assessed = targeted[0]

    page = client.get(f"/regions/{other}/").content.decode()
    assert f"/regions/{other}/scorecard/" not in page
    assert "Belum dinilai" in page
    assert client.get(f"/regions/{other}/scorecard/").status_code == 404

    page = client.get(f"/regions/{assessed}/").content.decode()
    assert f"/regions/{assessed}/scorecard/" in page
    assert "Belum dinilai" not in page
    assert client.get(f"/regions/{assessed}/scorecard/").status_code == 200


def test_the_scorecard_of_an_unreviewed_region_says_it_is_not_assessed(
    release_with_one_unreviewed_region, client
):
    release, targeted = release_with_one_unreviewed_region
    unreviewed, reviewed = targeted[-1], targeted[0]
    row = next(r for r in release.content["regions"] if r["region"] == unreviewed)
    assert row["index"] is None

    page = client.get(f"/regions/{unreviewed}/scorecard/")
    assert page.status_code == 200
    assert "Daerah ini belum dinilai pada siklus ini." in page.content.decode()

    english = Client()
    english.cookies["django_language"] = "en"
    page = english.get(f"/regions/{unreviewed}/scorecard/").content.decode()
    assert "This region has not been assessed in this cycle yet." in page

    page = client.get(f"/regions/{reviewed}/scorecard/").content.decode()
    assert "belum dinilai" not in page
