"""The properties of the method of issue 14 (docs/scoring.md): no evidence
never helps, who is ranked, intervals, tied groups, agreement and severity."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from scoring.analytics import compute_cycle
from scoring.analytics.bootstrap import tied_groups
from scoring.analytics.severity import severity
from tests.scoring.test_analytics import (
    CYCLE,
    CYCLE_PROPERTY,
    INDICATORS,
    PROPERTY,
    REGIONS,
    cycles,
)

AGGREGATES = ("index", "blueprint", "practice")


def _aggregates(scores: pd.DataFrame) -> pd.DataFrame:
    columns = [*AGGREGATES, *(c for c in scores.columns if ":" in str(c))]
    return scores.set_index("region")[columns]


@CYCLE_PROPERTY
@given(cycles(), st.data())
def test_no_evidence_never_raises_any_aggregate(case, data):
    answers, consensus, appeals, indicators, regions = case
    if answers.empty:
        return
    chosen = data.draw(
        st.lists(st.sampled_from(range(len(answers))), unique=True, min_size=1)
    )
    hidden = answers.copy()
    hidden.loc[hidden.index[chosen], "level"] = np.nan
    run = {**CYCLE, "draws": 5}
    first = compute_cycle(answers, consensus, appeals, indicators, regions, **run)
    second = compute_cycle(hidden, consensus, appeals, indicators, regions, **run)
    before, after = _aggregates(first.scores), _aggregates(second.scores)
    # Coverage never rises either, and so a result never becomes complete.
    covered = first.scores["coverage"].to_numpy()
    assert (second.scores["coverage"].to_numpy() <= covered + 1e-12).all()
    assert not (second.scores["complete"] & ~first.scores["complete"]).any()
    both = before.notna() & after.notna()
    assert ((after <= before + 1e-9) | ~both).all().all()
    # No aggregate appears or vanishes: nothing is renormalised.
    assert (before.notna() == after.notna()).all().all()


@CYCLE_PROPERTY
@given(cycles(), st.integers(1, 4))
def test_intervals_hold_the_point_and_tied_groups_partition(case, min_reviews):
    out = compute_cycle(*case, draws=40, min_reviews=min_reviews, **CYCLE)
    scores = out.scores
    indexed = scores[scores["index"].notna()]
    assert (indexed["index_low"] <= indexed["index"] + 1e-12).all()
    assert (indexed["index"] <= indexed["index_high"] + 1e-12).all()
    # Who is ranked, and why not.
    enough = scores["n_reviews"] >= min_reviews
    assert (scores["ranked"] == (scores["complete"] & enough)).all()
    reason = scores["unranked_reason"]
    assert set(reason[scores["ranked"]]) <= {""}
    assert (reason[scores["index"].isna()] == "no_index").all()
    few = ~scores["ranked"] & scores["complete"]
    assert (reason[few] == "few_reviews").all()
    assert scores.loc[~scores["ranked"], "rank_national"].isna().all()
    assert (scores.loc[~scores["complete"], "band"].isna()).all()
    for region in scores.itertuples():
        groups = region.uncertainty
        assert bool(groups) == bool(region.ranked)
        for name, column in (("national", "rank_national"), ("kind", "rank_kind")):
            if name in groups:
                rank = getattr(region, column)
                low, high = groups[name]["interval"]
                assert low <= rank <= high
                tie_low, tie_high = groups[name]["tie"]
                assert tie_low <= rank <= tie_high
    ranked = scores[scores["ranked"]]
    if len(ranked):
        ties = list(zip(ranked["tie_low"], ranked["tie_high"], strict=True))
        for (low, high), rank in zip(ties, ranked["rank_national"], strict=True):
            members = ranked[
                (ranked["rank_national"] >= low) & (ranked["rank_national"] <= high)
            ]
            # Contiguous blocks: every region in [low, high] has this group.
            assert set(zip(members["tie_low"], members["tie_high"], strict=True)) == {
                (low, high)
            }
            if len(members) == 1:
                assert (low, high) == (rank, rank)


@PROPERTY
@given(
    st.lists(st.integers(1, 6), min_size=1, max_size=12),
    st.integers(0, 2**31),
)
def test_tied_groups_are_contiguous_blocks(ranks, seed):
    point = np.array(sorted(ranks))
    rng = np.random.default_rng(seed)
    draws = 6 - point[None, :] + rng.normal(0, 0.5, size=(30, len(point)))
    tie = tied_groups(point, draws)
    assert (tie[:, 0] <= point).all()
    assert (point <= tie[:, 1]).all()
    # Blocks partition the regions and do not overlap.
    blocks = sorted(set(map(tuple, tie.tolist())))
    for (_, a_high), (b_low, _) in itertools.pairwise(blocks):
        assert a_high < b_low
    for k, rank in enumerate(point):
        if (tie[:, 0] == tie[k, 0]).sum() == 1:
            assert tie[k].tolist() == [rank, rank]


def test_a_region_far_ahead_has_its_own_group():
    point = np.array([1, 2, 3])
    draws = np.array([[5.0, 2.0, 1.9], [4.9, 2.1, 2.0], [5.0, 1.9, 2.1]] * 10)
    assert tied_groups(point, draws).tolist() == [[1, 1], [2, 3], [2, 3]]


def _design(severities, levels_of, regions=("R1", "R2", "R3", "R4")):
    rows = []
    for r, region in enumerate(regions):
        for indicator in INDICATORS["indicator"]:
            base = levels_of(r, indicator)
            for reviewer, s in severities.items():
                rows.append((region, indicator, reviewer, base + s))
    return pd.DataFrame(rows, columns=["region", "indicator", "reviewer", "level"])


def test_severity_recovers_additive_reviewer_effects():
    answers = _design({1: 0.5, 2: 0.0, 3: -0.5}, lambda r, i: 2.0 + (r + i) % 3 * 0.5)
    found = severity(answers).set_index("reviewer")
    assert found["severity"].tolist() == pytest.approx([0.5, 0.0, -0.5], abs=1e-8)
    assert found["n"].tolist() == [24, 24, 24]
    assert (found["severity_low"] <= found["severity"] + 1e-12).all()
    assert (found["severity"] <= found["severity_high"] + 1e-12).all()
    # The adjusted index removes the effects: the median reviewer's levels.
    regions = pd.DataFrame(
        {
            "region": ["R1", "R2", "R3", "R4"],
            "kind": ["kota"] * 4,
            "province": ["31"] * 4,
            "cohort_year": pd.array([2017] * 4, dtype="Int64"),
            "population": pd.array([100] * 4, dtype="Int64"),
        }
    )
    out = compute_cycle(answers, None, None, INDICATORS, regions, draws=20, **CYCLE)
    scores = out.scores.set_index("region")
    assert np.allclose(scores["index_adjusted"], scores["index"])
    assert out.severity["reviewer"].tolist() == [1, 2, 3]


def test_a_lenient_reviewer_is_found_and_adjusted_for():
    # Reviewer 3 gives 1 more than the others on everything it reviews (R1, R2).
    rows = []
    for region, base in (("R1", 3.0), ("R2", 2.0), ("R3", 3.0)):
        for indicator in INDICATORS["indicator"]:
            for reviewer in (1, 2):
                rows.append((region, indicator, reviewer, base))
            if region != "R3":
                rows.append((region, indicator, 3, base + 1))
    answers = pd.DataFrame(rows, columns=["region", "indicator", "reviewer", "level"])
    found = severity(answers).set_index("reviewer")["severity"]
    assert found[3] > 0.5
    assert found[1] < 0
    assert found[2] < 0
    assert found.sum() == pytest.approx(0.0, abs=1e-9)


def test_low_agreement_is_flagged_below_the_floor():
    rows = [
        ("R1", i, j, float(1 + (i * j) % 5))
        for i in INDICATORS["indicator"]
        for j in (1, 2, 3)
    ]
    answers = pd.DataFrame(rows, columns=["region", "indicator", "reviewer", "level"])
    regions = REGIONS.iloc[:1].assign(region="R1")
    out = compute_cycle(answers, None, None, INDICATORS, regions, draws=10, **CYCLE)
    assert out.alpha < 0.667
    assert out.low_agreement
    agreed = answers.assign(level=answers["indicator"].astype(float) % 5 + 1)
    out = compute_cycle(agreed, None, None, INDICATORS, regions, draws=10, **CYCLE)
    assert out.alpha >= 0.667
    assert not out.low_agreement


def test_one_review_has_a_point_interval_and_is_not_ranked():
    answers = pd.DataFrame(
        [("R1", i, 7, 2.0 + i % 3) for i in INDICATORS["indicator"]],
        columns=["region", "indicator", "reviewer", "level"],
    )
    regions = REGIONS.iloc[:1].assign(region="R1")
    out = compute_cycle(
        answers, None, None, INDICATORS, regions, draws=30, min_reviews=3, **CYCLE
    )
    row = out.scores.iloc[0]
    assert row["index_low"] == row["index"] == row["index_high"]
    assert not row["ranked"]
    assert row["unranked_reason"] == "few_reviews"
    assert row["n_reviews"] == 1
    assert pd.isna(row["rank_national"])
    assert row["uncertainty"] == {}


@CYCLE_PROPERTY
@given(cycles())
def test_tabulated_and_direct_draws_agree(case):
    # Few reviews: the index of each multiset of drawn reviews is tabulated;
    # many: each draw's medians directly. The same draws either way.
    from scoring.analytics import bootstrap

    tabulated = compute_cycle(*case, draws=30, **CYCLE).scores
    limit = bootstrap._TABLE_LIMIT
    bootstrap._TABLE_LIMIT = 0
    try:
        direct = compute_cycle(*case, draws=30, **CYCLE).scores
    finally:
        bootstrap._TABLE_LIMIT = limit
    for column in ("index_low", "index_high"):
        assert np.allclose(tabulated[column], direct[column], equal_nan=True)
    assert tabulated["rank_low"].equals(direct["rank_low"])
