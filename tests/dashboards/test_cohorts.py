"""Cohorts with their certainty in the dashboard numbers (pure, no database):
the progress headline counts as the program counted, cohort medians count
confirmed cohorts only, and a province view zooms to the province."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboards.analytics import (
    bounds,
    filter_frame,
    progress,
    release_frame,
    scorecard,
)
from tests.dashboards.test_analytics import BANDS, _region, registry, small_registry


def _registry_with_certainty() -> pd.DataFrame:
    frame = small_registry()
    # 11.01 and 36.74 in 2017 (36.74 unconfirmed), 12.71 in 2018, 11.71 none.
    frame["cohort_confirmed"] = pd.array([True, None, True, False], dtype="boolean")
    return frame


def test_progress_with_the_whole_membership_uses_the_program_target() -> None:
    regions = _registry_with_certainty()
    content = {"regions": [_region("11.01", 3.6, 1), _region("12.71", 2.7, 2)]}
    frame = release_frame(content, regions)

    result = progress(frame, bands=BANDS, target_band="baik", target=3, members=regions)

    assert (result["members"], result["unknown"]) == (3, 0)
    assert result["whole"] is True
    assert result["denominator"] == 3
    assert result["reached"] == 2
    assert result["members_unconfirmed"] == 1


def test_progress_says_how_many_members_are_unknown_when_the_data_lacks_some() -> None:
    regions = _registry_with_certainty()
    content = {"regions": [_region("11.01", 3.6, 1), _region("11.71", 4.0, 2)]}
    frame = release_frame(content, regions)

    result = progress(
        frame, bands=BANDS, target_band="baik", target=100, members=regions
    )

    assert result["reached"] == 1  # 11.71 is in no cohort: not counted
    assert (result["members"], result["unknown"]) == (3, 97)
    assert result["whole"] is False
    assert result["denominator"] == 3


def test_progress_in_a_province_counts_against_the_province_members_only() -> None:
    regions = _registry_with_certainty()
    content = {
        "regions": [
            _region("11.01", 3.6, 1),
            _region("11.71", 3.0, 2),
            _region("12.71", 3.0, 3),
        ]
    }
    frame = filter_frame(release_frame(content, regions), province_code="11")
    in_view = filter_frame(regions, province_code="11")

    result = progress(
        frame,
        bands=BANDS,
        target_band="baik",
        target=100,
        members=in_view,
        scoped=True,
    )

    assert result["reached"] == 1
    assert result["members"] == 1  # 11.71 in Aceh is not a member
    assert result["unknown"] is None
    assert result["whole"] is False
    assert result["denominator"] == 1


def test_the_shipped_lists_hold_ninety_nine_members_for_a_target_of_one_hundred() -> (
    None
):
    regions = registry()
    frame = release_frame({"regions": []}, regions)

    result = progress(
        frame, bands=BANDS, target_band="baik", target=100, members=regions
    )

    assert result["members"] == 99
    assert result["unknown"] == 1
    assert result["members_unconfirmed"] == 3  # Lombok Timur, Banyumas, Banjar
    assert result["denominator"] == 99


def test_cohort_median_counts_confirmed_cohorts_only() -> None:
    regions = _registry_with_certainty()
    content = {
        "regions": [
            _region("11.01", 3.0, 1, details={"dimension:GOV": 3.0}),
            _region("36.74", 4.0, 2, details={"dimension:GOV": 5.0}),
        ]
    }
    frame = release_frame(content, regions)

    certain = scorecard(frame, "11.01", dimensions=["GOV"], elements=[])
    uncertain = scorecard(frame, "36.74", dimensions=["GOV"], elements=[])

    # 36.74's unconfirmed 2017 membership is left out of the 2017 median.
    assert certain["dimensions"][0]["cohort_median"] == 3.0
    assert certain["cohort_confirmed"] is True
    assert uncertain["dimensions"][0]["cohort_median"] is None
    assert uncertain["cohort_confirmed"] is False
    assert uncertain["cohort_year"] == 2017


def test_bounds_hold_every_located_region_with_a_margin() -> None:
    regions = _registry_with_certainty()

    box = bounds(filter_frame(regions, province_code="11"))

    assert box == {"x": [94.5, 96.5], "y": [0.5, 2.5]}
    assert bounds(filter_frame(regions, province_code="12")) is None  # no location


def test_bounds_of_a_single_point_are_widened_to_the_minimum_span() -> None:
    box = bounds(pd.DataFrame({"longitude": [106.7], "latitude": [-6.3]}))

    assert box is not None
    assert box["x"] == pytest.approx([105.7, 107.7])
    assert box["y"] == pytest.approx([-7.3, -5.3])


def test_a_cohort_filter_keeps_every_region_listed_that_year() -> None:
    regions = _registry_with_certainty()
    regions["cohort_years"] = pd.Series([(2017,), (), (2018, 2019), (2017,)])

    in_2019 = filter_frame(regions, cohort_year=2019)
    in_2017 = filter_frame(regions, cohort_year=2017)

    assert in_2019["region"].tolist() == ["12.71"]  # its cohort is 2018
    assert in_2017["region"].tolist() == ["11.01", "36.74"]
