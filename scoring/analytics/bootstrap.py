"""Index and rank uncertainty by a review-level bootstrap.

Part of scoring.analytics (see its docstring for the method). Pure: no Django.
"""

from __future__ import annotations

import itertools
import zlib
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from scoring.analytics.frames import (
    _CHUNK_CELLS,
    LEVEL_MIN,
    _answers,
    _decisions,
)
from scoring.analytics.framework import (
    _Framework,
    _framework,
    _index_from_sums,
    _parts_and_index,
)
from scoring.analytics.levels import _no_evidence
from scoring.analytics.ranks import (
    _index_key,
)

# --------------------------------------------------------------------------
# Rank uncertainty


def _rank_rows(index: np.ndarray) -> np.ndarray:
    """Ranks (1 = highest, ties share the lower number) within each row of
    index (D, R); NaN ranks last. A region's rank is 1 + the number of
    regions of its row with a higher key: each row sorted once, the last
    position of each run of equal keys read off from the end."""
    draws, regions = index.shape
    key = np.where(np.isnan(index), 0.0, _index_key(index))  # indices are >= 1
    order = np.argsort(key, axis=1)
    ordered = np.take_along_axis(key, order, axis=1)
    last = np.ones(ordered.shape, dtype=bool)  # the last of a run of equal keys
    last[:, :-1] = ordered[:, :-1] != ordered[:, 1:]
    end = np.where(last, np.arange(regions), regions)
    end = np.minimum.accumulate(end[:, ::-1], axis=1)[:, ::-1]
    ranks = np.empty((draws, regions), dtype=np.int32)
    np.put_along_axis(ranks, order, (regions - end).astype(np.int32), axis=1)
    return ranks


def _nan_median_last(values: np.ndarray) -> np.ndarray:
    """Median over the last axis ignoring NaN; NaN when all are NaN."""
    ordered = np.sort(values, axis=-1)  # NaN last
    count = (~np.isnan(values)).sum(axis=-1)
    low = np.maximum(count - 1, 0) // 2
    high = np.minimum(count // 2, values.shape[-1] - 1)
    lo = np.take_along_axis(ordered, low[..., None], axis=-1)[..., 0]
    hi = np.take_along_axis(ordered, high[..., None], axis=-1)[..., 0]
    return np.where(count > 0, (lo + hi) / 2, np.nan)


def review_draws(
    ans: pd.DataFrame,
    decided: pd.DataFrame,
    fw: _Framework,
    regions: Sequence[Any],
    *,
    no_evidence_level: float,
    draws: int,
    seed: int,
) -> np.ndarray:
    """(draws, R) bootstrap indices of `regions` (in the given order).

    In each draw, within each region, its reviews (one per reviewer, all of
    its answers together) are drawn with replacement, as many as it has; each
    indicator's level is the median of the drawn reviews' answers ("no
    evidence" as no_evidence_level; an indicator none of them answered scores
    as no evidence), consensus and upheld-appeal levels stay fixed, and the
    index is recomputed. A region's reviews are put in the order of their
    answers (not of reviewer ids or rows), and each region draws from its own
    stream (seed, region code), so the draws depend neither on how reviewers
    are numbered nor on the row order nor on the other regions. Cost: draws x
    reviews x indicators.
    """
    if int(draws) < 1:
        raise ValueError("draws must be at least 1")
    regions = pd.Index(list(regions), dtype=object)
    n_regions, n_ind = len(regions), len(fw.ids)
    out = np.full((int(draws), n_regions), np.nan)
    if n_regions == 0 or n_ind == 0:
        return out
    fixed = np.full((n_regions, n_ind), np.nan)
    decided = decided.loc[decided["region"].isin(regions)]
    fixed[
        regions.get_indexer(decided["region"]),
        fw.positions(decided["indicator"], "consensus/appeals"),
    ] = decided["level"].to_numpy()
    is_fixed = ~np.isnan(fixed)

    ans = ans.loc[ans["region"].isin(regions)]
    row = regions.get_indexer(ans["region"])
    col = fw.positions(ans["indicator"], "answers")
    value = ans["level"].fillna(no_evidence_level).to_numpy()
    reviewer = ans["reviewer"].to_numpy()
    # One (region, reviewer) = one review: its answer vector, NaN unanswered.
    # (region, reviewer) pairs as one integer, in the same order as the pairs.
    reviewer_ids, reviewer_code = np.unique(reviewer, return_inverse=True)
    pair = row.astype(np.int64) * len(reviewer_ids) + np.ravel(reviewer_code)
    review_keys, review_of = np.unique(pair, return_inverse=True)
    review_of = np.asarray(review_of).ravel()
    region_of = review_keys // max(1, len(reviewer_ids))
    vectors = np.full((len(review_keys), n_ind), np.nan)
    vectors[review_of, col] = value
    vectors[is_fixed[region_of]] = np.nan  # decided cells: not drawn
    # Reviews in region order, then by content (label-free order).
    code = np.where(np.isnan(vectors), -1.0, vectors)
    order = np.lexsort((*code.T[::-1], region_of))
    vectors, region_of = vectors[order], region_of[order]
    n_of = np.bincount(region_of, minlength=n_regions)

    base = np.where(is_fixed, fixed, no_evidence_level)
    for n in np.unique(n_of):
        members = np.flatnonzero(n_of == n)
        if n == 0:
            index = _parts_and_index(fw, base[members])[3]
            out[:, members] = index[None, :]
            continue
        first = np.searchsorted(region_of, members)
        reviews = vectors[first[:, None] + np.arange(n)]  # (M, n, I)
        m = len(members)
        # Each region its own stream: its draws do not depend on the others.
        picks = np.stack(
            [
                _stream(seed, regions[r]).integers(0, n, size=(draws, n))
                for r in members
            ],
            axis=1,
        )  # (draws, M, n)
        multisets = _multisets(n)
        if len(multisets) <= min(int(draws), _TABLE_LIMIT):
            # A draw's levels only depend on how often each review was drawn:
            # the index of each (region, multiset) once, then look-ups.
            table = _multiset_table(
                fw,
                reviews,
                multisets,
                fixed[members],
                is_fixed[members],
                no_evidence_level,
            )
            # A multiset's code, the sum over reviews of count * (n + 1) **
            # review, is the sum of (n + 1) ** pick over a draw's picks.
            codes = ((n + 1) ** picks).sum(axis=2)  # (D, M)
            known = multisets @ ((n + 1) ** np.arange(n))
            order = np.argsort(known)
            which = order[np.searchsorted(known[order], codes)]
            out[:, members] = table[np.arange(m)[None, :], which]
            continue
        chunk = max(1, _CHUNK_CELLS // max(1, m * n * n_ind))
        for start in range(0, int(draws), chunk):
            d = min(chunk, int(draws) - start)
            pick = picks[start : start + d]
            drawn = reviews[np.arange(m)[None, :, None], pick]  # (d, m, n, I)
            level = _nan_median_last(np.moveaxis(drawn, 2, 3))  # (d, m, I)
            level = np.where(is_fixed[members], fixed[members], level)
            level = np.where(np.isnan(level), no_evidence_level, level)
            index = _parts_and_index(fw, level.reshape(d * m, n_ind))[3]
            out[start : start + d, members] = index.reshape(d, m)
    return out


_TABLE_LIMIT = 500  # most multisets of n reviews tabulated (n = 6: 462)


def _multisets(n: int) -> np.ndarray:
    """(P, n) every way of drawing n of n reviews with replacement, as counts;
    P = C(2n - 1, n): 10 for 3 reviews, 462 for 6."""
    if n > 8:
        return np.zeros((_TABLE_LIMIT + 1, n), dtype=np.int64)  # not tabulated
    rows = [
        np.bincount(np.array(c), minlength=n)
        for c in itertools.combinations_with_replacement(range(n), n)
    ]
    return np.array(rows, dtype=np.int64)


def _multiset_table(
    fw: _Framework,
    reviews: np.ndarray,
    multisets: np.ndarray,
    fixed: np.ndarray,
    is_fixed: np.ndarray,
    no_evidence_level: float,
) -> np.ndarray:
    """(M, P) index of each region for each multiset of its reviews.

    reviews (M, n, I): each region's n review vectors (NaN unanswered or
    decided); multisets (P, n): how often each review is drawn; fixed and
    is_fixed (M, I): the decided levels. A cell's level is the median of its
    answers, review k counted times[k] times, NaN ignored (no evidence when
    none, the decision when decided). Which sorted position holds that median
    only depends on the order of the cell's answers and how many there are,
    so the positions are worked out once per distinct order (at most
    (n + 1) * n! of them, whatever the number of regions) and each
    multiset's levels are look-ups: the cost is P x M x I, not P x M x n x I.
    The same medians, to the bit, as weighing every cell for every multiset.
    """
    m, n, n_ind = reviews.shape
    order = np.argsort(reviews, axis=1)  # NaN last
    ordered = np.take_along_axis(reviews, order, axis=1)
    answered = (~np.isnan(reviews)).sum(axis=1)  # (M, I)
    digits = (n + 1) ** np.arange(n, dtype=np.int64)
    key = np.einsum("mji,j->mi", order.astype(np.int64), digits) * (n + 1) + answered
    _, first, cell_key = np.unique(key.ravel(), return_index=True, return_inverse=True)
    perm = order.transpose(0, 2, 1).reshape(-1, n)[first]  # (K, n)
    counted = np.arange(n)[None, :] < answered.ravel()[first][:, None]  # (K, n)
    weight = multisets[:, perm] * counted[None]  # (P, K, n)
    total = weight.sum(axis=2)
    through = np.cumsum(weight, axis=2)
    low = (through <= ((total - 1) // 2)[..., None]).sum(axis=2)
    high = (through <= (total // 2)[..., None]).sum(axis=2)
    # Position n is the cell's own fallback: the decision, else no evidence
    # ((v + v) / 2 == v, so a cell without answers gets it exactly).
    low = np.where(total > 0, np.minimum(low, n - 1), n)
    high = np.where(total > 0, np.minimum(high, n - 1), n)
    fallback = np.where(is_fixed, fixed, no_evidence_level)
    padded = np.concatenate([ordered, fallback[:, None, :]], axis=1)  # (M, n+1, I)
    flat = padded.ravel()
    base = (np.arange(m)[:, None] * ((n + 1) * n_ind) + np.arange(n_ind)).ravel()
    cell_key = np.asarray(cell_key).ravel()
    low, high = low * n_ind, high * n_ind  # (P, K) offsets in `flat`
    table = np.empty((m, len(multisets)))
    # No level is NaN here: _parts_and_index's weight sums are the same for
    # every multiset (computed once, on the same shape, so the same bits).
    den = np.ones((m, n_ind), dtype=bool) @ fw.core
    step = max(1, _CHUNK_CELLS // max(1, m * n_ind))
    for start in range(0, len(multisets), step):
        chunk = slice(start, start + step)
        lo = flat[low[chunk][:, cell_key] + base]
        hi = flat[high[chunk][:, cell_key] + base]
        levels = ((lo + hi) / 2).reshape(-1, m, n_ind)
        for p, level in enumerate(levels, start):
            table[:, p] = _index_from_sums(fw, level @ fw.core, den)[3]
    return table


def _stream(seed: int, region: Any) -> np.random.Generator:
    """The random stream of one region: from the seed and the region's code
    (CRC-32, stable across runs and machines)."""
    return np.random.default_rng([int(seed), zlib.crc32(str(region).encode())])


def interval(values: np.ndarray, point: np.ndarray, level: float):
    """Percentile interval of each column of values (draws, R) at `level`,
    widened to include `point` (R,). Both tails in one pass (the same
    numbers as one np.quantile call per tail)."""
    tail = (1 - float(level)) / 2
    low, high = np.quantile(values, [tail, 1 - tail], axis=0)
    return np.fmin(low, point), np.fmax(high, point)


def rank_quantiles(ranks: np.ndarray, level: float):
    tail = (1 - float(level)) / 2
    low = np.quantile(ranks, tail, axis=0, method="lower")
    high = np.quantile(ranks, 1 - tail, axis=0, method="higher")
    return low.astype(np.int64), high.astype(np.int64)


TIE_SHARE = 0.95  # a new tied group starts below its head in >= 95% of draws


def tied_groups(point_rank: np.ndarray, draws: np.ndarray) -> np.ndarray:
    """(R, 2) [first rank, last rank] of each region's tied group.

    point_rank (R,): the regions' point ranks in one peer group; draws
    (D, R): their bootstrap indices. In point-rank order, a block's head is
    its first region; the next region starts a new block when its index is
    below the head's in at least TIE_SHARE of the draws (compared at
    INDEX_DECIMALS) and its point rank is not the previous region's, else it
    joins the block. Blocks are contiguous in point
    rank and partition the regions."""
    n = len(point_rank)
    out = np.zeros((n, 2), dtype=np.int64)
    if n == 0:
        return out
    key = _index_key(draws)
    order = np.argsort(point_rank, kind="mergesort")
    blocks: list[list[int]] = []
    head = -1
    previous = None
    for k in order:
        # Regions tied at their point rank are never split.
        split = previous is not None and point_rank[k] > point_rank[previous]
        if head < 0 or (split and (key[:, k] < key[:, head]).mean() >= TIE_SHARE):
            blocks.append([k])
            head = k
        else:
            blocks[-1].append(k)
        previous = k
    for block in blocks:
        ranks = point_rank[block]
        out[block, 0], out[block, 1] = ranks.min(), ranks.max()
    return out


def rank_intervals(
    answers: pd.DataFrame,
    consensus: pd.DataFrame,
    appeals: pd.DataFrame,
    indicators: pd.DataFrame,
    *,
    part_weights: Mapping[str, Any],
    aspect_weights: Mapping[str, Any],
    complete_regions: Sequence[Any],
    no_evidence_level: float = LEVEL_MIN,
    draws: int = 500,
    seed: int = 2017,
    level: float = 0.9,
) -> pd.DataFrame:
    """Interval of each given region's national rank among them, from the
    review-level bootstrap (review_draws). Returns region, rank_low,
    rank_high (Int64), sorted by region."""
    if not 0 < float(level) < 1:
        raise ValueError("level must be between 0 and 1")
    regions = pd.Index(pd.unique(pd.Series(list(complete_regions), dtype=object)))
    regions = regions.sort_values()
    values = review_draws(
        _answers(answers),
        _decisions(consensus, appeals),
        _framework(indicators, part_weights, aspect_weights),
        regions,
        no_evidence_level=_no_evidence(no_evidence_level),
        draws=draws,
        seed=seed,
    )
    if len(regions):
        low, high = rank_quantiles(_rank_rows(values), level)
    else:
        low = high = np.zeros(0, np.int64)
    return pd.DataFrame(
        {
            "region": regions.to_numpy(),
            "rank_low": pd.array(low, dtype="Int64"),
            "rank_high": pd.array(high, dtype="Int64"),
        }
    )
