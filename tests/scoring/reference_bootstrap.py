"""The review-level bootstrap as it was before it was made faster (commit
9f00575), kept verbatim as the reference: the optimised
scoring.analytics.bootstrap.review_draws must give the same draws, to the
bit (tests/scoring/test_speed_identity.py). Not used by the application."""

from __future__ import annotations

import itertools
import zlib
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from scoring.analytics.frames import _CHUNK_CELLS
from scoring.analytics.framework import _Framework, _parts_and_index
from scoring.analytics.ranks import _index_key


def _nan_median_last(values: np.ndarray) -> np.ndarray:
    """Median over the last axis ignoring NaN; NaN when all are NaN."""
    ordered = np.sort(values, axis=-1)  # NaN last
    count = (~np.isnan(values)).sum(axis=-1)
    low = np.maximum(count - 1, 0) // 2
    high = np.minimum(count // 2, values.shape[-1] - 1)
    lo = np.take_along_axis(ordered, low[..., None], axis=-1)[..., 0]
    hi = np.take_along_axis(ordered, high[..., None], axis=-1)[..., 0]
    return np.where(count > 0, (lo + hi) / 2, np.nan)


def review_draws_before(
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
    pairs = np.stack([row, reviewer], axis=1).astype(np.int64).reshape(-1, 2)
    review_keys, review_of = np.unique(pairs, axis=0, return_inverse=True)
    review_of = np.asarray(review_of).ravel()
    vectors = np.full((len(review_keys), n_ind), np.nan)
    vectors[review_of, col] = value
    vectors[is_fixed[review_keys[:, 0]]] = np.nan  # decided cells: not drawn
    region_of = review_keys[:, 0]
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
            table = np.empty((m, len(multisets)))
            order = np.argsort(reviews, axis=1)  # NaN last
            ordered = np.take_along_axis(reviews, order, axis=1)
            for p, times in enumerate(multisets):
                level = _weighted_median(ordered, order, times)
                level = np.where(is_fixed[members], fixed[members], level)
                level = np.where(np.isnan(level), no_evidence_level, level)
                table[:, p] = _parts_and_index(fw, level)[3]
            counts = (picks[..., None] == np.arange(n)).sum(axis=2)  # (D, M, n)
            codes = counts @ ((n + 1) ** np.arange(n))
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


def _weighted_median(
    ordered: np.ndarray, order: np.ndarray, times: np.ndarray
) -> np.ndarray:
    """(M, I) median over the review axis of reviews (M, n, I), review k
    counted times[k] times, NaN (unanswered) ignored; NaN when none.
    order = argsort of reviews on axis 1 (NaN last), ordered = reviews in it."""
    weight = np.where(np.isnan(ordered), 0, times[order])
    total = weight.sum(axis=1)  # (M, I)
    through = np.cumsum(weight, axis=1)
    low = (through <= ((total - 1) // 2)[:, None]).sum(axis=1)
    high = (through <= (total // 2)[:, None]).sum(axis=1)
    last = ordered.shape[1] - 1
    lo = np.take_along_axis(ordered, np.minimum(low, last)[:, None], axis=1)[:, 0]
    hi = np.take_along_axis(ordered, np.minimum(high, last)[:, None], axis=1)[:, 0]
    return np.where(total > 0, (lo + hi) / 2, np.nan)


def _stream(seed: int, region: Any) -> np.random.Generator:
    """The random stream of one region: from the seed and the region's code
    (CRC-32, stable across runs and machines)."""
    return np.random.default_rng([int(seed), zlib.crc32(str(region).encode())])


def rank_rows_before(index: np.ndarray) -> np.ndarray:
    """Ranks (1 = highest, ties share the lower number) within each row of
    index (D, R); NaN ranks last."""
    draws, regions = index.shape
    key = np.where(np.isnan(index), 0.0, _index_key(index))  # indices are >= 1
    # One global sort: shift each row into its own band of values.
    shifted = (key + 16.0 * np.arange(draws)[:, None]).ravel()
    position = np.searchsorted(np.sort(shifted), shifted, side="right")
    row_end = regions * (np.arange(draws)[:, None] + 1)
    return (row_end - position.reshape(draws, regions) + 1).astype(np.int32)


def interval_before(values: np.ndarray, point: np.ndarray, level: float):
    """Percentile interval of each column of values (draws, R) at `level`,
    widened to include `point` (R,)."""
    tail = (1 - float(level)) / 2
    low = np.quantile(values, tail, axis=0)
    high = np.quantile(values, 1 - tail, axis=0)
    return np.fmin(low, point), np.fmax(high, point)


def rank_quantiles_before(ranks: np.ndarray, level: float):
    tail = (1 - float(level)) / 2
    low = np.quantile(ranks, tail, axis=0, method="lower")
    high = np.quantile(ranks, 1 - tail, axis=0, method="higher")
    return low.astype(np.int64), high.astype(np.int64)


TIE_SHARE = 0.95


def tied_groups_before(point_rank: np.ndarray, draws: np.ndarray) -> np.ndarray:
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
