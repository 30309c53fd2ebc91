"""The arithmetic of a cycle's results: levels, scores, bands, ranks, agreement.

Pure functions over pandas DataFrames and numpy arrays, no Django: the service
layer reads answers, consensus levels, upheld appeals, the framework and the
region registry into frames, calls compute_cycle() (or the single steps) and
stores what comes back. Keeping the method here lets it be tested without a
database.

The method
==========

docs/scoring.md states every rule with its reason; in short:

Indicator level (indicator_levels)
    The latest upheld appeal, else the consensus, else the median of the
    reviewers' answers with "no evidence" (NaN) scoring as no_evidence_level
    (default the rubric's lowest, 1). A level is evidenced when it is a
    decision or a median with more than half real levels.

Aggregates and index (score_regions)
    Weighted means with fixed weights over every indicator of the framework:
    an indicator without a level (nobody answered) scores as no evidence;
    nothing is renormalised, so "no evidence" never raises any aggregate.
    Coverage is the index weight share of evidenced levels.

Band, completeness, ranks (assign_bands, rank_regions)
    Incomplete (coverage below min_coverage): no band, no rank. The band is
    decided on the published 6-decimal index rounded half-up to 2 decimals
    (what is shown). Ranked = complete and n_reviews >= min_reviews; ranks
    among ranked regions in every peer group compare 6 decimals, ties share
    the lower number.

Uncertainty (bootstrap.review_draws, compute_cycle)
    A review-level bootstrap (whole reviews drawn with replacement within each
    region, decisions fixed, a stream per region): index intervals (widened
    to hold the point), rank intervals in every peer group, and tied groups
    (a new block starts below its head in >= 95% of draws).

Severity (severity)
    An additive rater-effect model by least squares; the severity-adjusted
    index is a sensitivity result, never the official one.

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
             who gave a real level), evidenced (bool); rows with an answer or
             a decision
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
