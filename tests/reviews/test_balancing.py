"""reviews.balancing: hard rules, maximum coverage, even loads, determinism.

The property tests compare balance() with references written independently of
it: an exhaustive enumeration of every filling on tiny instances, and a plain
augmenting-path max-flow on small ones.
"""

from __future__ import annotations

import itertools
from collections import Counter
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reviews.balancing import Plan, RegionSlot, ReviewerSlot, balance, eligible

# --- Concrete cases -----------------------------------------------------------

PROVINCES = [f"{p}" for p in (11, 12, 13, 14, 15, 16, 17, 18, 19, 21)]
# 25 regions over 10 provinces: 3, 3, 3, 3, 3, 2, 2, 2, 2, 2.
REGIONS = [
    RegionSlot(f"{province}.{k + 1:02d}", province)
    for n, province in enumerate(PROVINCES)
    for k in range(3 if n < 5 else 2)
]
REVIEWERS = [
    ReviewerSlot(id_, province)
    for id_, province in zip([7, 3, 12, 5, 9, 1], PROVINCES, strict=False)
]


def test_fixture_shape() -> None:
    assert len(REGIONS) == 25
    assert len({region.province for region in REGIONS}) == 10


def test_full_coverage_with_even_loads() -> None:
    plan = balance(REGIONS, REVIEWERS, per_region=3)

    assert plan.shortfall == {}
    assert len(plan.new) == 75
    assert set(plan.loads.values()) <= {12, 13}
    assert sorted(plan.loads) == [1, 3, 5, 7, 9, 12]
    assert list(plan.new) == sorted(plan.new)
    assert_hard_rules(plan, REGIONS, REVIEWERS, per_region=3)


def test_home_province_rule_on_excludes_own_province() -> None:
    plan = balance(REGIONS, REVIEWERS, per_region=3)
    province = {region.code: region.province for region in REGIONS}
    home = {reviewer.id: reviewer.home_province for reviewer in REVIEWERS}

    assert all(home[rid] != province[code] for rid, code in plan.new)


def test_home_province_rule_off_allows_own_province() -> None:
    regions = [RegionSlot(f"31.{k:02d}", "31") for k in range(1, 5)]
    reviewers = [ReviewerSlot(id_, "31") for id_ in (1, 2, 3)]

    on = balance(regions, reviewers, per_region=3)
    off = balance(regions, reviewers, per_region=3, home_province_rule=False)

    assert on.new == ()
    assert on.shortfall == {region.code: 3 for region in regions}
    assert on.loads == {1: 0, 2: 0, 3: 0}
    assert off.shortfall == {}
    assert off.loads == {1: 4, 2: 4, 3: 4}


def test_reviewer_without_home_province_is_not_restricted() -> None:
    regions = [RegionSlot("31.01", "31")]
    plan = balance(regions, [ReviewerSlot(1, None)], per_region=1)

    assert plan.new == ((1, "31.01"),)


def test_conflicts_are_respected() -> None:
    conflicts = {(7, "11.01"), (3, "11.01"), (12, "13.02"), (1, "21.01")}
    conflicts |= {(5, region.code) for region in REGIONS[:10]}

    plan = balance(REGIONS, REVIEWERS, per_region=3, conflicts=conflicts)

    assert not conflicts & set(plan.new)
    assert plan.shortfall == {}
    assert set(plan.loads.values()) <= {12, 13}


def test_region_where_everybody_is_conflicted_stays_empty() -> None:
    conflicts = {(reviewer.id, "15.02") for reviewer in REVIEWERS}

    plan = balance(REGIONS, REVIEWERS, per_region=3, conflicts=conflicts)

    assert plan.shortfall == {"15.02": 3}
    assert len(plan.new) == 72
    assert set(plan.loads.values()) == {12}


def test_existing_assignments_are_kept_and_counted() -> None:
    # 7 is conflicted with 11.01 and 11 is 7's home province, yet the admin put
    # 7 there by hand: the pair stays, is not re-created, and counts.
    existing = {(7, "11.01"), (3, "11.01"), (12, "11.01"), (5, "12.01")}
    conflicts = {(7, "11.01")}

    plan = balance(
        REGIONS, REVIEWERS, per_region=3, conflicts=conflicts, existing=existing
    )

    assert not existing & set(plan.new)
    assert not any(code == "11.01" for _, code in plan.new)  # already full
    assert sum(1 for _, code in plan.new if code == "12.01") == 2
    assert plan.shortfall == {}
    assert len(plan.new) == 75 - 4
    assert sum(plan.loads.values()) == 75
    assert set(plan.loads.values()) <= {12, 13}
    assert_loads_consistent(plan, REVIEWERS, existing)


def test_existing_over_the_limits_is_never_undone() -> None:
    regions = [RegionSlot("31.01", "31"), RegionSlot("32.01", "32")]
    reviewers = [ReviewerSlot(1, None), ReviewerSlot(2, None)]
    existing = {(1, "31.01"), (2, "31.01"), (1, "32.01")}

    plan = balance(
        regions, reviewers, per_region=1, max_per_reviewer=1, existing=existing
    )

    assert plan.new == ()
    assert plan.shortfall == {}
    assert plan.loads == {1: 2, 2: 1}


def test_existing_outside_the_input_counts_on_its_own_side() -> None:
    regions = [RegionSlot("31.01", "31"), RegionSlot("32.01", "32")]
    reviewers = [ReviewerSlot(1, None), ReviewerSlot(2, None)]
    # 99 is not a reviewer here but fills a slot of 31.01; 2 already reviews
    # 33.01, which is not being balanced, and that uses 2's only slot.
    existing = {(99, "31.01"), (2, "33.01")}

    plan = balance(
        regions, reviewers, per_region=1, max_per_reviewer=1, existing=existing
    )

    assert plan.new == ((1, "32.01"),)
    assert plan.shortfall == {}
    assert plan.loads == {1: 1, 2: 1}


def test_cap_below_demand_leaves_the_capacity_deficit() -> None:
    reviewers = REVIEWERS[:4]
    plan = balance(
        REGIONS, reviewers, per_region=3, max_per_reviewer=15, home_province_rule=False
    )

    assert sum(plan.shortfall.values()) == 75 - 4 * 15
    assert set(plan.loads.values()) == {15}
    assert all(0 < missing <= 3 for missing in plan.shortfall.values())


def test_maximum_coverage_beats_a_greedy_pass() -> None:
    # Taken in code order, 31.01 would get reviewer 1 and leave 32.01, which
    # only 1 may review, empty.
    regions = [RegionSlot("31.01", "31"), RegionSlot("32.01", "32")]
    reviewers = [ReviewerSlot(1, None), ReviewerSlot(2, "32")]

    plan = balance(regions, reviewers, per_region=1, max_per_reviewer=1)

    assert plan.new == ((1, "32.01"), (2, "31.01"))
    assert plan.shortfall == {}


def test_load_is_moved_along_a_chain_to_even_out() -> None:
    # Only reviewer 1 may take 31.xx; 2 may take anything else; 3 only 33.01.
    regions = [
        RegionSlot("31.01", "31"),
        RegionSlot("31.02", "31"),
        RegionSlot("32.01", "32"),
        RegionSlot("33.01", "33"),
    ]
    reviewers = [ReviewerSlot(1, None), ReviewerSlot(2, "31"), ReviewerSlot(3, "31")]
    conflicts = {(3, "32.01")}

    plan = balance(regions, reviewers, per_region=1, conflicts=conflicts)

    assert plan.loads == {1: 2, 2: 1, 3: 1}
    assert plan.new == ((1, "31.01"), (1, "31.02"), (2, "32.01"), (3, "33.01"))


def test_input_order_does_not_matter() -> None:
    forward = balance(REGIONS, REVIEWERS, per_region=3)
    backward = balance(REGIONS[::-1], REVIEWERS[::-1], per_region=3)

    assert forward == backward
    assert list(forward.loads) == list(backward.loads)


def test_nothing_to_do() -> None:
    assert balance([], [], per_region=3) == Plan(new=(), shortfall={}, loads={})
    assert balance(REGIONS[:2], [], per_region=2).shortfall == {
        "11.01": 2,
        "11.02": 2,
    }
    assert balance([], REVIEWERS[:2], per_region=2).loads == {3: 0, 7: 0}
    assert balance(REGIONS, REVIEWERS, per_region=0) == Plan(
        new=(), shortfall={}, loads={reviewer.id: 0 for reviewer in REVIEWERS}
    )


@pytest.mark.parametrize(
    ("regions", "reviewers", "options", "message"),
    [
        (REGIONS[:1] * 2, [], {"per_region": 1}, "region codes"),
        ([], REVIEWERS[:1] * 2, {"per_region": 1}, "reviewer ids"),
        ([], [], {"per_region": -1}, "per_region"),
        ([], [], {"per_region": 1, "max_per_reviewer": -1}, "max_per_reviewer"),
    ],
)
def test_ambiguous_input_is_refused(
    regions: list[RegionSlot],
    reviewers: list[ReviewerSlot],
    options: dict[str, Any],
    message: str,
) -> None:
    with pytest.raises(ValueError, match=message):
        balance(regions, reviewers, **options)


@pytest.mark.parametrize(
    ("home", "conflicts", "rule", "expected"),
    [
        ("32", set(), True, True),
        ("31", set(), True, False),
        ("31", set(), False, True),
        (None, set(), True, True),
        ("32", {(1, "31.01")}, True, False),
        ("31", frozenset({(1, "31.01")}), False, False),
        ("32", {(2, "31.01"), (1, "31.02")}, True, True),
    ],
)
def test_eligible(
    home: str | None, conflicts: set[tuple[int, str]], rule: bool, expected: bool
) -> None:
    reviewer, region = ReviewerSlot(1, home), RegionSlot("31.01", "31")

    assert (
        eligible(reviewer, region, conflicts=conflicts, home_province_rule=rule)
        is expected
    )


# --- Checks shared by the property tests --------------------------------------


def is_allowed(
    reviewer: ReviewerSlot,
    region: RegionSlot,
    conflicts: set[tuple[int, str]],
    home_province_rule: bool,
) -> bool:
    """The hard rules, restated here rather than imported."""
    if (reviewer.id, region.code) in conflicts:
        return False
    return not (home_province_rule and reviewer.home_province == region.province)


def assert_hard_rules(
    plan: Plan,
    regions: list[RegionSlot],
    reviewers: list[ReviewerSlot],
    *,
    per_region: int,
    max_per_reviewer: int | None = None,
    conflicts: set[tuple[int, str]] = frozenset(),
    home_province_rule: bool = True,
    existing: set[tuple[int, str]] = frozenset(),
) -> None:
    by_code = {region.code: region for region in regions}
    by_id = {reviewer.id: reviewer for reviewer in reviewers}
    assert len(set(plan.new)) == len(plan.new), "duplicate pair"
    assert not set(plan.new) & set(existing), "existing pair created again"
    for reviewer_id, code in plan.new:
        reviewer, region = by_id[reviewer_id], by_code[code]
        assert is_allowed(reviewer, region, conflicts, home_province_rule)
    kept_per_region = Counter(code for _, code in existing)
    new_per_region = Counter(code for _, code in plan.new)
    for code, count in new_per_region.items():
        assert count <= max(0, per_region - kept_per_region[code])
    if max_per_reviewer is not None:
        kept_per_reviewer = Counter(rid for rid, _ in existing)
        new_per_reviewer = Counter(rid for rid, _ in plan.new)
        for rid, count in new_per_reviewer.items():
            assert count <= max(0, max_per_reviewer - kept_per_reviewer[rid])
    for region in regions:
        filled = kept_per_region[region.code] + new_per_region[region.code]
        missing = max(0, per_region - filled)
        assert plan.shortfall.get(region.code, 0) == missing
    assert all(missing > 0 for missing in plan.shortfall.values())
    assert set(plan.shortfall) <= set(by_code)


def assert_loads_consistent(
    plan: Plan, reviewers: list[ReviewerSlot], existing: set[tuple[int, str]]
) -> None:
    pairs = Counter(rid for rid, _ in [*existing, *plan.new])
    assert plan.loads == {reviewer.id: pairs[reviewer.id] for reviewer in reviewers}


# --- Instances for the property tests -----------------------------------------


@st.composite
def instances(
    draw: st.DrawFn, *, max_regions: int, max_reviewers: int, max_provinces: int
) -> dict[str, Any]:
    provinces = [str(11 + p) for p in range(draw(st.integers(1, max_provinces)))]
    region_provinces = draw(st.lists(st.sampled_from(provinces), max_size=max_regions))
    regions = [
        RegionSlot(f"{province}.{k + 1:02d}", province)
        for k, province in enumerate(region_provinces)
    ]
    ids = draw(st.lists(st.integers(1, 999), unique=True, max_size=max_reviewers))
    reviewers = [
        ReviewerSlot(id_, draw(st.none() | st.sampled_from(provinces))) for id_ in ids
    ]
    pairs = [(id_, region.code) for id_ in ids for region in regions]
    some_pairs = st.sets(st.sampled_from(pairs)) if pairs else st.just(set())
    return {
        "regions": regions,
        "reviewers": reviewers,
        "per_region": draw(st.integers(1, 4)),
        "max_per_reviewer": draw(st.none() | st.integers(1, 8)),
        "conflicts": draw(some_pairs),
        "home_province_rule": draw(st.booleans()),
        "existing": draw(some_pairs),
    }


def small() -> st.SearchStrategy[dict[str, Any]]:
    return instances(max_regions=12, max_reviewers=6, max_provinces=5)


def tiny() -> st.SearchStrategy[dict[str, Any]]:
    return instances(max_regions=5, max_reviewers=4, max_provinces=3)


def slot_model(
    instance: dict[str, Any],
) -> tuple[list[int], list[int], list[int], list[set[int]]]:
    """Per region: missing slots; per reviewer: existing load and room left;
    per region: the reviewers a new assignment may use."""
    regions, reviewers = instance["regions"], instance["reviewers"]
    existing, cap = instance["existing"], instance["max_per_reviewer"]
    kept = Counter(code for _, code in existing)
    needs = [max(0, instance["per_region"] - kept[region.code]) for region in regions]
    loads = [sum(1 for rid, _ in existing if rid == r.id) for r in reviewers]
    room = [len(regions) if cap is None else max(0, cap - load) for load in loads]
    allowed = [
        {
            j
            for j, reviewer in enumerate(reviewers)
            if (reviewer.id, region.code) not in existing
            and is_allowed(
                reviewer,
                region,
                instance["conflicts"],
                instance["home_province_rule"],
            )
        }
        for region in regions
    ]
    return needs, loads, room, allowed


def all_new_load_vectors(instance: dict[str, Any]) -> set[tuple[int, ...]]:
    """Every vector of new loads per reviewer that some valid filling reaches,
    by enumerating, region after region, every subset of allowed reviewers."""
    needs, _, room, allowed = slot_model(instance)
    reached = {tuple(0 for _ in room)}
    for need, candidates in zip(needs, allowed, strict=True):
        subsets = [
            chosen
            for size in range(min(need, len(candidates)) + 1)
            for chosen in itertools.combinations(sorted(candidates), size)
        ]
        reached = {
            grown
            for vector in reached
            for chosen in subsets
            if within(grown := add_one_each(vector, chosen), room)
        }
    return reached


def add_one_each(vector: tuple[int, ...], chosen: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(v + (j in chosen) for j, v in enumerate(vector))


def within(vector: tuple[int, ...], room: list[int]) -> bool:
    return all(v <= r for v, r in zip(vector, room, strict=True))


def reference_max_flow(
    needs: list[int], room: list[int], allowed: list[set[int]]
) -> int:
    """Slots fillable at most: Ford-Fulkerson by depth-first augmenting paths
    from each missing slot, on an explicit region -> reviewer assignment."""
    holders: list[set[int]] = [set() for _ in needs]  # reviewers per region
    taken = [0] * len(room)

    def augment(i: int, seen: set[int]) -> bool:
        for j in sorted(allowed[i] - holders[i]):
            if j in seen:
                continue
            seen.add(j)
            if taken[j] < room[j]:
                holders[i].add(j)
                taken[j] += 1
                return True
            for k, held in enumerate(holders):
                if j in held and k != i and augment_into(k, j, i, seen):
                    return True
        return False

    def augment_into(k: int, j: int, i: int, seen: set[int]) -> bool:
        """Free j's slot in region k by refilling k elsewhere; give j to i."""
        holders[k].discard(j)
        if augment(k, seen):
            holders[i].add(j)
            return True
        holders[k].add(j)
        return False

    filled = 0
    for i, need in enumerate(needs):
        for _ in range(need):
            if augment(i, set()):
                filled += 1
    return filled


# --- Property tests -----------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(small())
def test_hard_rules_and_loads_hold(instance: dict[str, Any]) -> None:
    plan = balance(**instance)

    assert_hard_rules(plan, **instance)
    assert_loads_consistent(plan, instance["reviewers"], instance["existing"])
    assert list(plan.new) == sorted(plan.new)


@settings(max_examples=150, deadline=None)
@given(small())
def test_coverage_and_max_load_are_optimal(instance: dict[str, Any]) -> None:
    plan = balance(**instance)
    needs, loads, room, allowed = slot_model(instance)

    best = reference_max_flow(needs, room, allowed)
    assert sum(plan.shortfall.values()) == sum(needs) - best
    if loads:
        lowest_max = next(
            ceiling
            for ceiling in itertools.count(max(loads))
            if reference_max_flow(
                needs,
                [
                    min(r, max(0, ceiling - load))
                    for r, load in zip(room, loads, strict=True)
                ],
                allowed,
            )
            == best
        )
        assert max(plan.loads.values()) == lowest_max


@settings(max_examples=150, deadline=None)
@given(tiny())
def test_matches_exhaustive_search(instance: dict[str, Any]) -> None:
    plan = balance(**instance)
    _, loads, _, _ = slot_model(instance)
    vectors = all_new_load_vectors(instance)

    best = max(sum(vector) for vector in vectors)
    assert len(plan.new) == best
    most_even = min(
        sorted((load + v for load, v in zip(loads, vector, strict=True)), reverse=True)
        for vector in vectors
        if sum(vector) == best
    )
    # Not only the lowest maximum load, but the most even loads overall.
    assert sorted(plan.loads.values(), reverse=True) == most_even


@settings(max_examples=100, deadline=None)
@given(small(), st.randoms(use_true_random=False))
def test_input_order_never_matters(instance: dict[str, Any], rng: Any) -> None:
    shuffled = {
        key: rng.sample(list(value), len(value))
        if key in ("regions", "reviewers", "conflicts", "existing")
        else value
        for key, value in instance.items()
    }

    plan, again = balance(**instance), balance(**shuffled)

    assert plan == again
    assert list(plan.loads) == list(again.loads)
    assert list(plan.shortfall) == list(again.shortfall)
