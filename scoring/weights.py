"""Weights, visible and explorable: effective shares, a fast recompute of every
region's index, band and rank for any part and aspect weights, and each
region's best and worst attainable rank within the framework's weight ranges,
computed exactly (a mixed-integer program per region), not sampled.

Pure numpy/scipy, no Django. The derivation is in docs/weights.md; in short:

* With normalised part weights (b, 1 - b) and normalised aspect weights t
  (sum 1), the index of a region with every component is
  b*B + (1 - b) * sum_a t_a*A_a. With u = (1 - b) * t it is the linear
  function x . S of x = (b, u_1..u_A), S = (B, A_1..A_A).
* Raw weights in boxes [lo, hi] give the set X of attainable x. X is the
  convex hull of the points (beta, (1 - beta) * q / sum(q)) for beta the two
  extreme part shares and q the corners of the aspect box (`vertices`).
* "j beats r" is (S_j - S_r) . x > 0: linear in x. The best rank of r is
  1 + the least number of regions that can be made to beat it over X, the
  worst 1 + the most: one small MILP each (scipy.optimize.milp, HiGHS), over
  the convex-combination weights of the vertices, with one binary per
  competitor that is neither always above nor never above r at the vertices.

Only regions the method ranks (complete) and whose every weighted component
has a score are explorable; a complete region whose index renormalises over a
missing component is recomputed with its own formula (exact) but is left out
of the explorer's ranking, because its comparisons are not linear in x.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import product
from typing import Any

import numpy as np

__all__ = [
    "ASPECTS",
    "BEST_MARGIN",
    "DEFAULT_ASPECT_SPREAD",
    "DEFAULT_PART_SPREAD",
    "WORST_MARGIN",
    "Components",
    "attainable_ranks",
    "bands_of",
    "default_ranges",
    "effective_shares",
    "normalise_ranges",
    "ranks_of",
    "recompute",
    "share_vector",
    "vertices",
]

PARTS = ("blueprint", "practice")
ASPECTS = ("baseline", "output", "outcome", "impact", "quick_win")
INDEX_DECIMALS = 6  # as scoring.analytics: ranks and bands compare rounded indices
# Used when the framework file gives no ranges: each part weight +-20%, each
# aspect weight +-50% of its value.
DEFAULT_PART_SPREAD = 0.2
DEFAULT_ASPECT_SPREAD = 0.5
# A competitor counts against the best rank only if it is above by more than
# BEST_MARGIN (indices within 1e-6 may round to a tie), and toward the worst
# rank when it is above by at least WORST_MARGIN (ties never count).
BEST_MARGIN = 1e-6
WORST_MARGIN = 1e-9
_SCALE = 1e3  # MILP rows scaled so the solver's 1e-7 tolerance is 1e-10 here


# --------------------------------------------------------------------------
# Ranges


def _pair(value: Any, name: str) -> tuple[float, float]:
    try:
        lo, hi = (float(v) for v in value)
    except (TypeError, ValueError) as error:
        raise ValueError(f"range of {name} must be [low, high]") from error
    if not (np.isfinite(lo) and np.isfinite(hi)) or lo < 0 or hi < lo:
        raise ValueError(f"range of {name} must be 0 <= low <= high")
    return lo, hi


def default_ranges(
    part_weights: Mapping[str, Any], aspect_weights: Mapping[str, Any]
) -> dict[str, dict[str, list[float]]]:
    """Each part weight +-20%, each aspect weight +-50% (when the framework
    file gives none)."""

    def spread(weights: Mapping[str, Any], by: float) -> dict[str, list[float]]:
        return {
            code: [float(w) * (1 - by), float(w) * (1 + by)]
            for code, w in weights.items()
        }

    return {
        "part": spread(part_weights, DEFAULT_PART_SPREAD),
        "aspect": spread(aspect_weights, DEFAULT_ASPECT_SPREAD),
    }


def normalise_ranges(
    ranges: Mapping[str, Mapping[str, Any]] | None,
    part_weights: Mapping[str, Any],
    aspect_weights: Mapping[str, Any],
    aspects: Sequence[str],
) -> dict[str, dict[str, tuple[float, float]]]:
    """Ranges checked, as floats, for the two parts and `aspects`; a weight
    without a range is fixed at its value. Each default weight must lie in
    its range."""
    ranges = ranges or {}
    out: dict[str, dict[str, tuple[float, float]]] = {"part": {}, "aspect": {}}
    for kind, codes, weights in (
        ("part", PARTS, part_weights),
        ("aspect", tuple(aspects), aspect_weights),
    ):
        given = ranges.get(kind) or {}
        for code in codes:
            weight = float(weights.get(code, 0) or 0)
            lo, hi = _pair(given[code], code) if code in given else (weight, weight)
            if not lo - 1e-12 <= weight <= hi + 1e-12:
                raise ValueError(f"the weight of {code} lies outside its range")
            out[kind][code] = (lo, hi)
    return out


# --------------------------------------------------------------------------
# The recompute


@dataclass(frozen=True)
class Components:
    """Per region (N rows): the Blueprint score, the aspect scores (N, A; NaN
    where there is none) and whether the method ranks it (complete)."""

    regions: tuple[str, ...]
    blueprint: np.ndarray  # (N,)
    aspects: np.ndarray  # (N, A)
    complete: np.ndarray  # (N,) bool
    aspect_codes: tuple[str, ...]

    @classmethod
    def from_rows(
        cls, rows: Iterable[Mapping[str, Any]], aspect_codes: Sequence[str]
    ) -> Components:
        """rows: {"region", "blueprint", "aspects": {code: score}, "complete"}."""
        rows = list(rows)

        def number(value: Any) -> float:
            return np.nan if value is None else float(value)

        return cls(
            regions=tuple(str(r["region"]) for r in rows),
            blueprint=np.array([number(r.get("blueprint")) for r in rows], float),
            aspects=np.array(
                [[number(r["aspects"].get(a)) for a in aspect_codes] for r in rows],
                float,
            ).reshape(len(rows), len(aspect_codes)),
            complete=np.array([bool(r.get("complete")) for r in rows], bool),
            aspect_codes=tuple(aspect_codes),
        )

    def explorable(self, ranges: Mapping[str, Mapping[str, tuple]]) -> np.ndarray:
        """Complete, with a score for the Blueprint (if its weight can be > 0)
        and for every aspect whose weight can be > 0 (if Practice's can)."""
        ok = self.complete.copy()
        if ranges["part"]["blueprint"][1] > 0:
            ok &= ~np.isnan(self.blueprint)
        if ranges["part"]["practice"][1] > 0:
            for k, code in enumerate(self.aspect_codes):
                if ranges["aspect"][code][1] > 0:
                    ok &= ~np.isnan(self.aspects[:, k])
        return ok

    def matrix(self) -> np.ndarray:
        """(N, 1 + A) scores, NaN as 0 (only used for explorable regions, where
        a missing score has weight 0 everywhere)."""
        return np.nan_to_num(np.column_stack([self.blueprint, self.aspects]))


def _combine(scores: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """As scoring.analytics: weighted mean over the non-NaN scores."""
    has = ~np.isnan(scores)
    num = np.where(has, scores, 0.0) @ weights
    den = has @ weights
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / den, np.nan)


def recompute(
    components: Components,
    part_weights: Sequence[float],
    aspect_weights: Sequence[float],
) -> np.ndarray:
    """Every region's index for raw part weights (blueprint, practice) and raw
    aspect weights (in components.aspect_codes order): the method's formula,
    renormalised over missing scores as scoring.analytics does."""
    part = np.asarray(part_weights, float)
    practice = _combine(components.aspects, np.asarray(aspect_weights, float))
    return _combine(np.column_stack([components.blueprint, practice]), part)


def ranks_of(index: np.ndarray, ranked: np.ndarray) -> np.ndarray:
    """1 + the number of ranked regions with a higher index (rounded to 6
    decimals, ties share the lower rank number); 0 where not ranked."""
    rounded = np.round(index, INDEX_DECIMALS)
    ranked = ranked & ~np.isnan(rounded)
    values = np.sort(rounded[ranked])
    above = len(values) - np.searchsorted(values, rounded, side="right")
    return np.where(ranked, 1 + above, 0)


def bands_of(index: np.ndarray, bands: Sequence[Sequence[Any]]) -> list[str | None]:
    """The band code of each index: the first band whose upper bound is greater
    than the index rounded to 6 decimals (the top band has no bound)."""
    codes = [code for code, _ in bands]
    uppers = np.array([np.inf if up is None else float(up) for _, up in bands])
    rounded = np.round(index, INDEX_DECIMALS)
    position = np.searchsorted(uppers, np.nan_to_num(rounded), side="right")
    position = np.minimum(position, len(codes) - 1)
    return [
        None if np.isnan(v) else codes[p]
        for v, p in zip(rounded, position, strict=False)
    ]


def share_vector(part_weights: Sequence[float], aspect_weights: Sequence[float]):
    """x = (b, (1 - b) * t): the share of the Blueprint and of each aspect."""
    part = np.asarray(part_weights, float)
    aspect = np.asarray(aspect_weights, float)
    b = part[0] / part.sum()
    t = aspect / aspect.sum() if aspect.sum() > 0 else np.zeros_like(aspect)
    return np.concatenate([[b], (1 - b) * t])


# --------------------------------------------------------------------------
# The weight polytope and attainable ranks


def vertices(
    ranges: Mapping[str, Mapping[str, tuple[float, float]]],
    aspect_codes: Sequence[str],
) -> np.ndarray:
    """Points whose convex hull is the set of attainable x = (b, u): b at its
    two extremes (b = w_bp / (w_bp + w_pr) is increasing in w_bp and
    decreasing in w_pr) times the aspect shares at every corner of the aspect
    box (q -> q / sum q maps the box onto the attainable shares and its
    corners onto a superset of their vertices). Duplicates removed."""
    (blo, bhi), (plo, phi) = ranges["part"]["blueprint"], ranges["part"]["practice"]
    betas = []
    for bp, pr in ((blo, phi), (bhi, plo)):
        if bp + pr > 0:
            betas.append(bp / (bp + pr))
    if not betas:
        raise ValueError("the part weights cannot all be zero")
    corners = [
        np.array(corner, float)
        for corner in product(*(ranges["aspect"][a] for a in aspect_codes))
    ]
    shares = [c / c.sum() for c in corners if c.sum() > 0]
    if not shares:
        shares = [np.zeros(len(aspect_codes))]
        if max(betas) < 1:
            raise ValueError("the aspect weights cannot all be zero")
    points = [np.concatenate([[b], (1 - b) * t]) for b in betas for t in shares]
    return np.unique(np.round(np.array(points), 15), axis=0)


def _milp(D: np.ndarray, margin: float, *, worst: bool) -> int:
    """The least (best) or most (worst) number of rows of D (competitors x
    vertices: index difference at each vertex) that can be made to beat the
    region at one convex combination lambda of the vertices."""
    from scipy.optimize import Bounds, LinearConstraint, milp

    m, nv = D.shape
    Ds = D * _SCALE
    cost = np.concatenate([np.zeros(nv), np.full(m, -1.0 if worst else 1.0)])
    if worst:  # z_j = 1  =>  D_j . lambda >= margin
        big = margin * _SCALE - Ds.min(axis=1)
        rows = np.hstack([Ds, -np.diag(big)])
        lower, upper = margin * _SCALE - big, np.full(m, np.inf)
    else:  # z_j = 0  =>  D_j . lambda <= margin
        big = Ds.max(axis=1) - margin * _SCALE
        rows = np.hstack([Ds, -np.diag(big)])
        lower, upper = np.full(m, -np.inf), np.full(m, margin * _SCALE)
    simplex = np.concatenate([np.ones(nv), np.zeros(m)])[None, :]
    result = milp(
        cost,
        constraints=[
            LinearConstraint(rows, lower, upper),
            LinearConstraint(simplex, 1.0, 1.0),
        ],
        integrality=np.concatenate([np.zeros(nv), np.ones(m)]),
        bounds=Bounds(0.0, 1.0),
        options={"mip_rel_gap": 0.0, "presolve": True},
    )
    if result.status != 0 or result.x is None:
        raise RuntimeError(f"the rank program did not solve: {result.message}")
    return round(abs(result.fun))


def attainable_ranks(
    scores: np.ndarray, points: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """scores (N, 1 + A) of the explorable regions, points (V, 1 + A) from
    `vertices` -> best and worst attainable rank of each (int arrays)."""
    at = scores @ points.T  # (N, V): every region's index at every vertex
    n = len(scores)
    best = np.ones(n, dtype=int)
    worst = np.ones(n, dtype=int)
    for r in range(n):
        D = np.delete(at - at[r], r, axis=0)
        low, high = D.min(axis=1), D.max(axis=1)
        # Best: fewest above by more than BEST_MARGIN.
        always = low > BEST_MARGIN
        open_ = ~always & (high > BEST_MARGIN)
        count = int(always.sum())
        if open_.any():
            at_vertex = (D > BEST_MARGIN).sum(axis=0).min()
            if at_vertex > count:
                count += _milp(D[open_], BEST_MARGIN, worst=False)
        best[r] = 1 + count
        # Worst: most above by at least WORST_MARGIN.
        always = low >= WORST_MARGIN
        open_ = ~always & (high >= WORST_MARGIN)
        count = int(always.sum())
        if open_.any():
            at_vertex = (D >= WORST_MARGIN).sum(axis=0).max()
            if at_vertex < count + int(open_.sum()):
                count += _milp(D[open_], WORST_MARGIN, worst=True)
            else:
                count = at_vertex
        worst[r] = 1 + count
    return best, worst


# --------------------------------------------------------------------------
# Effective shares


def effective_shares(
    indicators: Iterable[Mapping[str, Any]],
    part_weights: Mapping[str, Any],
    aspect_weights: Mapping[str, Any],
    groups: Sequence[str] = ("dimension", "element", "aspect", "part"),
) -> dict[str, dict[str, float]]:
    """The share of each indicator's weight in the index (for a region with
    every indicator scored), summed by dimension, element, aspect and part.
    indicators: {"code", "part", "aspect", "weight", "dimension", "element"}.
    Each group's shares sum to 1 (the framework's parts with weight)."""
    rows = list(indicators)
    parts = {p: float(part_weights.get(p, 0) or 0) for p in PARTS}
    present_parts = {r["part"] for r in rows}
    part_total = sum(w for p, w in parts.items() if p in present_parts)
    used_aspects = {r["aspect"] for r in rows if r["part"] == "practice"}
    aspect_w = {a: float(aspect_weights.get(a, 0) or 0) for a in used_aspects}
    aspect_total = sum(aspect_w.values())
    column_total: dict[str, float] = {}
    for r in rows:
        key = "blueprint" if r["part"] == "blueprint" else r["aspect"]
        column_total[key] = column_total.get(key, 0.0) + float(r["weight"])

    out: dict[str, dict[str, float]] = {g: {} for g in (*groups, "indicator")}
    for r in rows:
        share = parts[r["part"]] / part_total if part_total else 0.0
        if r["part"] == "practice":
            share *= aspect_w[r["aspect"]] / aspect_total if aspect_total else 0.0
            key = r["aspect"]
        else:
            key = "blueprint"
        share *= float(r["weight"]) / column_total[key]
        out["indicator"][r["code"]] = share
        for g in groups:
            code = r.get(g) or ("blueprint" if g == "aspect" else "")
            out[g][code] = out[g].get(code, 0.0) + share
    return out
