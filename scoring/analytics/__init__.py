"""The arithmetic of a cycle's results: levels, scores, bands, ranks, agreement.

Pure functions over pandas DataFrames and numpy arrays, no Django: the service
layer reads answers, consensus levels, upheld appeals, the framework and the
region registry into frames, calls compute_cycle() (or the single steps) and
stores what comes back. Keeping the method here lets it be tested without a
database.

The method
==========

Indicator level (indicator_levels)
    The level of one indicator for one region is, in this order of precedence:
    the level of an upheld appeal (the latest decided one when there are
    several), else the consensus level if one was recorded, else the median of
    the levels the reviewers gave (the median of 3 and 4 is 3.5). "No evidence"
    answers (NaN) are left out of the median. An indicator nobody gave a level
    to, with no consensus and no appeal, has no level: it is absent.

Aggregates (score_regions)
    Sub-dimension, dimension, readiness element, evaluation aspect and part
    scores are weighted means of indicator levels with the indicators' weights,
    renormalised over the indicators that have a level (an indicator without a
    level is left out, not counted as zero). The Blueprint part is the weighted
    mean of its indicators. The Practice part combines its evaluation aspects'
    scores with the aspect weights, renormalised over the aspects that have a
    score.

Readiness index
    The part scores combined with the part weights, renormalised over the parts
    that have a score. Levels are 1-5, so the index is on the 1-5 scale.
    Weights have no unit (only their ratios count). A part or aspect weight
    may be 0: its score is still reported but does not enter the index.

Coverage
    The weight share of the indicators that have a level, each indicator
    counted with its effective weight in the index:

        coverage = sum over parts p of  s_p * c_p
        s_p      = part weight of p / sum of the part weights of the parts the
                   framework has indicators in
        c_blueprint = sum of weights of blueprint indicators with a level
                      / sum of weights of all blueprint indicators
        c_practice  = sum over aspects a of  t_a * (sum of weights of a's
                      indicators with a level / sum of weights of all a's
                      indicators)
        t_a      = aspect weight of a / sum of the aspect weights of the
                   aspects the framework has indicators in

    Coverage is in [0, 1]. A region whose coverage is below the framework's
    minimum coverage is *incomplete*: it keeps its index (if one can be
    computed) and a band for display, but `complete` is False, it is never
    ranked and never counted toward the program target.

Band (assign_bands)
    Bands are ordered (code, upper bound) pairs, the top band without an upper
    bound. An index falls in the first band whose upper bound is greater than
    the index (the bound itself belongs to the next band).

Ranks (rank_regions)
    Among complete regions only: national, within kind (kota/kabupaten),
    within province, within cohort year and within size class ("small":
    population < 200,000; "medium": 200,000 to 1,000,000 inclusive; "large":
    > 1,000,000; unknown population: no class and no size rank). A higher
    index is better and ranks 1; tied regions share the lower rank number
    (1, 2, 2, 4).

Comparing indices
    Bands and ranks compare indices rounded to 6 decimals (INDEX_DECIMALS), so
    float noise neither splits a tie nor drops an index that is exactly on a
    band bound into the band below (3.4999996 counts as 3.5). The stored index
    is not rounded. Coverage is compared with the minimum with a 1e-9
    tolerance for the same reason.

Rank uncertainty (rank_intervals)
    A 90% interval of each complete region's national rank, from resampling
    the reviewers: in each draw, for every region and indicator, that region's
    answers to the indicator ("no evidence" included) are drawn with
    replacement, as many as there were; the indicator level is recomputed as
    their median (consensus and appeal levels stay fixed: they are decisions,
    not samples), then the index and the national ranks among the same set of
    complete regions (a region left without an index in a draw ranks last).
    rank_low is the (1 - level) / 2 quantile and rank_high the (1 + level) / 2
    quantile of the draws' ranks, both observed integer ranks (quantile
    methods "lower" and "higher": widened to whole ranks, never narrowed). It
    is a percentile interval: it usually holds the national rank, but need not
    (e.g. when a median sits at the edge of its reviewers' answers). The draws
    are seeded (numpy.random.default_rng(seed)), and row order of the input
    does not change them, so the same input gives the same interval.

    How it is fast: only cells whose answers differ and that have no decision
    can change; a resample's median depends only on how often each answer was
    drawn, so every possible median of every such cell is tabulated once (10
    multisets for 3 answers) and a draw is one random integer per cell; the
    index needs only, per region, the weighted sums over the blueprint and
    each aspect, so the fixed cells are summed once and the changing ones per
    draw. All of it is vectorised over regions and draws, in chunks of draws.

Reviewer agreement (agreement, krippendorff_alpha_ordinal)
    Krippendorff's alpha with the ordinal metric, computed from the coincidence
    matrix (Krippendorff 2011, "Computing Krippendorff's Alpha-Reliability").
    A unit is one (region, indicator); its values are the reviewers' levels;
    "no evidence" answers are missing values, not a value. Units with fewer
    than two levels are not pairable and drop out. Alpha is computed for the
    whole cycle and for each indicator; it is NaN when not computable (fewer
    than two pairable values, or a single value used throughout: no expected
    disagreement).

Reviewer leniency (leniency)
    For each reviewer, the mean of (their level - the indicator's final level)
    over the indicators they gave a level; positive means more generous than
    the final result. The final level includes the reviewer's own answer.

Progress to target (progress)
    The number of complete regions whose band is the target band or above,
    against the program target.

Frames
======

Input frames may carry extra columns; they are ignored. An empty frame without
columns (what `pd.DataFrame(list(queryset.values(...)))` gives for an empty
queryset) counts as empty with the right columns. Row order never matters:
every output is sorted by region and/or indicator (or reviewer). Weights and
levels may be Decimal; they are read as floats.

answers      region, indicator (int id), reviewer (int id),
             level (float 1-5; NaN = "no evidence")
consensus    region, indicator, level (1-5)
appeals      upheld appeals only: region, indicator, level (the new level, 1-5),
             decided_at (datetime; the latest wins, ties by the higher level)
indicators   indicator (int id), part ("blueprint" | "practice"),
             aspect ("baseline" | "output" | "outcome" | "impact" | "quick_win"
             for practice; "" or NaN for blueprint), sub_dimension (code, e.g.
             "GOV.LAY"), dimension (code, e.g. "GOV"), element (readiness
             element code, e.g. "STR"), weight (> 0)
regions      region, kind ("kota" | "kabupaten"), province, cohort_year (Int64,
             may be NA), population (Int64, may be NA)
levels       (indicator_levels) region, indicator, level (float), source
             ("appeal" | "consensus" | "median"), n_reviewers (int: reviewers
             who gave a level, "no evidence" not counted); only rows with a level
scores       (score_regions) region, index, coverage, blueprint, practice,
             then "dimension:<code>", "aspect:<code>", "element:<code>",
             "sub_dimension:<code>" for every code the framework uses (dimension,
             element and sub-dimension codes in the order of their first
             indicator by id, aspects in the order baseline, output, outcome,
             impact, quick_win); NaN where there is no data.
             assign_bands adds band (str, NaN without an index) and complete
             (bool); rank_regions adds size_class ("small" | "medium" | "large"
             | NaN) and rank_national, rank_kind, rank_province, rank_cohort,
             rank_size (Int64, NA when incomplete or the group is unknown);
             compute_cycle adds rank_low, rank_high (Int64, NA when incomplete).
intervals    (rank_intervals) region, rank_low, rank_high (Int64)
agreement    (agreement) indicator, alpha (float, NaN when not computable),
             n_units (int: regions where at least two reviewers gave a level)
leniency     (leniency) reviewer, mean_deviation (float), n (int)

Invalid input (duplicate keys, unknown indicators, levels outside 1-5,
non-positive indicator weights, negative part or aspect weights, a missing
weight, unordered bands) raises ValueError.
"""

from __future__ import annotations

from scoring.analytics.agreement import (
    agreement,
    krippendorff_alpha_ordinal,
    leniency,
    progress,
)
from scoring.analytics.bootstrap import (
    rank_intervals,
)
from scoring.analytics.cycle import (
    AGREEMENT_FLOOR,
    PEER_GROUPS,
    CycleResult,
    compute_cycle,
)
from scoring.analytics.frames import (
    ASPECTS,
    INDEX_DECIMALS,
    PARTS,
    RANK_GROUPS,
)
from scoring.analytics.levels import (
    indicator_levels,
    score_regions,
)
from scoring.analytics.ranks import (
    assign_bands,
    rank_regions,
)

__all__ = [
    "AGREEMENT_FLOOR",
    "ASPECTS",
    "INDEX_DECIMALS",
    "PARTS",
    "PEER_GROUPS",
    "RANK_GROUPS",
    "CycleResult",
    "agreement",
    "assign_bands",
    "compute_cycle",
    "indicator_levels",
    "krippendorff_alpha_ordinal",
    "leniency",
    "progress",
    "rank_intervals",
    "rank_regions",
    "score_regions",
]
