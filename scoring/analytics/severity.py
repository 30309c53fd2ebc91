"""Reviewer severity: an additive rater-effect model fitted on the cycle.

Part of scoring.analytics (see its docstring for the method). Pure: no Django.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from scoring.analytics.frames import LEVEL_MAX, LEVEL_MIN

Z90 = 1.6448536269514722  # two-sided 90%
_TOLERANCE = 1e-10
_MAX_ITERATIONS = 500


def _fit(cell: np.ndarray, rater: np.ndarray, y: np.ndarray, n_raters: int):
    """Least squares of y = mu[cell] + s[rater] by alternating means (each
    step is the exact minimiser in one block, so the sum of squares never
    rises); s centred to mean 0 over the raters. Returns mu, s."""
    n_cells = int(cell.max()) + 1 if len(cell) else 0
    per_cell = np.bincount(cell, minlength=n_cells).astype(float)
    per_rater = np.bincount(rater, minlength=n_raters).astype(float)
    s = np.zeros(n_raters)
    mu = np.zeros(n_cells)
    for _ in range(_MAX_ITERATIONS):
        mu = np.bincount(cell, y - s[rater], minlength=n_cells) / per_cell
        new = np.bincount(rater, y - mu[cell], minlength=n_raters) / per_rater
        new -= new.mean()
        change = np.abs(new - s).max() if n_raters else 0.0
        s = new
        if change < _TOLERANCE:
            break
    mu = np.bincount(cell, y - s[rater], minlength=n_cells) / per_cell
    return mu, s


def severity(ans: pd.DataFrame) -> pd.DataFrame:
    """reviewer, severity, severity_low, severity_high, n per reviewer with
    at least one real level.

    level(r, i, j) = mu(r, i) + s(j) + e over the real levels ("no evidence"
    is not a judgement of quality and is left out); s has mean 0 over the
    reviewers: a positive severity is a reviewer who gives higher levels than
    the others on the same indicators (lenient), negative stricter. Only
    (region, indicator) cells with at least two reviewers carry information
    about s. The interval is s +- 1.645 standard errors, the error from the
    residual variance with the other parameters taken as known:
    se(j)^2 = sigma^2 / sum over j's answers of (1 - 1/n_cell).
    """
    given = ans.loc[ans["level"].notna(), ["region", "indicator", "reviewer", "level"]]
    columns = ["reviewer", "severity", "severity_low", "severity_high", "n"]
    if given.empty:
        return pd.DataFrame({c: pd.Series(dtype="float64") for c in columns}).astype(
            {"reviewer": "int64", "n": "int64"}
        )
    cell = given.groupby(["region", "indicator"], sort=True).ngroup().to_numpy()
    raters, rater = np.unique(given["reviewer"].to_numpy(np.int64), return_inverse=True)
    rater = np.asarray(rater).ravel()
    y = given["level"].to_numpy(float)
    mu, s = _fit(cell, rater, y, len(raters))
    residual = y - mu[cell] - s[rater]
    per_cell = np.bincount(cell).astype(float)
    free = len(y) - len(per_cell) - len(raters) + 1
    sigma2 = float(residual @ residual) / free if free > 0 else np.nan
    info = np.bincount(rater, 1 - 1 / per_cell[cell], minlength=len(raters))
    with np.errstate(divide="ignore", invalid="ignore"):
        se = np.where(info > 0, np.sqrt(sigma2 / info), np.nan)
    return pd.DataFrame(
        {
            "reviewer": raters.astype(np.int64),
            "severity": s,
            "severity_low": s - Z90 * se,
            "severity_high": s + Z90 * se,
            "n": np.bincount(rater, minlength=len(raters)).astype(np.int64),
        }
    )


def adjusted_answers(ans: pd.DataFrame, sev: pd.DataFrame) -> pd.DataFrame:
    """Each real level minus its reviewer's severity, clipped to 1-5; "no
    evidence" stays NaN (it then scores as no_evidence_level)."""
    shift = ans["reviewer"].map(sev.set_index("reviewer")["severity"]).fillna(0.0)
    level = (ans["level"] - shift).clip(LEVEL_MIN, LEVEL_MAX)
    return ans.assign(level=level.where(ans["level"].notna()))
