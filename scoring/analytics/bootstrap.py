"""Rank and index uncertainty by the bootstrap.

Part of scoring.analytics (see its docstring for the method). Pure: no Django.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from scoring.analytics.frames import (
    _CHUNK_CELLS,
    _TUPLE_LIMIT,
    _answers,
    _decisions,
)
from scoring.analytics.framework import (
    _Framework,
    _framework,
    _index_from_sums,
)
from scoring.analytics.levels import (
    _final_levels,
)
from scoring.analytics.ranks import (
    _index_key,
)

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
