"""Membership reads with their certainty, on the shipped registry."""

import pytest

from regions import selectors
from regions.models import Program, ProgramMembership, Region

pytestmark = pytest.mark.django_db


def test_cohort_counts_keep_unconfirmed_memberships_apart():
    counts = {c.year: (c.confirmed, c.unconfirmed) for c in selectors.cohort_counts()}

    # 2017: the 25 of May 2017 + Lombok Timur; 2018: Depok cancelled, Banyumas
    # unconfirmed; 2019: Kabupaten Banjar unconfirmed.
    assert counts == {2017: (25, 1), 2018: (48, 1), 2019: (24, 1)}


def test_a_cancelled_membership_counts_nowhere():
    depok_2018 = ProgramMembership.objects.get(region_id="32.76", year=2018)
    depok_2018.status = ProgramMembership.Status.MOU_SIGNED
    depok_2018.confirmed = True
    depok_2018.save()
    counts = {c.year: c.confirmed for c in selectors.cohort_counts()}
    assert counts[2018] == 49

    depok_2018.status = ProgramMembership.Status.CANCELLED
    depok_2018.save()
    assert {c.year: c.confirmed for c in selectors.cohort_counts()}[2018] == 48


def test_a_region_is_uncertain_when_any_membership_that_counts_is_unconfirmed():
    cohorts = selectors.region_cohorts()

    cohort = selectors.RegionCohort
    assert cohorts["36.74"] == cohort(year=2017, confirmed=True, years=(2017,))
    assert cohorts["52.03"] == cohort(year=2017, confirmed=False, years=(2017,))
    # Banyumas: 2018 unconfirmed, 2019 confirmed -> cohort 2018, uncertain.
    assert cohorts["33.02"] == cohort(year=2018, confirmed=False, years=(2018, 2019))
    # Depok: 2018 cancelled, 2019 confirmed -> cohort 2019, certain.
    assert cohorts["32.76"] == cohort(year=2019, confirmed=True, years=(2019,))
    assert "11.01" not in cohorts


def test_the_membership_on_record_says_how_many_members_are_unknown():
    program = Program.objects.get()

    held = selectors.membership(program)

    assert (held.target, held.known, held.unknown) == (100, 99, 1)
    assert held.unconfirmed == 3
    assert held.complete is False


def test_a_cohort_list_leaves_out_cancelled_memberships(client):
    listed = client.get("/regions/", {"cohort": "2018"}).context["page"]
    api = client.get("/api/v1/regions/?cohort=2018&page_size=100").json()

    # 48 confirmed + Banyumas (unconfirmed), as the home page counts; not Depok.
    assert listed.paginator.count == 49
    assert api["count"] == 49
    assert "32.76" not in {region["code"] for region in api["results"]}
    assert listed.paginator.count == len(set(Region.objects.in_cohort(2018)))
    assert Region.objects.in_cohort(2019).filter(code="32.76").exists()
