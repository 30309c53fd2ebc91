"""The API gives each membership of a region with its status and whether the
sources confirm it (docs/scoring.md, "Kohort / Cohorts")."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_api_gives_each_membership_with_its_status_and_confirmation(client):
    banyumas = client.get("/api/v1/regions/33.02/").json()
    depok = client.get("/api/v1/regions/32.76/").json()

    assert banyumas["cohort_years"] == [
        {"year": 2018, "status": "selected", "confirmed": False},
        {"year": 2019, "status": "mou_signed", "confirmed": True},
    ]
    assert depok["cohort_years"][0] == {
        "year": 2018,
        "status": "cancelled",
        "confirmed": False,
    }
