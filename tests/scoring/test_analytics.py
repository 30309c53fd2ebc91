"""The scoring method in scoring.analytics, without a database.

A hand-computed cycle pins every number; hypothesis checks the properties the
method promises (bounds, monotonicity, order and scale invariance, rank rules);
Krippendorff's alpha is checked against published worked examples.
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scoring import analytics
from scoring.analytics import (
    agreement,
    assign_bands,
    compute_cycle,
    indicator_levels,
    krippendorff_alpha_ordinal,
    leniency,
    progress,
    rank_intervals,
    rank_regions,
    score_regions,
)

NA = np.nan
PART_WEIGHTS = {"blueprint": 50, "practice": 50}
ASPECT_WEIGHTS = {
    "baseline": 10,
    "output": 20,
    "outcome": 30,
    "impact": 30,
    "quick_win": 10,
}
BANDS = [
    ("kurang", 1.8),
    ("cukup", 2.6),
    ("baik", 3.5),
    ("sangat_baik", 4.2),
    ("memuaskan", None),
]
WEIGHTS = {"part_weights": PART_WEIGHTS, "aspect_weights": ASPECT_WEIGHTS}
CYCLE = {
    **WEIGHTS,
    "bands": BANDS,
    "min_coverage": 0.8,
    "target_band": "baik",
    "target": 100,
}
PROPERTY = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
# compute_cycle runs the whole pipeline: fewer, larger examples.
CYCLE_PROPERTY = settings(PROPERTY, max_examples=20)


# The hand-computed cycle ----------------------------------------------------

INDICATORS = pd.DataFrame(
    [
        # indicator, part, aspect, sub_dimension, dimension, element, weight
        (1, "blueprint", "", "GOV.LAY", "GOV", "STR", 2.0),
        (2, "blueprint", "", "ECO.INV", "ECO", "INF", 1.0),
        (3, "practice", "baseline", "GOV.LAY", "GOV", "SUP", 1.0),
        (4, "practice", "output", "ECO.INV", "ECO", "STR", 1.0),
        (5, "practice", "output", "SOC.EDU", "SOC", "INF", 3.0),
        (6, "practice", "outcome", "SOC.EDU", "SOC", "SUP", 1.0),
    ],
    columns=[
        "indicator",
        "part",
        "aspect",
        "sub_dimension",
        "dimension",
        "element",
        "weight",
    ],
)

# region -> indicator -> levels of reviewers 1, 2, 3 (None: did not answer).
ANSWERED = {
    "A": {
        1: (3, 4, 4),  # median 4
        2: (2, 3, NA),  # "no evidence" scores 1: median of 1, 2, 3 is 2
        3: (1, 2, 3),  # median 2, but the consensus is 3
        4: (4, 4, 5),  # 4
        5: (3, 3, 3),  # 3, consensus 2, appeals 4 then 5: the later appeal wins
        6: (2, 3, 4),  # 3
    },
    "B": {
        1: (2, 2, 3),  # 2
        2: (NA, NA, NA),  # no evidence at all: level 1, not evidenced
        3: (3, 4, None),  # two answers: 3.5
        4: (2, 3, 3),  # 3
        5: (2, 2, 2),  # 2
        6: (1, 2, 2),  # 2
    },
    "C": {1: (5, 5, 5), 3: (5, 5, 5)},  # a high index on too little evidence
}


def answers_frame(answered: dict = ANSWERED) -> pd.DataFrame:
    rows = [
        (region, indicator, reviewer, level)
        for region, by_indicator in answered.items()
        for indicator, levels in by_indicator.items()
        for reviewer, level in enumerate(levels, start=1)
        if level is not None
    ]
    return pd.DataFrame(rows, columns=["region", "indicator", "reviewer", "level"])


ANSWERS = answers_frame()
CONSENSUS = pd.DataFrame(
    [("A", 3, 3), ("A", 5, 2)], columns=["region", "indicator", "level"]
)
APPEALS = pd.DataFrame(
    [
        ("A", 5, 5, pd.Timestamp("2017-09-02 10:00", tz="Asia/Jakarta")),
        ("A", 5, 4, pd.Timestamp("2017-09-01 10:00", tz="Asia/Jakarta")),
    ],
    columns=["region", "indicator", "level", "decided_at"],
)
REGIONS = pd.DataFrame(
    {
        "region": ["A", "B", "C"],
        "kind": ["kota", "kabupaten", "kota"],
        "province": ["31", "31", "32"],
        "cohort_year": pd.array([2017, 2018, None], dtype="Int64"),
        "population": pd.array([150_000, 1_200_000, None], dtype="Int64"),
    }
)

# Region A: blueprint (2*4 + 1*2) / 3 = 10/3; aspects baseline 3, output
# (1*4 + 3*5) / 4 = 4.75, outcome 3; practice (10*3 + 20*4.75 + 30*3) / 60.
A_PRACTICE = (10 * 3 + 20 * 4.75 + 30 * 3) / 60
A_INDEX = (10 / 3 + A_PRACTICE) / 2
# Region B: blueprint (2*2 + 1*1) / 3 (indicator 2 is no evidence: 1, not
# left out); baseline 3.5, output (1*3 + 3*2) / 4 = 2.25, outcome 2; coverage
# 0.5 * 2/3 + 0.5 * 1 (indicator 2 is not evidenced).
B_PRACTICE = (10 * 3.5 + 20 * 2.25 + 30 * 2) / 60
B_INDEX = (5 / 3 + B_PRACTICE) / 2
# Region C: two 5s, the four unanswered indicators score 1: blueprint
# (2*5 + 1) / 3, practice (10*5 + 20*1 + 30*1) / 60; coverage 5/12.
C_INDEX = (11 / 3 + 100 / 60) / 2


@pytest.fixture(scope="module")
def result() -> analytics.CycleResult:
    return compute_cycle(
        ANSWERS, CONSENSUS, APPEALS, INDICATORS, REGIONS, draws=200, **CYCLE
    )


def by_region(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.set_index("region")


def test_levels_follow_appeal_then_consensus_then_median(result):
    levels = result.levels.set_index(["region", "indicator"])
    expected = {
        ("A", 1): (4.0, "median", 3),
        ("A", 2): (2.0, "median", 2),
        ("A", 3): (3.0, "consensus", 3),
        ("A", 4): (4.0, "median", 3),
        ("A", 5): (5.0, "appeal", 3),
        ("A", 6): (3.0, "median", 3),
        ("B", 1): (2.0, "median", 3),
        ("B", 2): (1.0, "median", 0),
        ("B", 3): (3.5, "median", 2),
        ("B", 4): (3.0, "median", 3),
        ("B", 5): (2.0, "median", 3),
        ("B", 6): (2.0, "median", 3),
        ("C", 1): (5.0, "median", 3),
        ("C", 3): (5.0, "median", 3),
    }
    assert list(levels.index) == sorted(expected)
    for key, (level, source, n_reviewers) in expected.items():
        assert levels.loc[key, "level"] == level
        assert levels.loc[key, "source"] == source
        assert levels.loc[key, "n_reviewers"] == n_reviewers
        # Evidenced: a decision, or a majority of real levels.
        assert levels.loc[key, "evidenced"] == (key != ("B", 2))
    assert list(result.levels.columns) == [
        "region",
        "indicator",
        "level",
        "source",
        "n_reviewers",
        "evidenced",
    ]


def test_scores_of_the_hand_computed_cycle(result):
    scores = by_region(result.scores)
    a, b, c = scores.loc["A"], scores.loc["B"], scores.loc["C"]
    assert a["blueprint"] == pytest.approx(10 / 3)
    assert a["practice"] == pytest.approx(A_PRACTICE)
    assert a["index"] == pytest.approx(A_INDEX)
    assert a["coverage"] == pytest.approx(1.0)
    assert a["aspect:baseline"] == pytest.approx(3.0)
    assert a["aspect:output"] == pytest.approx(4.75)
    assert a["aspect:outcome"] == pytest.approx(3.0)
    assert a["dimension:GOV"] == pytest.approx(11 / 3)
    assert a["dimension:ECO"] == pytest.approx(3.0)
    assert a["dimension:SOC"] == pytest.approx(4.5)
    assert a["element:STR"] == pytest.approx(4.0)
    assert a["element:INF"] == pytest.approx(4.25)
    assert a["element:SUP"] == pytest.approx(3.0)
    assert a["sub_dimension:SOC.EDU"] == pytest.approx(4.5)

    assert b["blueprint"] == pytest.approx(5 / 3)
    assert b["practice"] == pytest.approx(B_PRACTICE)
    assert b["index"] == pytest.approx(B_INDEX)
    assert b["coverage"] == pytest.approx(0.5 * 2 / 3 + 0.5)
    assert b["dimension:ECO"] == pytest.approx(2.0)  # indicator 2 scores 1

    # Not renormalised over its two 5s: the missing indicators score 1.
    assert c["index"] == pytest.approx(C_INDEX)
    assert c["coverage"] == pytest.approx(5 / 12)
    assert c["aspect:output"] == 1.0
    assert c["dimension:SOC"] == 1.0


def test_score_columns_in_framework_order(result):
    assert list(result.scores.columns[:5]) == [
        "region",
        "index",
        "coverage",
        "blueprint",
        "practice",
    ]
    groups = [name for name in result.scores.columns if ":" in name]
    assert groups == [
        "dimension:GOV",
        "dimension:ECO",
        "dimension:SOC",
        "aspect:baseline",
        "aspect:output",
        "aspect:outcome",
        "element:STR",
        "element:INF",
        "element:SUP",
        "sub_dimension:GOV.LAY",
        "sub_dimension:ECO.INV",
        "sub_dimension:SOC.EDU",
    ]


def test_bands_completeness_and_ranks(result):
    scores = by_region(result.scores)
    assert scores["band"].iloc[:2].tolist() == ["baik", "cukup"]
    assert pd.isna(scores.loc["C", "band"])  # incomplete: no band
    assert scores["unranked_reason"].to_dict() == {"A": "", "B": "", "C": "incomplete"}
    assert scores["ranked"].to_dict() == {"A": True, "B": True, "C": False}
    assert scores["complete"].to_dict() == {"A": True, "B": True, "C": False}
    assert scores["size_class"].iloc[:2].tolist() == ["small", "large"]
    assert pd.isna(scores.loc["C", "size_class"])
    ranks = scores[[*analytics.RANK_GROUPS, "rank_national"]]
    assert ranks.loc["A"].tolist() == [1, 1, 1, 1, 1]
    assert ranks.loc["B"].tolist() == [1, 2, 1, 1, 2]  # kind, province, ...
    assert ranks.loc["C"].isna().all()
    assert pd.isna(scores.loc["C", "rank_low"])
    for column in [*analytics.RANK_GROUPS, "rank_national", "rank_low"]:
        assert scores[column].dtype == "Int64"


def test_progress_counts_complete_regions_at_target_band_or_above(result):
    # A (baik) counts; B (cukup) is below; C is incomplete.
    assert result.progress == {"reached": 1, "target": 100}
    assert progress(result.scores, bands=BANDS, target_band="cukup", target=3) == {
        "reached": 2,
        "target": 3,
    }
    with pytest.raises(ValueError, match="target band"):
        progress(result.scores, bands=BANDS, target_band="emas", target=3)


def test_leniency_against_final_levels(result):
    frame = result.leniency.set_index("reviewer")
    # Reviewer 1: A -1, 0, -2, 0, -2, -1; B 0, -0.5, -1, 0, -1; C 0, 0.
    assert frame.loc[1, "mean_deviation"] == pytest.approx(-8.5 / 13)
    assert frame.loc[1, "n"] == 13
    # Reviewer 3: A 0, 0, 1, -2, 1 (no evidence on 2); B 1, 0, 0, 0; C 0, 0.
    assert frame.loc[3, "mean_deviation"] == pytest.approx(1 / 11)
    assert frame.loc[3, "n"] == 11


def test_agreement_per_indicator_matches_the_matrix_form(result):
    assert list(result.agreement["indicator"]) == [1, 2, 3, 4, 5, 6]
    frame = result.agreement.set_index("indicator")
    assert frame.loc[2, "n_units"] == 1  # B gave no level; A's two levels pair
    for indicator in (1, 3, 6):
        matrix = (
            ANSWERS[ANSWERS["indicator"] == indicator]
            .pivot(index="region", columns="reviewer", values="level")
            .to_numpy(float)
        )
        assert frame.loc[indicator, "alpha"] == pytest.approx(
            krippendorff_alpha_ordinal(matrix)
        )
    everything = ANSWERS.pivot_table(
        index=["region", "indicator"], columns="reviewer", values="level", dropna=False
    ).to_numpy(float)
    assert result.alpha == pytest.approx(krippendorff_alpha_ordinal(everything))


def test_region_without_levels_is_listed_incomplete():
    regions = pd.concat(
        [
            REGIONS,
            pd.DataFrame(
                {
                    "region": ["D"],
                    "kind": ["kota"],
                    "province": ["32"],
                    "cohort_year": pd.array([2017], dtype="Int64"),
                    "population": pd.array([200_000], dtype="Int64"),
                }
            ),
        ],
        ignore_index=True,
    )
    out = compute_cycle(
        ANSWERS, CONSENSUS, APPEALS, INDICATORS, regions, draws=20, **CYCLE
    )
    d = by_region(out.scores).loc["D"]
    assert np.isnan(d["index"])
    assert d["coverage"] == 0
    assert not d["complete"]
    assert pd.isna(d["band"])
    assert d["size_class"] == "medium"  # 200,000 is medium
    assert pd.isna(d["rank_national"])


def test_empty_frames_without_columns_and_decimal_weights():
    indicators = INDICATORS.assign(weight=INDICATORS["weight"].map(Decimal))
    empty = pd.DataFrame()
    out = compute_cycle(
        ANSWERS,
        empty,
        empty,
        indicators,
        REGIONS,
        draws=20,
        **{
            **CYCLE,
            "part_weights": {k: Decimal(v) for k, v in PART_WEIGHTS.items()},
            "bands": [(c, None if u is None else Decimal(str(u))) for c, u in BANDS],
            "min_coverage": Decimal("0.800"),
        },
    )
    a = by_region(out.scores).loc["A"]
    assert (out.levels["source"] == "median").all()
    # Without the consensus and the appeals, A's levels 3 and 5 are 2 and 3.
    practice = (10 * 2 + 20 * (4 + 3 * 3) / 4 + 30 * 3) / 60
    assert a["index"] == pytest.approx((10 / 3 + practice) / 2)
    empty_levels = indicator_levels(empty, empty, empty)
    assert empty_levels.empty
    assert list(empty_levels.columns) == list(out.levels.columns)


def test_median_of_three_and_four_is_three_and_a_half():
    answers = pd.DataFrame(
        {"region": ["X", "X"], "indicator": [1, 1], "reviewer": [1, 2], "level": [3, 4]}
    )
    levels = indicator_levels(answers, pd.DataFrame(), pd.DataFrame())
    assert levels["level"].tolist() == [3.5]
    assert levels["source"].tolist() == ["median"]


def test_appeal_beats_consensus_beats_median():
    answers = pd.DataFrame(
        {
            "region": ["X"] * 6,
            "indicator": [1, 1, 1, 2, 2, 2],
            "reviewer": [1, 2, 3] * 2,
            "level": [1, 1, 1, 1, 1, 1],
        }
    )
    consensus = pd.DataFrame(
        {"region": ["X", "X", "Y"], "indicator": [1, 2, 1], "level": [3, 3, 2]}
    )
    appeals = pd.DataFrame(
        {
            "region": ["X"],
            "indicator": [2],
            "level": [4],
            "decided_at": [pd.Timestamp("2017-10-01", tz="UTC")],
        }
    )
    levels = indicator_levels(answers, consensus, appeals)
    assert levels[["region", "indicator", "level", "source", "n_reviewers"]].to_dict(
        "records"
    ) == [
        {
            "region": "X",
            "indicator": 1,
            "level": 3.0,
            "source": "consensus",
            "n_reviewers": 3,
        },
        {
            "region": "X",
            "indicator": 2,
            "level": 4.0,
            "source": "appeal",
            "n_reviewers": 3,
        },
        {
            "region": "Y",
            "indicator": 1,
            "level": 2.0,
            "source": "consensus",
            "n_reviewers": 0,
        },
    ]


def test_appeals_decided_at_the_same_moment_do_not_depend_on_row_order():
    moment = pd.Timestamp("2017-10-01", tz="UTC")
    appeals = pd.DataFrame(
        {
            "region": ["X", "X"],
            "indicator": [1, 1],
            "level": [2, 4],
            "decided_at": [moment] * 2,
        }
    )
    first = indicator_levels(pd.DataFrame(), pd.DataFrame(), appeals)
    second = indicator_levels(pd.DataFrame(), pd.DataFrame(), appeals.iloc[::-1])
    pd.testing.assert_frame_equal(first, second)
    assert first["level"].tolist() == [4.0]


def test_band_bounds_are_exclusive_and_float_noise_is_ignored():
    scores = pd.DataFrame(
        {
            "region": list("pqrstu"),
            "index": [1.0, 1.8, 2.6 - 1e-12, 3.499999, 4.2, 5.0],
            "coverage": [1.0, 0.8 - 1e-12, 0.79, 1.0, 1.0, 1.0],
        }
    )
    out = assign_bands(scores, BANDS, min_coverage=0.8)
    assert out["band"].fillna(NA).tolist()[:2] + out["band"].tolist()[3:] == [
        "kurang",
        "cukup",  # 1.8 itself belongs to the band above
        # (2.6 - 1e-12 has coverage 0.79: incomplete, no band)
        "sangat_baik",  # shown as 3,50: the band starting at 3.5
        "memuaskan",
        "memuaskan",
    ]
    assert pd.isna(out["band"].iloc[2])
    assert out["complete"].tolist() == [True, True, False, True, True, True]


@pytest.mark.parametrize(
    ("index", "band"),
    [
        (3.4996, "sangat_baik"),  # shown 3,50: the band starting at 3.5
        (3.494999, "baik"),  # shown 3,49
        (3.495, "sangat_baik"),  # half-up: 3,50
        (2.5950004, "baik"),  # 6 decimals 2.595000, shown 2,60
        (1.7949994, "kurang"),  # 6 decimals 1.794999, shown 1,79
        (1.7949996, "cukup"),  # 6 decimals 1.795000 (as published), shown 1,80
    ],
)
def test_a_boundary_value_shows_its_own_band(index, band):
    scores = pd.DataFrame({"region": ["p"], "index": [index], "coverage": [1.0]})
    assert assign_bands(scores, BANDS, min_coverage=0.8)["band"].tolist() == [band]


@pytest.mark.parametrize(
    "bands",
    [
        [],
        [("a", 2.0), ("b", 3.0)],  # the top band needs no bound
        [("a", None), ("b", None)],
        [("a", 3.0), ("b", 2.0), ("c", None)],
        [("a", 2.0), ("a", None)],
    ],
)
def test_invalid_bands_are_refused(bands):
    scores = pd.DataFrame({"region": ["p"], "index": [2.0], "coverage": [1.0]})
    with pytest.raises(ValueError, match="band"):
        assign_bands(scores, bands, min_coverage=0.8)


def test_invalid_input_is_refused():
    levels = pd.DataFrame({"region": ["X"], "indicator": [99], "level": [3.0]})
    with pytest.raises(ValueError, match="not in the framework"):
        score_regions(levels, INDICATORS, **WEIGHTS)
    with pytest.raises(ValueError, match="duplicate"):
        indicator_levels(pd.concat([ANSWERS, ANSWERS.iloc[:1]]), CONSENSUS, APPEALS)
    with pytest.raises(ValueError, match="between 1 and 5"):
        indicator_levels(ANSWERS.assign(level=6), CONSENSUS, APPEALS)
    with pytest.raises(ValueError, match="weights must be finite and > 0"):
        score_regions(ANSWERS.iloc[:0], INDICATORS.assign(weight=0.0), **WEIGHTS)
    with pytest.raises(ValueError, match="aspect_weights lacks"):
        score_regions(
            ANSWERS.iloc[:0],
            INDICATORS,
            part_weights=PART_WEIGHTS,
            aspect_weights={"baseline": 1},
        )
    with pytest.raises(ValueError, match="missing from regions"):
        compute_cycle(
            ANSWERS, CONSENSUS, APPEALS, INDICATORS, REGIONS.iloc[:2], **CYCLE
        )


# Properties -----------------------------------------------------------------

LEVELS = st.sampled_from([1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0])
ASPECT_OR_BLUEPRINT = st.sampled_from([None, *analytics.ASPECTS])


@st.composite
def frameworks(draw) -> pd.DataFrame:
    count = draw(st.integers(1, 6))
    rows = []
    for number in range(count):
        aspect = draw(ASPECT_OR_BLUEPRINT)
        dimension = draw(st.sampled_from(["GOV", "ECO", "SOC"]))
        rows.append(
            {
                "indicator": 10 + number,
                "part": "blueprint" if aspect is None else "practice",
                "aspect": "" if aspect is None else aspect,
                "sub_dimension": f"{dimension}.{draw(st.sampled_from('XY'))}",
                "dimension": dimension,
                "element": draw(st.sampled_from(["STR", "INF", "SUP"])),
                "weight": draw(st.sampled_from([0.5, 1.0, 2.0, 3.0, 7.5])),
            }
        )
    return pd.DataFrame(rows)


@st.composite
def level_frames(draw, indicators: pd.DataFrame) -> pd.DataFrame:
    rows = [
        (region, indicator, draw(LEVELS))
        for region in ("r1", "r2", "r3", "r4")
        for indicator in indicators["indicator"]
        if draw(st.booleans()) or draw(st.booleans())
    ]
    return pd.DataFrame(rows, columns=["region", "indicator", "level"])


@st.composite
def scored(draw):
    indicators = draw(frameworks())
    return indicators, draw(level_frames(indicators))


@st.composite
def cycles(draw):
    """A small cycle: answers (some "no evidence"), consensus, appeals."""
    indicators = draw(frameworks())
    regions = [f"r{n}" for n in range(draw(st.integers(1, 5)))]
    answer_level = st.one_of(st.just(NA), st.integers(1, 5).map(float))
    answers = [
        (region, indicator, reviewer, draw(answer_level))
        for region in regions
        for indicator in indicators["indicator"]
        for reviewer in (1, 2, 3)
        if draw(st.integers(0, 5)) > 0
    ]
    cells = sorted({(r, i) for r, i, _, _ in answers})
    decided = (
        st.lists(st.sampled_from(cells), unique=True, max_size=3)
        if cells
        else st.just([])
    )
    consensus = [(r, i, draw(st.integers(1, 5))) for r, i in draw(decided)]
    appeals = [
        (
            r,
            i,
            draw(st.integers(1, 5)),
            pd.Timestamp("2017-09-01", tz="UTC")
            + pd.Timedelta(days=draw(st.integers(0, 2))),
        )
        for r, i in draw(decided)
    ]
    meta = pd.DataFrame(
        {
            "region": regions,
            "kind": [draw(st.sampled_from(["kota", "kabupaten"])) for _ in regions],
            "province": [draw(st.sampled_from(["31", "32"])) for _ in regions],
            "cohort_year": pd.array(
                [draw(st.sampled_from([2017, 2018, None])) for _ in regions],
                dtype="Int64",
            ),
            "population": pd.array(
                [
                    draw(
                        st.sampled_from([None, 100_000, 200_000, 1_000_000, 1_000_001])
                    )
                    for _ in regions
                ],
                dtype="Int64",
            ),
        }
    )
    return (
        pd.DataFrame(answers, columns=["region", "indicator", "reviewer", "level"]),
        pd.DataFrame(consensus, columns=["region", "indicator", "level"]),
        pd.DataFrame(appeals, columns=["region", "indicator", "level", "decided_at"]),
        indicators,
        meta,
    )


@PROPERTY
@given(scored())
def test_index_is_on_the_level_scale(case):
    indicators, levels = case
    scores = score_regions(levels, indicators, **WEIGHTS)
    index = scores["index"].dropna()
    assert ((index >= 1 - 1e-9) & (index <= 5 + 1e-9)).all()
    assert ((scores["coverage"] >= 0) & (scores["coverage"] <= 1 + 1e-9)).all()
    assert scores["index"].notna().eq(scores["coverage"] > 0).all()


@PROPERTY
@given(scored(), st.data())
def test_raising_one_level_never_lowers_the_index(case, data):
    indicators, levels = case
    if levels.empty:
        return
    row = data.draw(st.integers(0, len(levels) - 1))
    raised = levels.copy()
    raised.loc[row, "level"] = data.draw(
        st.sampled_from(
            [v for v in (1.0, 2.0, 3.0, 4.0, 5.0) if v >= levels.loc[row, "level"]]
        )
    )
    before = by_region(score_regions(levels, indicators, **WEIGHTS))
    after = by_region(score_regions(raised, indicators, **WEIGHTS))
    region = levels.loc[row, "region"]
    assert after.loc[region, "index"] >= before.loc[region, "index"] - 1e-12
    other = before.index != region
    pd.testing.assert_frame_equal(before[other], after[other])


@PROPERTY
@given(scored(), st.sampled_from([0.001, 0.37, 3.0, 1000.0]))
def test_weights_have_no_unit(case, factor):
    indicators, levels = case
    before = score_regions(levels, indicators, **WEIGHTS)
    scaled = score_regions(
        levels,
        indicators.assign(weight=indicators["weight"] * factor),
        part_weights={k: v * factor for k, v in PART_WEIGHTS.items()},
        aspect_weights={k: v / factor for k, v in ASPECT_WEIGHTS.items()},
    )
    pd.testing.assert_frame_equal(before, scaled, check_exact=False, atol=1e-9, rtol=0)


@CYCLE_PROPERTY
@given(cycles(), st.randoms(use_true_random=False))
def test_row_order_of_the_inputs_changes_nothing(case, random):
    def shuffled(frame: pd.DataFrame) -> pd.DataFrame:
        order = list(range(len(frame)))
        random.shuffle(order)
        return frame.iloc[order]

    first = compute_cycle(*case, draws=30, **CYCLE)
    second = compute_cycle(*(shuffled(frame) for frame in case), draws=30, **CYCLE)
    for name in ("levels", "scores", "agreement", "leniency"):
        pd.testing.assert_frame_equal(getattr(first, name), getattr(second, name))
    assert first.progress == second.progress
    assert first.alpha == pytest.approx(second.alpha, nan_ok=True)


@CYCLE_PROPERTY
@given(cycles())
def test_ranks_follow_the_index(case):
    scores = compute_cycle(*case, draws=10, **{**CYCLE, "min_coverage": 0.5}).scores
    complete = scores[scores["complete"]]
    incomplete = scores[~scores["complete"]]
    for column in [*analytics.RANK_GROUPS, "rank_national", "rank_low", "rank_high"]:
        assert incomplete[column].isna().all()
    key = complete["index"].round(analytics.INDEX_DECIMALS).to_numpy()
    rank = complete["rank_national"].to_numpy(int)
    # Rank 1 is the highest; tied regions share the lower number: 1, 2, 2, 4.
    assert (rank == 1 + (key[None, :] > key[:, None]).sum(axis=1)).all()
    higher = key[:, None] > key[None, :]
    assert (rank[:, None] < rank[None, :])[higher].all()
    for column, group in analytics.RANK_GROUPS.items():
        if group == "size_class":
            groups = complete["size_class"]
        else:
            groups = complete["region"].map(case[4].set_index("region")[group])
        for _, members in complete.groupby(groups.to_numpy(), dropna=True):
            k = members["index"].round(analytics.INDEX_DECIMALS).to_numpy()
            expected = 1 + (k[None, :] > k[:, None]).sum(axis=1)
            assert (members[column].to_numpy(int) == expected).all()
        assert complete.loc[groups.isna().to_numpy(), column].isna().all()


def test_ties_share_the_lower_rank():
    scores = pd.DataFrame(
        {
            "region": list("pqrst"),
            "index": [4.0, 3.0, 3.0 + 1e-12, 2.0, 4.5],
            "coverage": [1.0, 1.0, 1.0, 1.0, 0.5],
        }
    )
    regions = pd.DataFrame(
        {
            "region": list("pqrst"),
            "kind": ["kota"] * 5,
            "province": ["31"] * 5,
            "cohort_year": pd.array([2017] * 5, dtype="Int64"),
            "population": pd.array([None] * 5, dtype="Int64"),
        }
    )
    ranked = rank_regions(assign_bands(scores, BANDS, min_coverage=0.8), regions)
    assert ranked["rank_national"].tolist() == [1, 2, 2, 4, pd.NA]
    assert ranked["rank_size"].isna().all()  # unknown population: no size class


# Rank intervals -------------------------------------------------------------


def test_rank_intervals_are_reproducible(result):
    complete = result.scores.loc[result.scores["complete"], "region"].tolist()
    case = (ANSWERS, CONSENSUS, APPEALS, INDICATORS)
    first = rank_intervals(*case, **WEIGHTS, complete_regions=complete, draws=200)
    again = rank_intervals(*case, **WEIGHTS, complete_regions=complete, draws=200)
    pd.testing.assert_frame_equal(first, again)
    stored = by_region(result.scores).loc[["A", "B"], ["rank_low", "rank_high"]]
    pd.testing.assert_frame_equal(by_region(first), stored)
    assert list(first.columns) == ["region", "rank_low", "rank_high"]


@CYCLE_PROPERTY
@given(cycles())
def test_identical_reviews_give_point_intervals(case):
    answers, consensus, appeals, indicators, regions = case
    # Every review of a region answers the same indicators with the same
    # levels: every draw reproduces the point index and ranks.
    cells = answers[["region", "indicator"]].drop_duplicates()
    reviews = answers[["region", "reviewer"]].drop_duplicates()
    agreed = cells.merge(reviews, on="region")
    agreed["level"] = (
        agreed["region"].str[1:].astype(int) + agreed["indicator"]
    ) % 5 + 1.0
    out = compute_cycle(
        agreed, consensus, appeals, indicators, regions, draws=25, **CYCLE
    )
    scored = out.scores[out.scores["index"].notna()]
    assert np.allclose(scored["index_low"], scored["index"])
    assert np.allclose(scored["index_high"], scored["index"])
    ranked = out.scores[out.scores["ranked"]]
    assert (ranked["rank_low"] == ranked["rank_national"]).all()
    assert (ranked["rank_high"] == ranked["rank_national"]).all()


def test_a_draw_takes_whole_reviews():
    # Review 1 gives 5 everywhere, review 2 gives 1: a drawn pair of reviews
    # is (1, 1) -> 5, (2, 2) -> 1 or mixed -> median 3 on every indicator at
    # once, so the index is 5, 1 or 3 (a per-answer bootstrap would mix).
    rows = [("X", i, j, 5.0 if j == 1 else 1.0) for i in range(1, 7) for j in (1, 2)]
    answers = pd.DataFrame(rows, columns=["region", "indicator", "reviewer", "level"])
    regions = REGIONS.iloc[:1].assign(region="X")
    values = analytics.bootstrap.review_draws(
        analytics.frames._answers(answers),
        analytics.frames._decisions(pd.DataFrame(), pd.DataFrame()),
        analytics.framework._framework(INDICATORS, PART_WEIGHTS, ASPECT_WEIGHTS),
        ["X"],
        no_evidence_level=1.0,
        draws=4000,
        seed=3,
    )[:, 0]
    found, counts = np.unique(values.round(9), return_counts=True)
    assert found.tolist() == [1.0, 3.0, 5.0]
    assert counts / 4000 == pytest.approx([0.25, 0.5, 0.25], abs=0.03)
    out = compute_cycle(answers, None, None, INDICATORS, regions, draws=50, **CYCLE)
    assert out.scores["index"].tolist() == [3.0]
    # Relabelled reviewers give the same draws (reviews ordered by content).
    swapped = answers.assign(reviewer=3 - answers["reviewer"])
    again = compute_cycle(swapped, None, None, INDICATORS, regions, draws=50, **CYCLE)
    pd.testing.assert_frame_equal(
        out.scores[["index_low", "index_high"]],
        again.scores[["index_low", "index_high"]],
    )


# Krippendorff's alpha -------------------------------------------------------

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", and
# Content Analysis (2018), p. 290: 4 observers, 12 units, values 1-5, missing
# values. Worked answers: nominal 0.743, ordinal 0.815, interval 0.849.
KRIPPENDORFF_2011 = np.array(
    [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, NA, NA, NA],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NA, NA],
        [NA, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, 3],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NA],
    ]
).T  # units x coders

# Hayes & Krippendorff (2007), "Answering the call for a standard reliability
# measure for coding data", 40 units x 5 observers, ordinal alpha 0.7598.
HAYES_2007 = np.array(
    [
        [1, 1, 2, NA, 2],
        [1, 1, 0, 1, NA],
        [2, 3, 3, 3, NA],
        [NA, 0, 0, NA, 0],
        [0, 0, 0, NA, 0],
        [0, 0, 0, NA, 0],
        [1, 0, 2, NA, 1],
        [1, NA, 2, 0, NA],
        [2, 2, 2, NA, 2],
        [2, 1, 1, 1, NA],
        [NA, 1, 0, 0, NA],
        [0, 0, 0, 0, NA],
        [1, 2, 2, 2, NA],
        [3, 3, 2, 2, 3],
        [1, 1, 1, NA, 1],
        [1, 1, 1, NA, 1],
        [2, 1, 2, NA, 2],
        [1, 2, 3, 3, NA],
        [1, 1, 0, 1, NA],
        [0, 0, 0, NA, 0],
        [0, 0, 1, 1, NA],
        [0, 0, NA, 0, 0],
        [2, 3, 3, 3, NA],
        [0, 0, 0, 0, NA],
        [1, 2, NA, 2, 2],
        [0, 1, 1, 1, NA],
        [0, 0, 0, 1, 0],
        [1, 2, 1, 2, NA],
        [1, 1, 2, 2, NA],
        [1, 1, 2, NA, 2],
        [1, 1, 0, NA, 0],
        [2, 1, 2, 1, NA],
        [2, 2, NA, 2, 2],
        [3, 2, 2, 2, NA],
        [2, 2, 2, NA, 2],
        [2, 2, 3, NA, 2],
        [2, 2, 2, NA, 2],
        [2, 2, NA, 1, 2],
        [2, 2, 2, 2, NA],
        [1, 1, 1, NA, 1],
    ]
)


def test_krippendorff_textbook_examples():
    assert krippendorff_alpha_ordinal(KRIPPENDORFF_2011) == pytest.approx(
        0.815, abs=5e-4
    )
    assert krippendorff_alpha_ordinal(HAYES_2007) == pytest.approx(0.7598, abs=5e-5)
    # The coders' order and the units' order do not matter.
    assert krippendorff_alpha_ordinal(KRIPPENDORFF_2011[::-1, ::-1]) == pytest.approx(
        krippendorff_alpha_ordinal(KRIPPENDORFF_2011)
    )


def test_krippendorff_hand_computed():
    # Units (1, 1), (1, 2), (2, 2): coincidences o11 = 2, o12 = o21 = 1,
    # o22 = 2; n1 = n2 = 3, n = 6; ordinal distance^2 between 1 and 2 is
    # (3/2 + 3/2)^2 = 9. alpha = 1 - (n - 1) * (2 * 9) / (2 * 3 * 3 * 9) = 4/9.
    values = np.array([[1, 1], [1, 2], [2, 2]], dtype=float)
    assert krippendorff_alpha_ordinal(values) == pytest.approx(4 / 9)
    # Only the order of the values counts, not their spacing.
    assert krippendorff_alpha_ordinal(values * 10 + 7) == pytest.approx(4 / 9)


def test_krippendorff_edge_cases():
    perfect = np.array([[1, 1, 1], [2, 2, NA], [5, 5, 5], [3, NA, 3]])
    assert krippendorff_alpha_ordinal(perfect) == 1.0
    assert np.isnan(krippendorff_alpha_ordinal(np.full((4, 3), NA)))
    assert np.isnan(krippendorff_alpha_ordinal(np.array([[1.0, NA], [NA, 2.0]])))
    assert np.isnan(krippendorff_alpha_ordinal(np.full((3, 2), 4.0)))  # no variation
    alpha, frame = agreement(pd.DataFrame())
    assert np.isnan(alpha)
    assert frame.empty


def test_leniency_of_a_reviewer_without_levels_is_absent():
    answers = pd.DataFrame(
        {
            "region": ["X", "X"],
            "indicator": [1, 1],
            "reviewer": [1, 2],
            "level": [4, NA],
        }
    )
    # The final level is the median of 4 and "no evidence" (1): 2.5.
    frame = leniency(answers, indicator_levels(answers, pd.DataFrame(), pd.DataFrame()))
    assert frame.to_dict("records") == [{"reviewer": 1, "mean_deviation": 1.5, "n": 1}]
