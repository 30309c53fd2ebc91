"""Cohort certainty on the pages: a region whose membership is unconfirmed
says so on its scorecard and has no cohort rank or cohort median."""

import pytest
from django.core.cache import cache

from scoring import services as scoring_services
from tests.scoring.conftest import scored_cycle

pytestmark = pytest.mark.django_db

LOMBOK_TIMUR = "52.03"  # 2017, unconfirmed
CONFIRMED_2017 = ["36.71", "36.74", "32.73"]


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()


def test_an_unconfirmed_member_has_no_cohort_rank_and_its_scorecard_says_why(client):
    cycle = scored_cycle([*CONFIRMED_2017, LOMBOK_TIMUR])
    scoring_services.publish(cycle=cycle, final=False)

    html = client.get(f"/regions/{LOMBOK_TIMUR}/scorecard/").content.decode()
    data = client.get(f"/regions/{LOMBOK_TIMUR}/scorecard/data/").json()
    certain = client.get(f"/regions/{CONFIRMED_2017[0]}/scorecard/").content.decode()

    assert "Keanggotaan daerah ini dalam angkatan 2017 belum terkonfirmasi" in html
    assert "belum terkonfirmasi (sumber" not in certain
    card = data["card"]
    assert (card["cohort_year"], card["cohort_confirmed"]) == (2017, False)
    ranks = {rank["group"]: rank["rank"] for rank in card["ranks"]}
    assert ranks["cohort"] is None
    assert ranks["national"] is not None
    assert all(d["cohort_median"] is None for d in card["dimensions"])


def test_in_english_the_headlines_say_what_is_on_record_and_what_is_not(english):
    cycle = scored_cycle([*CONFIRMED_2017, LOMBOK_TIMUR])
    scoring_services.publish(cycle=cycle, final=False)

    home = english.get("/").content.decode()
    dashboard = english.get("/dashboard/").content.decode()
    province = english.get("/dashboard/?province=36").content.decode()

    assert (
        "<strong>99</strong> of the <strong>100</strong> program regions are on "
        "record; 1 not known." in home
    )
    assert "25 + 1 unconfirmed" in home
    assert "of the 99 program regions on record reach the target band" in dashboard
    assert "99 of the 100 program regions are on record; 1 not known." in dashboard
    assert "3 of these program regions have an unconfirmed membership" in dashboard
    # Banten: Kota Tangerang, Kota Tangerang Selatan, Kota Cilegon, Kabupaten
    # Tangerang are members.
    assert "of the 4 program regions in this province reach the target" in province
    assert "targeted regions" not in province


def test_a_cohort_view_counts_the_regions_listed_that_year(client):
    cycle = scored_cycle([*CONFIRMED_2017, "33.02", "81.71"])
    scoring_services.publish(cycle=cycle, final=False)

    summary = client.get("/dashboard/data/?cohort=2019").json()["summary"]

    # 24 confirmed + Kabupaten Banjar, as the home page counts 2019; Banyumas
    # (cohort 2018, also listed in 2019) is in the view.
    assert summary["members"] == 25
    assert summary["denominator"] == 25
    assert summary["assessed"] == 2  # Banyumas and Kota Ambon
    assert summary["members_unconfirmed"] == 2  # Banjar; Banyumas for 2018
