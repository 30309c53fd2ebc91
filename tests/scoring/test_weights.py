"""scoring.weights: the explorer's recompute, effective shares and the exact
attainable ranks (property tests against random weights inside the ranges)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scoring import weights

PARTS = {"blueprint": 50, "practice": 50}
ASPECT_WEIGHTS = {"baseline": 10, "output": 20, "outcome": 30, "impact": 30}
ASPECT_WEIGHTS |= {"quick_win": 10}
CODES = weights.ASPECTS
BANDS = [["kurang", 1.8], ["cukup", 2.6], ["baik", 3.5], ["sangat_baik", 4.2]]
BANDS += [["memuaskan", None]]


def ranges():
    return weights.normalise_ranges(
        weights.default_ranges(PARTS, ASPECT_WEIGHTS), PARTS, ASPECT_WEIGHTS, CODES
    )


def components(seed: int, n: int, *, spread: float = 1.0) -> weights.Components:
    rng = np.random.default_rng(seed)
    base = rng.uniform(1.5, 4.5, n)
    noise = rng.normal(0, spread, (n, 6))
    scores = np.clip(base[:, None] + noise, 1, 5)
    return weights.Components(
        regions=tuple(f"R{i}" for i in range(n)),
        blueprint=scores[:, 0],
        aspects=scores[:, 1:],
        complete=np.ones(n, bool),
        aspect_codes=CODES,
    )


def official_index(blueprint, aspects):
    """The method written out by hand: weighted means renormalised over the
    scores present (as docs/scoring.md)."""
    aw = np.array([ASPECT_WEIGHTS[a] for a in CODES], float)
    out = []
    for b, row in zip(blueprint, aspects, strict=False):
        has = ~np.isnan(row)
        practice = (row[has] * aw[has]).sum() / aw[has].sum() if has.any() else None
        parts = [(v, w) for v, w in ((b, 50), (practice, 50)) if v is not None]
        parts = [(v, w) for v, w in parts if not np.isnan(v)]
        out.append(sum(v * w for v, w in parts) / sum(w for _, w in parts))
    return np.array(out)


def test_the_recompute_at_the_default_weights_is_the_official_index():
    comp = components(3, 40)
    aspects = comp.aspects.copy()
    aspects[0, 4] = np.nan  # a region without a Quick Win score renormalises
    comp = weights.Components(
        comp.regions, comp.blueprint, aspects, comp.complete, CODES
    )
    index = weights.recompute(comp, [50, 50], [ASPECT_WEIGHTS[a] for a in CODES])
    assert np.allclose(index, official_index(comp.blueprint, aspects), atol=1e-12)


def test_ranks_share_the_lower_number_on_ties_and_skip_unranked_regions():
    index = np.array([3.0, 3.5, 3.5, 2.0, 4.0])
    ranked = np.array([True, True, True, True, False])
    assert weights.ranks_of(index, ranked).tolist() == [3, 1, 1, 4, 0]


def test_a_band_bound_belongs_to_the_band_above():
    index = np.array([1.79, 1.8, 3.4999996, 4.3, np.nan])
    assert weights.bands_of(index, BANDS) == [
        "kurang",
        "cukup",
        "sangat_baik",
        "memuaskan",
        None,
    ]


def test_effective_shares_sum_to_one_and_follow_the_weights():
    indicators = [
        {"code": "B1", "part": "blueprint", "aspect": "", "weight": 2,
         "dimension": "GOV", "element": "STR"},
        {"code": "B2", "part": "blueprint", "aspect": "", "weight": 1,
         "dimension": "ECO", "element": "STR"},
        {"code": "P1", "part": "practice", "aspect": "output", "weight": 1,
         "dimension": "GOV", "element": "INF"},
        {"code": "P2", "part": "practice", "aspect": "impact", "weight": 1,
         "dimension": "ECO", "element": "INF"},
    ]  # fmt: skip
    shares = weights.effective_shares(
        indicators, PARTS, {"output": 20, "impact": 30, "baseline": 10}
    )
    assert shares["indicator"]["B1"] == pytest.approx(0.5 * 2 / 3)
    assert shares["indicator"]["P2"] == pytest.approx(0.5 * 30 / 50)
    assert shares["dimension"]["GOV"] == pytest.approx(1 / 3 + 0.5 * 20 / 50)
    assert shares["aspect"] == pytest.approx(
        {"blueprint": 0.5, "output": 0.2, "impact": 0.3}
    )
    for group in ("dimension", "element", "aspect", "part", "indicator"):
        assert sum(shares[group].values()) == pytest.approx(1.0)


def test_the_vertices_hold_the_default_weights_and_stay_in_the_ranges():
    rg = ranges()
    points = weights.vertices(rg, CODES)
    assert np.allclose(points.sum(axis=1), 1.0)
    b = points[:, 0]
    assert b.min() == pytest.approx(40 / (40 + 60))
    assert b.max() == pytest.approx(60 / (60 + 40))
    # The default share vector is a convex combination of the vertices.
    from scipy.optimize import linprog

    x = weights.share_vector([50, 50], [ASPECT_WEIGHTS[a] for a in CODES])
    fit = linprog(
        np.zeros(len(points)),
        A_eq=np.vstack([points.T, np.ones(len(points))]),
        b_eq=np.concatenate([x, [1.0]]),
        bounds=(0, None),
    )
    assert fit.status == 0


def test_an_out_of_range_default_weight_is_refused():
    with pytest.raises(ValueError, match="outside its range"):
        weights.normalise_ranges(
            {"part": {"blueprint": [60, 70]}}, PARTS, ASPECT_WEIGHTS, CODES
        )


def test_a_region_far_ahead_keeps_rank_one_and_one_far_behind_stays_last():
    comp = components(5, 12, spread=0.3)
    blueprint = comp.blueprint.copy()
    aspects = comp.aspects.copy()
    blueprint[0], aspects[0] = 5.0, 5.0
    blueprint[1], aspects[1] = 1.0, 1.0
    comp = weights.Components(comp.regions, blueprint, aspects, comp.complete, CODES)
    best, worst = weights.attainable_ranks(
        comp.matrix(), weights.vertices(ranges(), CODES)
    )
    assert (best[0], worst[0]) == (1, 1)
    assert (best[1], worst[1]) == (12, 12)
    assert (best <= worst).all()


def test_twins_always_tie_and_share_their_attainable_ranks():
    comp = components(8, 6)
    blueprint, aspects = comp.blueprint.copy(), comp.aspects.copy()
    blueprint[1], aspects[1] = blueprint[0], aspects[0]
    comp = weights.Components(comp.regions, blueprint, aspects, comp.complete, CODES)
    best, worst = weights.attainable_ranks(
        comp.matrix(), weights.vertices(ranges(), CODES)
    )
    assert (best[0], worst[0]) == (best[1], worst[1])


def random_weights(draw, rg):
    def inside(lo, hi):
        return draw(st.floats(min_value=lo, max_value=hi, allow_nan=False))

    part = [inside(*rg["part"][p]) for p in ("blueprint", "practice")]
    aspect = [inside(*rg["aspect"][a]) for a in CODES]
    return part, aspect


@st.composite
def weight_draws(draw):
    rg = ranges()
    return [random_weights(draw, rg) for _ in range(25)]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), n=st.integers(2, 30), draws=weight_draws())
def test_no_weights_inside_the_ranges_beat_the_best_or_fall_below_the_worst(
    seed, n, draws
):
    comp = components(seed, n)
    best, worst = weights.attainable_ranks(
        comp.matrix(), weights.vertices(ranges(), CODES)
    )
    assert (best >= 1).all()
    assert (worst <= n).all()
    assert (best <= worst).all()
    for part, aspect in draws:
        rank = weights.ranks_of(weights.recompute(comp, part, aspect), comp.complete)
        assert (best <= rank).all(), (part, aspect)
        assert (rank <= worst).all(), (part, aspect)


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(2, 15))
def test_the_best_and_worst_ranks_are_attained_by_some_weights(seed, n):
    """Exact, not only bounds: a dense search over the vertices' convex
    combinations never finds a better best or worse worst, and the extremes
    found by the program are reached by the vertices or their mixes."""
    comp = components(seed, n)
    points = weights.vertices(ranges(), CODES)
    best, worst = weights.attainable_ranks(comp.matrix(), points)
    rng = np.random.default_rng(seed)
    mixes = np.vstack([points, rng.dirichlet(np.full(len(points), 0.2), 3000)
                       @ points])  # fmt: skip
    at = comp.matrix() @ mixes.T  # regions x mixes
    seen_best = np.full(n, n)
    seen_worst = np.ones(n, int)
    for r in range(n):
        above = (np.round(at, 6) > np.round(at[r], 6)).sum(axis=0)
        seen_best[r] = 1 + above.min()
        seen_worst[r] = 1 + above.max()
    assert (best <= seen_best).all()
    assert (seen_worst <= worst).all()
