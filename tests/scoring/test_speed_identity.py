"""The faster paths of the recompute (issue 15) give the same numbers, to the
bit, as the paths they replaced, kept in tests/scoring/reference_*.py."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given

from scoring.analytics.bootstrap import review_draws
from scoring.analytics.frames import _answers, _decisions
from scoring.analytics.framework import _framework
from tests.scoring.reference_bootstrap import review_draws_before
from tests.scoring.test_analytics import CYCLE_PROPERTY, INDICATORS, WEIGHTS, cycles


def _fixed_case(seed: int = 15):
    """60 regions with 1 to 7 reviewers each (6 tabulated: 462 multisets; 7
    drawn directly), "no evidence" answers, unanswered cells, consensus and
    upheld appeals."""
    rng = np.random.default_rng(seed)
    rows = []
    regions = [f"{31 + k // 10}.{71 + k % 10}" for k in range(60)]
    for k, region in enumerate(regions):
        for reviewer in range(1, 2 + k % 7):
            for indicator in INDICATORS["indicator"]:
                if rng.random() < 0.1:
                    continue  # unanswered
                level = np.nan if rng.random() < 0.15 else float(rng.integers(1, 6))
                rows.append((region, int(indicator), 100 + reviewer, level))
    answers = pd.DataFrame(rows, columns=["region", "indicator", "reviewer", "level"])
    cells = answers[["region", "indicator"]].drop_duplicates().to_numpy()
    picked = cells[rng.choice(len(cells), size=40, replace=False)]
    consensus = pd.DataFrame(
        [(r, i, float(rng.integers(1, 6))) for r, i in picked[:25]],
        columns=["region", "indicator", "level"],
    )
    appeals = pd.DataFrame(
        [
            (r, i, float(rng.integers(1, 6)), pd.Timestamp("2017-10-01", tz="UTC"))
            for r, i in picked[20:]
        ],
        columns=["region", "indicator", "level", "decided_at"],
    )
    return answers, consensus, appeals, regions


def _both(answers, consensus, appeals, indicators, regions, *, level, draws, seed):
    ans, decided = _answers(answers), _decisions(consensus, appeals)
    fw = _framework(indicators, WEIGHTS["part_weights"], WEIGHTS["aspect_weights"])
    run = {"no_evidence_level": level, "draws": draws, "seed": seed}
    return (
        review_draws(ans, decided, fw, regions, **run),
        review_draws_before(ans, decided, fw, regions, **run),
    )


def test_review_draws_are_bit_identical_on_a_fixed_seed():
    answers, consensus, appeals, regions = _fixed_case()
    for level, draws in ((1.0, 500), (2.5, 300), (1.0, 7)):
        new, old = _both(
            answers,
            consensus,
            appeals,
            INDICATORS,
            regions,
            level=level,
            draws=draws,
            seed=2017,
        )
        assert new.shape == (draws, len(regions))
        assert np.array_equal(new, old, equal_nan=True)
        assert not np.isnan(new).any()


@CYCLE_PROPERTY
@given(cycles())
def test_review_draws_are_bit_identical_on_generated_cycles(case):
    answers, consensus, appeals, indicators, meta = case
    new, old = _both(
        answers,
        consensus,
        appeals,
        indicators,
        list(meta["region"]),
        level=1.0,
        draws=40,
        seed=7,
    )
    assert np.array_equal(new, old, equal_nan=True)


def _draw_matrices(seed: int = 2022):
    """Bootstrap-like index draws: ties at 6 decimals, NaN, 1 to 514 regions."""
    rng = np.random.default_rng(seed)
    for draws, regions in ((500, 514), (500, 14), (40, 3), (7, 1), (1, 5), (2, 2)):
        values = np.round(1 + 4 * rng.random((draws, regions)), 3)
        values[rng.random(values.shape) < 0.02] = np.nan
        values[:, : regions // 3] += 1e-9  # equal once compared at 6 decimals
        yield values


def test_ranks_quantiles_and_tied_groups_are_bit_identical():
    from scoring.analytics import bootstrap
    from tests.scoring import reference_bootstrap as before

    for values in _draw_matrices():
        ranks = bootstrap._rank_rows(values)
        assert np.array_equal(ranks, before.rank_rows_before(values))
        assert ranks.dtype == np.int32
        clean = np.where(np.isnan(values), 1.0, values)
        point = clean[0]
        for level in (0.9, 0.8, 0.5, 0.99):
            for new, old in zip(
                bootstrap.rank_quantiles(ranks, level),
                before.rank_quantiles_before(ranks, level),
                strict=True,
            ):
                assert np.array_equal(new, old)
                assert new.dtype == old.dtype
            for new, old in zip(
                bootstrap.interval(clean, point, level),
                before.interval_before(clean, point, level),
                strict=True,
            ):
                assert np.array_equal(new, old)
        at = ranks[0].astype(np.int64)
        assert np.array_equal(
            bootstrap.tied_groups(at, clean), before.tied_groups_before(at, clean)
        )


def _same_levels(answers, consensus, appeals, level):
    from scoring.analytics.levels import _final_levels
    from tests.scoring.reference_levels import final_levels_before

    ans, decided = _answers(answers), _decisions(consensus, appeals)
    new = _final_levels(ans, decided, level)
    old = final_levels_before(ans, decided, level)
    assert list(new.columns) == list(old.columns)
    assert new["region"].astype(object).equals(old["region"].astype(object))
    assert new.drop(columns="region").equals(old.drop(columns="region"))
    return new


def test_final_levels_are_identical_on_a_fixed_seed():
    answers, consensus, appeals, _ = _fixed_case()
    for level in (1.0, 2.5, 1.3):
        out = _same_levels(answers, consensus, appeals, level)
        assert set(out["source"]) == {"median", "consensus", "appeal"}


@CYCLE_PROPERTY
@given(cycles())
def test_final_levels_are_identical_on_generated_cycles(case):
    answers, consensus, appeals, _, _ = case
    _same_levels(answers, consensus, appeals, 1.0)
