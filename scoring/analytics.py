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

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "ASPECTS",
    "INDEX_DECIMALS",
    "PARTS",
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

PARTS = ("blueprint", "practice")
ASPECTS = ("baseline", "output", "outcome", "impact", "quick_win")
GROUP_KINDS = ("dimension", "aspect", "element", "sub_dimension")
LEVEL_MIN, LEVEL_MAX = 1.0, 5.0
INDEX_DECIMALS = 6
COVERAGE_TOLERANCE = 1e-9
SMALL_BELOW = 200_000  # population < 200,000: small
LARGE_ABOVE = 1_000_000  # population > 1,000,000: large; in between: medium
RANK_GROUPS = {
    "rank_kind": "kind",
    "rank_province": "province",
    "rank_cohort": "cohort_year",
    "rank_size": "size_class",
}
# Level cells (draws x regions x indicators) computed at once in rank_intervals.
_CHUNK_CELLS = 1_000_000
# Most answers-per-cell tuples (n**n) for which medians are tabulated.
_TUPLE_LIMIT = 50_000

_ANSWERS = {"region": "object", "indicator": "int64", "reviewer": "int64"}
_ANSWERS |= {"level": "float64"}
_DECISIONS = {"region": "object", "indicator": "int64", "level": "float64"}
_APPEALS = _DECISIONS | {"decided_at": "object"}
_LEVELS = {"region": "object", "indicator": "int64", "level": "float64"}
_INDICATORS = {
    "indicator": "int64",
    "part": "object",
    "aspect": "object",
    "sub_dimension": "object",
    "dimension": "object",
    "element": "object",
    "weight": "float64",
}
_REGIONS = {
    "region": "object",
    "kind": "object",
    "province": "object",
    "cohort_year": "Int64",
    "population": "Int64",
}


# --------------------------------------------------------------------------
# Input checks


def _columns(frame: pd.DataFrame | None, spec: Mapping[str, str], name: str):
    """The frame's `spec` columns (a fresh frame), or an empty frame with them
    when `frame` is None or has no columns at all."""
    if frame is None or len(frame.columns) == 0:
        return pd.DataFrame({c: pd.Series(dtype=d) for c, d in spec.items()})
    missing = [c for c in spec if c not in frame.columns]
    if missing:
        raise ValueError(f"{name} lacks column(s): {', '.join(missing)}")
    return frame[list(spec)].reset_index(drop=True)


def _numbers(series: pd.Series, name: str) -> np.ndarray:
    try:
        values = pd.to_numeric(series)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{name} must be numbers") from error
    return values.to_numpy(dtype="float64", na_value=np.nan)


def _ids(series: pd.Series, name: str) -> np.ndarray:
    values = _numbers(series, name)
    if np.isnan(values).any() or (values != np.round(values)).any():
        raise ValueError(f"{name} must be integer ids")
    return values.astype(np.int64)


def _levels(series: pd.Series, name: str, *, allow_missing: bool = True) -> np.ndarray:
    values = _numbers(series, name)
    missing = np.isnan(values)
    given = values[~missing]
    if ((given < LEVEL_MIN) | (given > LEVEL_MAX)).any():
        raise ValueError(f"{name} must be between 1 and 5")
    if not allow_missing and missing.any():
        raise ValueError(f"{name} must not be missing")
    return values


def _no_missing_keys(frame: pd.DataFrame, keys: list[str], name: str) -> None:
    if any(frame[key].isna().to_numpy().any() for key in keys):
        raise ValueError(f"{name}: {', '.join(keys)} must not be missing")


def _unique(frame: pd.DataFrame, keys: list[str], name: str) -> None:
    duplicated = frame.duplicated(keys, keep=False)
    if duplicated.any():
        example = frame.loc[duplicated, keys].iloc[0].tolist()
        raise ValueError(f"{name} has duplicate rows for {keys}: e.g. {example}")


def _weight(value: Any, name: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{name} must be a number") from error
    if not np.isfinite(number) or number < 0:
        raise ValueError(f"{name} must be a finite number >= 0")
    return number


def _codes(series: pd.Series) -> np.ndarray:
    """Codes as a numpy object array of str, missing as ""."""
    return series.astype(object).where(series.notna(), "").astype(str).to_numpy(object)


def _answers(answers: pd.DataFrame) -> pd.DataFrame:
    ans = _columns(answers, _ANSWERS, "answers")
    _no_missing_keys(ans, ["region"], "answers")
    ans["indicator"] = _ids(ans["indicator"], "answers.indicator")
    ans["reviewer"] = _ids(ans["reviewer"], "answers.reviewer")
    ans["level"] = _levels(ans["level"], "answers.level")
    _unique(ans, ["region", "indicator", "reviewer"], "answers")
    return ans


def _decisions(consensus: pd.DataFrame, appeals: pd.DataFrame) -> pd.DataFrame:
    """region, indicator, level, source for every decided (region, indicator):
    the latest upheld appeal, else the consensus. Sorted by region, indicator."""
    con = _columns(consensus, _DECISIONS, "consensus")
    _no_missing_keys(con, ["region"], "consensus")
    con["indicator"] = _ids(con["indicator"], "consensus.indicator")
    con["level"] = _levels(con["level"], "consensus.level", allow_missing=False)
    _unique(con, ["region", "indicator"], "consensus")

    app = _columns(appeals, _APPEALS, "appeals")
    _no_missing_keys(app, ["region"], "appeals")
    app["indicator"] = _ids(app["indicator"], "appeals.indicator")
    app["level"] = _levels(app["level"], "appeals.level", allow_missing=False)
    # Latest decision wins; equal times are settled by the higher level, so the
    # row order of the input never matters.
    app = app.sort_values(
        ["region", "indicator", "decided_at", "level"],
        na_position="first",
        kind="mergesort",
    ).drop_duplicates(["region", "indicator"], keep="last")

    decided = pd.concat(
        [
            app.loc[:, ["region", "indicator", "level"]].assign(source="appeal"),
            con.assign(source="consensus"),
        ],
        ignore_index=True,
    ).drop_duplicates(["region", "indicator"], keep="first")  # appeal over consensus
    return decided.sort_values(["region", "indicator"], kind="mergesort").reset_index(
        drop=True
    )


# --------------------------------------------------------------------------
# The framework as matrices


@dataclass(frozen=True)
class _Framework:
    ids: np.ndarray  # (I,) indicator ids, ascending
    weight: np.ndarray  # (I,)
    core: np.ndarray  # (I, 1 + A) weights: column 0 blueprint, then aspects
    aspects: tuple[str, ...]  # (A,)
    aspect_weight: np.ndarray  # (A,)
    part_weight: np.ndarray  # (2,) blueprint, practice
    effective: np.ndarray  # (I,) share of each indicator in the index; sums to 1
    groups: tuple[tuple[str, tuple[str, ...], np.ndarray], ...]  # kind, codes, (I, G)

    def positions(self, indicator: pd.Series, name: str) -> np.ndarray:
        ids = indicator.to_numpy(np.int64)
        pos = np.searchsorted(self.ids, ids)
        pos = np.minimum(pos, len(self.ids) - 1) if len(self.ids) else pos
        if len(ids) and (not len(self.ids) or (self.ids[pos] != ids).any()):
            unknown = sorted(set(ids.tolist()) - set(self.ids.tolist()))
            raise ValueError(f"{name} has indicators not in the framework: {unknown}")
        return pos


def _first_seen(codes: np.ndarray) -> tuple[str, ...]:
    return tuple(dict.fromkeys(c for c in codes.tolist() if c != ""))


def _framework(
    indicators: pd.DataFrame,
    part_weights: Mapping[str, Any],
    aspect_weights: Mapping[str, Any],
) -> _Framework:
    ind = _columns(indicators, _INDICATORS, "indicators")
    ind["indicator"] = _ids(ind["indicator"], "indicators.indicator")
    _unique(ind, ["indicator"], "indicators")
    ind = ind.sort_values("indicator", kind="mergesort").reset_index(drop=True)
    weight = _numbers(ind["weight"], "indicators.weight")
    if not np.all(np.isfinite(weight) & (weight > 0)):
        raise ValueError("indicator weights must be finite and > 0")

    part = _codes(ind["part"])
    aspect = _codes(ind["aspect"])
    unknown_parts = sorted(set(part.tolist()) - set(PARTS))
    if unknown_parts:
        raise ValueError(f"unknown part(s): {unknown_parts}")
    blueprint = part == "blueprint"
    practice = part == "practice"
    if (aspect[blueprint] != "").any():
        raise ValueError("blueprint indicators have no evaluation aspect")
    if (aspect[practice] == "").any():
        raise ValueError("every practice indicator needs an evaluation aspect")

    present_parts = [
        p for p, mask in zip(PARTS, (blueprint, practice), strict=True) if mask.any()
    ]
    missing = [p for p in present_parts if p not in part_weights]
    if missing:
        raise ValueError(f"part_weights lacks {missing}")
    part_weight = np.array(
        [
            _weight(part_weights[p], f"part weight {p}") if p in present_parts else 0.0
            for p in PARTS
        ]
    )
    if present_parts and part_weight.sum() == 0:
        raise ValueError("the part weights of the framework's parts are all zero")

    used = set(aspect[practice].tolist())
    aspects = tuple(a for a in ASPECTS if a in used) + tuple(
        sorted(used - set(ASPECTS))
    )
    missing = [a for a in aspects if a not in aspect_weights]
    if missing:
        raise ValueError(f"aspect_weights lacks {missing}")
    aspect_weight = np.array(
        [_weight(aspect_weights[a], f"aspect weight {a}") for a in aspects]
    )
    if aspects and aspect_weight.sum() == 0:
        raise ValueError("the aspect weights of the framework's aspects are all zero")

    member = np.zeros((len(part), 1 + len(aspects)))
    member[:, 0] = blueprint
    for k, code in enumerate(aspects):
        member[:, 1 + k] = practice & (aspect == code)
    core = member * weight[:, None]

    # Effective weight of each indicator in the index (for coverage).
    part_share = part_weight / part_weight.sum() if present_parts else part_weight
    totals = core.sum(axis=0)  # weight of each core column's indicators
    column_share = part_share[:1]
    if aspects:
        aspect_share = part_share[1] * aspect_weight / aspect_weight.sum()
        column_share = np.concatenate([column_share, aspect_share])
    with np.errstate(invalid="ignore", divide="ignore"):
        per_weight = np.where(totals > 0, column_share / totals, 0.0)
    effective = core @ per_weight

    groups = []
    for kind in GROUP_KINDS:
        codes = aspect if kind == "aspect" else _codes(ind[kind])
        order = aspects if kind == "aspect" else _first_seen(codes)
        matrix = np.stack([codes == c for c in order], axis=1) if order else None
        if matrix is None:
            matrix = np.zeros((len(codes), 0))
        groups.append((kind, order, matrix.astype(float) * weight[:, None]))

    return _Framework(
        ids=ind["indicator"].to_numpy(dtype=np.int64),
        weight=weight,
        core=core,
        aspects=aspects,
        aspect_weight=aspect_weight,
        part_weight=part_weight,
        effective=effective,
        groups=tuple(groups),
    )


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / den, np.nan)


def _weighted_means(levels: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """levels (N, K) with NaN, weights (K, G) -> (N, G) means over the non-NaN."""
    has = ~np.isnan(levels)
    return _ratio(np.where(has, levels, 0.0) @ weights, has @ weights)


def _combine(scores: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """scores (N, K) with NaN combined with weights (K,), renormalised."""
    return _weighted_means(scores, weights[:, None])[:, 0]


def _parts_and_index(fw: _Framework, levels: np.ndarray):
    """levels (N, I) -> blueprint (N,), aspects (N, A), practice (N,), index (N,)."""
    has = ~np.isnan(levels)
    return _index_from_sums(fw, np.where(has, levels, 0.0) @ fw.core, has @ fw.core)


def _index_from_sums(fw: _Framework, num: np.ndarray, den: np.ndarray):
    """The same from the sums over the blueprint and each aspect's indicators
    with a level, (N, 1 + A) each: num of weight * level, den of weight."""
    core = _ratio(num, den)
    blueprint, aspects = core[:, 0], core[:, 1:]
    practice = _combine(aspects, fw.aspect_weight)
    index = _combine(np.stack([blueprint, practice], axis=1), fw.part_weight)
    return blueprint, aspects, practice, index


# --------------------------------------------------------------------------
# Levels and scores


def indicator_levels(
    answers: pd.DataFrame, consensus: pd.DataFrame, appeals: pd.DataFrame
) -> pd.DataFrame:
    """The final level of every (region, indicator) that has one.

    answers: region, indicator, reviewer, level (NaN = "no evidence").
    consensus: region, indicator, level. appeals (upheld only): region,
    indicator, level, decided_at.

    Returns region, indicator, level (float), source ("appeal" | "consensus" |
    "median"), n_reviewers (int: how many reviewers gave a level), sorted by
    region and indicator. Precedence: the latest upheld appeal, then the
    consensus, then the median of the reviewers' levels; a cell with none of
    these is left out.
    """
    return _final_levels(_answers(answers), _decisions(consensus, appeals))


def _final_levels(ans: pd.DataFrame, decided: pd.DataFrame) -> pd.DataFrame:
    """indicator_levels from checked answers and _decisions()."""
    stats = (
        ans.groupby(["region", "indicator"], sort=True)["level"]
        .agg(median="median", n_reviewers="count")
        .reset_index()
    )
    out = stats.merge(decided, on=["region", "indicator"], how="outer", sort=True)
    has_decision = out["level"].notna()
    out["level"] = out["level"].where(has_decision, out["median"]).astype("float64")
    out["source"] = out["source"].where(has_decision, "median")
    out["n_reviewers"] = out["n_reviewers"].fillna(0).astype("int64")
    out = out.loc[out["level"].notna(), [*_LEVELS, "source", "n_reviewers"]]
    out["source"] = out["source"].astype("str")
    return out.sort_values(["region", "indicator"], kind="mergesort").reset_index(
        drop=True
    )


def _level_matrix(levels: pd.DataFrame, fw: _Framework, name: str):
    """(sorted region Index, (R, I) matrix of levels with NaN where absent)."""
    lv = _columns(levels, _LEVELS, name)
    _no_missing_keys(lv, ["region"], name)
    lv["indicator"] = _ids(lv["indicator"], f"{name}.indicator")
    lv["level"] = _levels(lv["level"], f"{name}.level")
    _unique(lv, ["region", "indicator"], name)
    regions = pd.Index(lv["region"].unique()).sort_values()
    matrix = np.full((len(regions), len(fw.ids)), np.nan)
    rows = regions.get_indexer(lv["region"])
    matrix[rows, fw.positions(lv["indicator"], name)] = lv["level"].to_numpy()
    return regions, matrix


def score_regions(
    levels: pd.DataFrame,
    indicators: pd.DataFrame,
    *,
    part_weights: Mapping[str, Any],
    aspect_weights: Mapping[str, Any],
) -> pd.DataFrame:
    """Index, coverage, part and group scores of every region in `levels`.

    levels: region, indicator, level (as from indicator_levels; NaN levels count
    as absent). indicators: indicator, part, aspect, sub_dimension, dimension,
    element, weight. part_weights: {"blueprint": w, "practice": w};
    aspect_weights: {"baseline": w, ...}; weights >= 0, any scale.

    Returns one row per region, sorted: region, index, coverage, blueprint,
    practice, then "dimension:<code>"..., "aspect:<code>"..., "element:<code>"...,
    "sub_dimension:<code>"... (NaN where no indicator of the group has a level).
    """
    fw = _framework(indicators, part_weights, aspect_weights)
    return _score(levels, fw)


def _score(levels: pd.DataFrame, fw: _Framework) -> pd.DataFrame:
    regions, matrix = _level_matrix(levels, fw, "levels")
    blueprint, _, practice, index = _parts_and_index(fw, matrix)
    columns: dict[str, Any] = {
        "region": regions.array,
        "index": index,
        "coverage": (~np.isnan(matrix)) @ fw.effective,
        "blueprint": blueprint,
        "practice": practice,
    }
    for kind, codes, weights in fw.groups:
        means = _weighted_means(matrix, weights)
        columns.update({f"{kind}:{code}": means[:, k] for k, code in enumerate(codes)})
    return pd.DataFrame(columns)


# --------------------------------------------------------------------------
# Bands and ranks


def _bands(bands: Sequence[tuple[str, Any]]) -> tuple[list[str], np.ndarray]:
    """(codes, upper bounds of all but the top band as floats), checked."""
    bands = list(bands)
    if not bands:
        raise ValueError("at least one band is needed")
    codes = [str(code) for code, _ in bands]
    if len(set(codes)) != len(codes):
        raise ValueError("band codes must be unique")
    if bands[-1][1] is not None:
        raise ValueError("the top (last) band has no upper bound")
    if any(upper is None for _, upper in bands[:-1]):
        raise ValueError("only the top (last) band may lack an upper bound")
    uppers = np.array([float(upper) for _, upper in bands[:-1]])
    if np.any(np.diff(uppers) <= 0) or not np.all(np.isfinite(uppers)):
        raise ValueError("band upper bounds must increase")
    return codes, uppers


def _index_key(index: pd.Series | np.ndarray) -> np.ndarray:
    return np.round(np.asarray(index, dtype="float64"), INDEX_DECIMALS)


def assign_bands(
    scores: pd.DataFrame,
    bands: Sequence[tuple[str, Any]],
    *,
    min_coverage: float,
) -> pd.DataFrame:
    """`scores` with band and complete added.

    bands: ordered (code, upper bound) pairs, the last with None. band is the
    code of the first band whose upper bound exceeds the index (rounded to
    INDEX_DECIMALS); NaN without an index. complete is True when the region has
    an index and coverage >= min_coverage (with a 1e-9 tolerance for float
    noise).
    """
    codes, uppers = _bands(bands)
    minimum = _weight(min_coverage, "min_coverage")
    out = scores.copy()
    key = _index_key(out["index"])
    position = np.searchsorted(uppers, np.where(np.isnan(key), 0.0, key), "right")
    band = np.array(codes, dtype=object)[position]
    band[np.isnan(key)] = None
    out["band"] = pd.Series(band, index=out.index, dtype="str")
    coverage = pd.to_numeric(out["coverage"]).astype("float64")
    out["complete"] = (
        ~np.isnan(key) & (coverage >= minimum - COVERAGE_TOLERANCE).to_numpy()
    )
    return out


def _size_class(population: pd.Series) -> pd.Series:
    pop = population.astype("Float64").astype("float64").to_numpy()
    size = np.select(
        [pop < SMALL_BELOW, pop <= LARGE_ABOVE, pop > LARGE_ABOVE],
        ["small", "medium", "large"],
        default="",
    ).astype(object)
    size[size == ""] = None
    return pd.Series(size, index=population.index, dtype="str")


def rank_regions(scores: pd.DataFrame, regions: pd.DataFrame) -> pd.DataFrame:
    """`scores` (with complete, from assign_bands) with size_class and ranks.

    regions: region, kind, province, cohort_year, population; every region in
    `scores` must be there. Adds size_class and rank_national, rank_kind,
    rank_province, rank_cohort, rank_size (Int64): ranks among complete regions
    only, rank 1 = highest index, ties share the lower number (indices compared
    at INDEX_DECIMALS); NA for incomplete regions and unknown groups.
    """
    if "complete" not in scores.columns:
        raise ValueError("scores lacks complete: call assign_bands first")
    meta = _columns(regions, _REGIONS, "regions")
    _no_missing_keys(meta, ["region"], "regions")
    _unique(meta, ["region"], "regions")
    unknown = ~scores["region"].isin(meta["region"])
    if unknown.any():
        example = scores.loc[unknown, "region"].iloc[:5].tolist()
        raise ValueError(f"scores has regions missing from regions: {example}")
    meta = meta.set_index("region")
    meta = meta.loc[scores["region"].to_numpy()].set_index(scores.index)
    meta["cohort_year"] = meta["cohort_year"].astype("Int64")
    meta["size_class"] = _size_class(meta["population"].astype("Int64"))

    out = scores.copy()
    out["size_class"] = meta["size_class"]
    complete = out["complete"].astype(bool).to_numpy()
    key = pd.Series(
        np.where(complete, _index_key(out["index"]), np.nan), index=out.index
    )
    out["rank_national"] = key.rank(method="min", ascending=False).astype("Int64")
    for column, group in RANK_GROUPS.items():
        ranks = key.groupby(meta[group], dropna=True).rank(
            method="min", ascending=False
        )
        out[column] = ranks.reindex(out.index).astype("Int64")
    return out


# --------------------------------------------------------------------------
# Rank uncertainty


def _rank_rows(index: np.ndarray) -> np.ndarray:
    """Ranks (1 = highest, ties share the lower number) within each row of
    index (D, R); NaN ranks last."""
    draws, regions = index.shape
    key = np.where(np.isnan(index), 0.0, _index_key(index))  # indices are >= 1
    # One global sort: shift each row into its own band of values.
    shifted = (key + 16.0 * np.arange(draws)[:, None]).ravel()
    position = np.searchsorted(np.sort(shifted), shifted, side="right")
    row_end = regions * (np.arange(draws)[:, None] + 1)
    return (row_end - position.reshape(draws, regions) + 1).astype(np.int32)


def _nan_median_rows(values: np.ndarray) -> np.ndarray:
    """Median over the last axis ignoring NaN; NaN when all are NaN."""
    ordered = np.sort(values, axis=-1)  # NaN last
    count = (~np.isnan(values)).sum(axis=-1)
    low = np.maximum(count - 1, 0) // 2
    high = np.minimum(count // 2, values.shape[-1] - 1)
    lo = np.take_along_axis(ordered, low[..., None], axis=-1)[..., 0]
    hi = np.take_along_axis(ordered, high[..., None], axis=-1)[..., 0]
    return np.where(count > 0, (lo + hi) / 2, np.nan)


_Sampler = Callable[[np.random.Generator, int], np.ndarray]


def _median_sampler(answers: np.ndarray, weight: np.ndarray) -> _Sampler:
    """A function (rng, d) -> (d, C, 2): in each of d draws, for each cell the
    median m of a resample with replacement of its n answers (NaN ignored),
    given as (weight * m, weight), or (0, 0) when the resample has no level.
    answers: (C, n), each row sorted, NaN last; weight: (C,).

    A resample is n answer positions drawn uniformly: one of n**n equally
    likely tuples, which rng.integers(n**n) picks directly. Its median only
    depends on the multiset (how often each answer was drawn; 10 multisets
    for n = 3), so the median of every (cell, multiset) is computed once and
    a draw is one random integer and two look-ups per cell: no sorting. For
    many answers per cell (n > 6) the positions are drawn and sorted instead.
    """
    n_cells, n = answers.shape
    rows = np.arange(n_cells)[:, None]

    def weighted(medians: np.ndarray) -> np.ndarray:
        has = ~np.isnan(medians)
        return np.stack([np.where(has, medians, 0.0) * weight, has * weight], axis=-1)

    if n**n > _TUPLE_LIMIT:

        def direct(rng: np.random.Generator, d: int) -> np.ndarray:
            pick = rng.integers(0, n, size=(d, n_cells, n))
            return weighted(_nan_median_rows(answers[rows, pick]))

        return direct

    tuples = np.indices((n,) * n).reshape(n, -1).T  # (n**n, n) positions
    counts = (tuples[:, :, None] == np.arange(n)).sum(axis=1)
    times, multiset_of = np.unique(counts, axis=0, return_inverse=True)
    multiset_of = multiset_of.ravel()  # tuple -> multiset
    # The resample's levels in sorted order: the answers are sorted with NaN
    # last, so the first `valid` answers are the levels.
    through = np.cumsum(times, axis=1)  # (P, n) how many drawn up to answer j
    valid = (~np.isnan(answers)).sum(axis=1)  # (C,)
    size = np.where(valid[:, None] > 0, through[:, np.maximum(valid - 1, 0)].T, 0)
    low = (np.maximum(size - 1, 0) // 2)[:, :, None]  # (C, P, 1)
    high = (size // 2)[:, :, None]
    at_low = np.minimum((through[None] <= low).sum(axis=2), n - 1)
    at_high = np.minimum((through[None] <= high).sum(axis=2), n - 1)
    medians = (answers[rows, at_low] + answers[rows, at_high]) / 2
    # Row multiset * C + cell of the table holds that cell's pair.
    table = weighted(np.where(size > 0, medians, np.nan).T).reshape(-1, 2)
    row_of = multiset_of * n_cells
    cells = np.arange(n_cells)

    def multiset(rng: np.random.Generator, d: int) -> np.ndarray:
        at = np.take(row_of, rng.integers(0, n**n, size=(d, n_cells)))
        at += cells
        return np.take(table, at, axis=0)

    return multiset


def rank_intervals(
    answers: pd.DataFrame,
    consensus: pd.DataFrame,
    appeals: pd.DataFrame,
    indicators: pd.DataFrame,
    *,
    part_weights: Mapping[str, Any],
    aspect_weights: Mapping[str, Any],
    complete_regions: Sequence[Any],
    draws: int = 500,
    seed: int = 2017,
    level: float = 0.9,
) -> pd.DataFrame:
    """Interval of each complete region's national rank from resampling reviewers.

    In each of `draws` draws (numpy.random.default_rng(seed)), every (region,
    indicator) of the complete regions has its answers ("no evidence"
    included) drawn with replacement, as many as there were, and its level
    recomputed as their median; consensus and appeal levels stay fixed. The
    index is recomputed and the regions ranked nationally among
    `complete_regions` (a region without an index in a draw ranks last).

    Returns region, rank_low, rank_high (Int64), sorted by region: the lower
    (1 - level) / 2 and upper (1 + level) / 2 quantiles of the draws' ranks,
    taken as observed ranks (method "lower" / "higher"). Only cells whose
    answers differ are resampled: the others cannot change.
    """
    ans, decided = _answers(answers), _decisions(consensus, appeals)
    return _intervals(
        ans,
        decided,
        _final_levels(ans, decided),
        _framework(indicators, part_weights, aspect_weights),
        complete_regions,
        draws=draws,
        seed=seed,
        level=level,
    )


def _intervals(
    ans: pd.DataFrame,
    decided: pd.DataFrame,
    observed: pd.DataFrame,
    fw: _Framework,
    complete_regions: Sequence[Any],
    *,
    draws: int,
    seed: int,
    level: float,
) -> pd.DataFrame:
    """rank_intervals from checked answers, _decisions() and _final_levels()."""
    if int(draws) < 1:
        raise ValueError("draws must be at least 1")
    if not 0 < float(level) < 1:
        raise ValueError("level must be between 0 and 1")
    regions = pd.Index(pd.unique(pd.Series(list(complete_regions), dtype=object)))
    regions = regions.sort_values()
    n_regions, n_ind = len(regions), len(fw.ids)
    empty = pd.DataFrame(
        {
            "region": regions.to_numpy(),
            "rank_low": pd.array([pd.NA] * n_regions, dtype="Int64"),
            "rank_high": pd.array([pd.NA] * n_regions, dtype="Int64"),
        }
    )
    if n_regions == 0:
        return empty

    # Observed levels: decisions fixed, medians elsewhere.
    observed = observed.loc[observed["region"].isin(regions)]
    base = np.full((n_regions, n_ind), np.nan)
    base[
        regions.get_indexer(observed["region"]),
        fw.positions(observed["indicator"], "levels"),
    ] = observed["level"].to_numpy()
    decided = decided.loc[decided["region"].isin(regions)]
    fixed = np.zeros(n_regions * n_ind, dtype=bool)
    fixed[
        regions.get_indexer(decided["region"]) * n_ind
        + fw.positions(decided["indicator"], "consensus/appeals")
    ] = True

    # Answers of the cells that can change: not decided, answers not all equal
    # (NaN counted as a value). Each cell's answers sorted by level, NaN last.
    ans = ans.loc[ans["region"].isin(regions)]
    ans = ans.assign(
        cell=regions.get_indexer(ans["region"]) * n_ind
        + fw.positions(ans["indicator"], "answers")
    ).sort_values(["cell", "level"], na_position="last", kind="mergesort")
    cell, value = ans["cell"].to_numpy(), ans["level"].to_numpy()
    code = np.where(np.isnan(value), 0.0, value)  # levels are >= 1
    per_cell = pd.Series(code).groupby(cell)
    varies = (per_cell.transform("min") != per_cell.transform("max")).to_numpy()
    keep = varies & ~fixed[cell]
    cell, value = cell[keep], value[keep]
    cells, start, count = np.unique(cell, return_index=True, return_counts=True)

    # The index only needs, per region and index column (blueprint, each
    # aspect), the sums of weight * level and of weight over the indicators
    # with a level: the fixed cells' sums once, the changing cells' per draw.
    column = fw.core.argmax(axis=1)  # each indicator's one column
    n_columns = fw.core.shape[1]
    fixed_levels = base.ravel().copy()
    fixed_levels[cells] = np.nan
    fixed_levels = fixed_levels.reshape(n_regions, n_ind)
    has = ~np.isnan(fixed_levels)
    fixed_num = (np.where(has, fixed_levels, 0.0) @ fw.core).ravel()
    fixed_den = (has @ fw.core).ravel()
    # The changing cells ordered by the (region, column) sum they go into, so
    # that reduceat adds them up; one sampler per number of answers n.
    target = (cells // n_ind) * n_columns + column[cells % n_ind]
    order = np.lexsort((cells, target))
    samplers = []
    for n in np.unique(count):
        chosen = order[count[order] == n]
        answers_n = value[start[chosen][:, None] + np.arange(n)]
        weight_n = fw.weight[cells[chosen] % n_ind]
        into = target[chosen]
        first_of = np.flatnonzero(np.r_[True, into[1:] != into[:-1]])
        sampler = _median_sampler(answers_n, weight_n)
        samplers.append((sampler, first_of, into[first_of]))

    rng = np.random.default_rng(seed)
    ranks = np.empty((int(draws), n_regions), dtype=np.int32)
    chunk = max(1, _CHUNK_CELLS // max(len(cells), n_regions * n_columns))
    for first in range(0, int(draws), chunk):
        d = min(chunk, int(draws) - first)
        num = np.broadcast_to(fixed_num, (d, fixed_num.size)).copy()
        den = np.broadcast_to(fixed_den, (d, fixed_den.size)).copy()
        for sample, first_of, sums_at in samplers:
            sums = np.add.reduceat(sample(rng, d), first_of, axis=1)  # (d, S, 2)
            num[:, sums_at] += sums[..., 0]
            den[:, sums_at] += sums[..., 1]
        shape = (d * n_regions, n_columns)
        index = _index_from_sums(fw, num.reshape(shape), den.reshape(shape))[3]
        ranks[first : first + d] = _rank_rows(index.reshape(d, n_regions))

    tail = (1 - float(level)) / 2
    low = np.quantile(ranks, tail, axis=0, method="lower")
    high = np.quantile(ranks, 1 - tail, axis=0, method="higher")
    empty["rank_low"] = pd.array(low.astype(np.int64), dtype="Int64")
    empty["rank_high"] = pd.array(high.astype(np.int64), dtype="Int64")
    return empty


# --------------------------------------------------------------------------
# Reviewer agreement


def _alpha_from_coincidences(coincidences: np.ndarray) -> np.ndarray:
    """Ordinal alpha from coincidence matrices (..., V, V) over values sorted
    ascending. NaN where fewer than two pairable values or no expected
    disagreement (a single value used)."""
    n_c = coincidences.sum(axis=-1)  # (..., V)
    n = n_c.sum(axis=-1)  # (...,)
    # Ordinal distance: (sum_{g=c..k} n_g - (n_c + n_k) / 2)^2, which is the
    # squared difference of the values' mid-positions cumsum(n) - n / 2.
    middle = np.cumsum(n_c, axis=-1) - n_c / 2
    delta = (middle[..., :, None] - middle[..., None, :]) ** 2
    observed = (coincidences * delta).sum(axis=(-2, -1))
    expected = (n_c[..., :, None] * n_c[..., None, :] * delta).sum(axis=(-2, -1))
    with np.errstate(invalid="ignore", divide="ignore"):
        alpha = 1 - (n - 1) * observed / expected
    return np.where((n >= 2) & (expected > 0), alpha, np.nan)


def _coincidences(counts: np.ndarray) -> np.ndarray:
    """Per-unit coincidence matrices (U, V, V) from value counts (U, V);
    zero for units with fewer than two values."""
    m = counts.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        scale = np.where(m >= 2, 1.0 / (m - 1), 0.0)
    weighted = counts * scale[:, None]
    pairs = weighted[:, :, None] * counts[:, None, :]
    diagonal = np.arange(counts.shape[1])
    pairs[:, diagonal, diagonal] -= weighted
    return pairs


def krippendorff_alpha_ordinal(values: np.ndarray) -> float:
    """Krippendorff's alpha, ordinal metric, of a units x coders matrix.

    NaN marks a missing value. Values are ranked by their numeric order (any
    numbers, not only 1-5). Returns NaN when not computable: fewer than two
    pairable values (units with two or more values), or every value the same.
    """
    matrix = np.asarray(values, dtype="float64")
    if matrix.ndim != 2:
        raise ValueError("values must be a units x coders matrix")
    present = ~np.isnan(matrix)
    distinct = np.unique(matrix[present])
    if len(distinct) == 0:
        return float("nan")
    code = np.searchsorted(distinct, np.where(present, matrix, distinct[0]))
    counts = np.zeros((matrix.shape[0], len(distinct)))
    unit = np.broadcast_to(np.arange(matrix.shape[0])[:, None], matrix.shape)
    np.add.at(counts, (unit[present], code[present]), 1.0)
    return float(_alpha_from_coincidences(_coincidences(counts).sum(axis=0)))


def agreement(answers: pd.DataFrame) -> tuple[float, pd.DataFrame]:
    """Reviewer agreement: (cycle alpha, per-indicator frame).

    Ordinal Krippendorff's alpha with units (region, indicator) and values the
    reviewers' levels ("no evidence" = missing). The frame has indicator, alpha
    (NaN when not computable), n_units (regions where at least two reviewers
    gave that indicator a level), one row per indicator in `answers`, sorted.
    """
    return _agreement(_answers(answers))


def _agreement(ans: pd.DataFrame) -> tuple[float, pd.DataFrame]:
    indicators = np.sort(ans["indicator"].unique())
    given = ans.loc[ans["level"].notna()]
    distinct = np.unique(given["level"].to_numpy())
    units = given.groupby(["region", "indicator"], sort=True)
    unit = units.ngroup().to_numpy()
    keys = units.size().reset_index()
    n_units, n_values = len(keys), len(distinct)
    code = np.searchsorted(distinct, given["level"].to_numpy())
    counts = np.bincount(unit * n_values + code, minlength=n_units * n_values)
    counts = counts.reshape(n_units, n_values).astype(float)
    pairs = _coincidences(counts)  # (U, V, V)

    cycle = float(_alpha_from_coincidences(pairs.sum(axis=0))) if n_units else np.nan
    # Per indicator: sum the units' coincidences by indicator.
    group = np.searchsorted(indicators, keys["indicator"].to_numpy())
    per_indicator = np.zeros((len(indicators), n_values, n_values))
    np.add.at(per_indicator, group, pairs)
    pairable = np.bincount(
        group,
        weights=(counts.sum(axis=1) >= 2).astype(float),
        minlength=len(indicators),
    )
    frame = pd.DataFrame(
        {
            "indicator": indicators.astype(np.int64),
            "alpha": _alpha_from_coincidences(per_indicator)
            if n_values
            else np.full(len(indicators), np.nan),
            "n_units": pairable.astype(np.int64),
        }
    )
    return cycle, frame


def leniency(answers: pd.DataFrame, levels: pd.DataFrame) -> pd.DataFrame:
    """Each reviewer's mean deviation from the final levels.

    answers: region, indicator, reviewer, level; levels: region, indicator,
    level (from indicator_levels). Returns reviewer, mean_deviation (mean of
    reviewer level - final level; > 0 is lenient), n (indicators compared),
    sorted by reviewer; reviewers who gave no level are left out.
    """
    final = _columns(levels, _LEVELS, "levels")
    final["indicator"] = _ids(final["indicator"], "levels.indicator")
    final["level"] = _levels(final["level"], "levels.level")
    _unique(final, ["region", "indicator"], "levels")
    return _leniency(_answers(answers), final)


def _leniency(ans: pd.DataFrame, final: pd.DataFrame) -> pd.DataFrame:
    given = ans.loc[ans["level"].notna()]
    both = given.merge(
        final.loc[:, ["region", "indicator", "level"]].rename(
            columns={"level": "final"}
        ),
        on=["region", "indicator"],
    )
    both = both.loc[both["final"].notna()]
    both["deviation"] = both["level"] - both["final"]
    out = (
        both.groupby("reviewer", sort=True)["deviation"]
        .agg(mean_deviation="mean", n="count")
        .reset_index()
    )
    out["reviewer"] = out["reviewer"].astype("int64")
    out["n"] = out["n"].astype("int64")
    return out


def progress(
    scores: pd.DataFrame,
    *,
    bands: Sequence[tuple[str, Any]],
    target_band: str,
    target: int,
) -> dict[str, int]:
    """{"reached": complete regions at target_band or above, "target": target}."""
    codes, _ = _bands(bands)
    if target_band not in codes:
        raise ValueError(f"target band {target_band!r} is not one of {codes}")
    order = {code: k for k, code in enumerate(codes)}
    band_order = scores["band"].map(order).astype("float64")
    reached = (band_order >= order[target_band]) & scores["complete"].astype(bool)
    return {"reached": int(reached.sum()), "target": int(target)}


# --------------------------------------------------------------------------
# The whole cycle


@dataclass(frozen=True)
class CycleResult:
    """Everything a cycle's results page needs.

    levels: as from indicator_levels. scores: one row per region in `regions`
    (and in the levels), sorted, with the columns of score_regions,
    assign_bands and rank_regions plus rank_low and rank_high (Int64, NA when
    incomplete); a region without any level has index NaN and coverage 0.
    alpha: the cycle's ordinal Krippendorff's alpha. agreement: indicator,
    alpha, n_units. leniency: reviewer, mean_deviation, n. progress: {"reached",
    "target"}.
    """

    levels: pd.DataFrame
    scores: pd.DataFrame
    alpha: float
    agreement: pd.DataFrame
    leniency: pd.DataFrame
    progress: dict[str, int]


def compute_cycle(
    answers: pd.DataFrame,
    consensus: pd.DataFrame,
    appeals: pd.DataFrame,
    indicators: pd.DataFrame,
    regions: pd.DataFrame,
    *,
    part_weights: Mapping[str, Any],
    aspect_weights: Mapping[str, Any],
    bands: Sequence[tuple[str, Any]],
    min_coverage: float,
    target_band: str,
    target: int,
    draws: int = 500,
    seed: int = 2017,
) -> CycleResult:
    """Levels, scores, bands, ranks, rank intervals, agreement, leniency and
    progress of one cycle (see the module docstring for the method)."""
    ans, decided = _answers(answers), _decisions(consensus, appeals)
    fw = _framework(indicators, part_weights, aspect_weights)
    levels = _final_levels(ans, decided)
    scores = _score(levels, fw)
    meta = _columns(regions, _REGIONS, "regions")
    everyone = pd.Index(meta["region"].unique()).union(scores["region"]).sort_values()
    scores = scores.set_index("region").reindex(everyone).rename_axis("region")
    scores["coverage"] = scores["coverage"].fillna(0.0)
    scores = scores.reset_index()
    scores = assign_bands(scores, bands, min_coverage=min_coverage)
    scores = rank_regions(scores, meta)
    intervals = _intervals(
        ans,
        decided,
        levels,
        fw,
        scores.loc[scores["complete"], "region"].tolist(),
        draws=draws,
        seed=seed,
        level=0.9,
    )
    scores = scores.merge(intervals, on="region", how="left", validate="one_to_one")
    for column in ("rank_low", "rank_high"):
        scores[column] = scores[column].astype("Int64")
    alpha, per_indicator = _agreement(ans)
    return CycleResult(
        levels=levels,
        scores=scores,
        alpha=alpha,
        agreement=per_indicator,
        leniency=_leniency(ans, levels),
        progress=progress(scores, bands=bands, target_band=target_band, target=target),
    )
