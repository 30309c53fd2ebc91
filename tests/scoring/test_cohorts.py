"""Cohort ranks count confirmed memberships only (docs/scoring.md, "Kohort /
Cohorts")."""

import pytest

from scoring import services
from tests.scoring.conftest import scored_cycle

pytestmark = pytest.mark.django_db

CONFIRMED_2017 = ["36.71", "36.74", "32.73"]
LOMBOK_TIMUR = "52.03"  # 2017, unconfirmed
BANYUMAS = "33.02"  # 2018 unconfirmed, 2019 confirmed
BANJAR = "63.03"  # 2019, unconfirmed


def test_a_region_with_an_unconfirmed_membership_gets_no_cohort_rank():
    cycle = scored_cycle([*CONFIRMED_2017, LOMBOK_TIMUR, BANYUMAS, BANJAR, "81.71"])

    regions = services.read(cycle).regions.set_index("region")
    release = services.publish(cycle=cycle, final=False)

    years = regions["cohort_year"]
    assert [years[code] for code in CONFIRMED_2017] == [2017, 2017, 2017]
    assert years["81.71"] == 2019
    for code in (LOMBOK_TIMUR, BANYUMAS, BANJAR):
        assert years.isna()[code], code
    rows = {row["region"]: row for row in release.content["regions"]}
    for code in (LOMBOK_TIMUR, BANYUMAS, BANJAR):
        assert rows[code]["ranks"]["rank_cohort"] is None, code
        assert rows[code]["ranks"]["rank_national"] is not None
    cohort_2017 = sorted(rows[code]["ranks"]["rank_cohort"] for code in CONFIRMED_2017)
    assert cohort_2017 == [1, 2, 3]  # Lombok Timur is not among the 2017 ranks
    assert rows["81.71"]["ranks"]["rank_cohort"] == 1
