"""The framework as matrices: indicator weights, groups and parts.

Part of scoring.analytics (see its docstring for the method). Pure: no Django.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from scoring.analytics.frames import (
    _INDICATORS,
    ASPECTS,
    GROUP_KINDS,
    PARTS,
    _codes,
    _columns,
    _ids,
    _numbers,
    _unique,
    _weight,
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
