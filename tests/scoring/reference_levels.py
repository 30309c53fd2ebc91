"""indicator levels (the medians and the decisions) as computed before the
recompute was made faster (issue 15), kept verbatim as the reference for
tests/scoring/test_speed_identity.py. Not used by the application."""

from __future__ import annotations

import pandas as pd

from scoring.analytics.frames import _LEVELS, LEVEL_MIN


def final_levels_before(
    ans: pd.DataFrame, decided: pd.DataFrame, no_evidence_level: float = LEVEL_MIN
) -> pd.DataFrame:
    """indicator_levels from checked answers and _decisions()."""
    scored = ans.assign(
        scored=ans["level"].fillna(no_evidence_level), real=ans["level"].notna()
    )
    stats = (
        scored.groupby(["region", "indicator"], sort=True)
        .agg(
            median=("scored", "median"),
            n_reviewers=("real", "sum"),
            n_answers=("real", "size"),
        )
        .reset_index()
    )
    out = stats.merge(decided, on=["region", "indicator"], how="outer", sort=True)
    has_decision = out["level"].notna()
    out["level"] = out["level"].where(has_decision, out["median"]).astype("float64")
    out["source"] = out["source"].where(has_decision, "median")
    out["n_reviewers"] = out["n_reviewers"].fillna(0).astype("int64")
    majority = 2 * out["n_reviewers"] > out["n_answers"].fillna(0)
    out["evidenced"] = (has_decision | majority).astype(bool)
    out = out.loc[
        out["level"].notna(), [*_LEVELS, "source", "n_reviewers", "evidenced"]
    ]
    out["source"] = out["source"].astype("str")
    return out.sort_values(["region", "indicator"], kind="mergesort").reset_index(
        drop=True
    )
