"""How one region's published result reads, from a release's content.

Every page, export and API row that shows a result goes through `entry()`, so
they all say the same thing: whether the region is ranked and why not
("incomplete", "few_reviews", "no_index"), its tied group (the national
"rank 3-9 (tied)" first, the point rank second), its index with the 90%
interval, the severity-adjusted index (a sensitivity column, never the
official one) and the rank change it causes; `caveat()` is the release's
low-agreement caveat.

The keys are those of the release contract (scoring.contract, docs/scoring.md). A
release published before they existed reads as it did: ranked when it has a
national rank, its tie a group of one, no interval of the index, no adjusted
index; its caveat follows its stored alpha against the same floor.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from dashboards.analytics import result_status
from scoring import contract

DASH = "\u2013"
PEER_GROUPS = contract.PEER_GROUP_KEYS
AGREEMENT_FLOOR = contract.AGREEMENT_FLOOR  # Krippendorff 2004: >= .667
# The unranked are listed in this order: complete ones with too few reviews
# (their index means something), then the incomplete, then those without one.
REASONS = ("few_reviews", "incomplete", "no_index")


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return None if number.is_nan() else number


def number(value: Any, places: int = 2) -> str:
    """A score as shown: rounded half-up to `places` (the rounding that decides
    the band) in the active language's decimal mark ("3,12"); a dash for none."""
    found = _decimal(value)
    if found is None:
        return DASH
    shown = found.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return number_format(shown, places)


def _int(value: Any) -> int | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def low_agreement(content: Mapping[str, Any]) -> bool:
    """The release's own flag; for an older release, its alpha below the floor."""
    if "low_agreement" in content:
        return bool(content["low_agreement"])
    alpha = _decimal(content.get("alpha"))
    return alpha is not None and alpha < Decimal(AGREEMENT_FLOOR)


def caveat(content: Mapping[str, Any]) -> str:
    """The low-agreement caveat in the active language, "" when none."""
    if not low_agreement(content):
        return ""
    alpha = _decimal(content.get("alpha"))
    floor = content.get("agreement_floor") or AGREEMENT_FLOOR
    return _(
        "Low inter-reviewer agreement (alpha %(alpha)s < %(floor)s): small "
        "differences between ranks are not meaningful."
    ) % {
        "alpha": DASH if alpha is None else number(alpha),
        "floor": number(floor, 3),
    }


def entry(row: Mapping[str, Any], content: Mapping[str, Any]) -> dict[str, Any]:
    """The display fields of one region entry (analytics.result_status)."""
    return result_status(row, content)


def sort_key(shown: Mapping[str, Any], rank: Any, name: str = "") -> tuple:
    """The public ranking's order (`shown` from entry()): ranked regions by
    tied group, then point rank; then the unranked in REASONS order, each
    by name."""
    rank = _int(rank)
    if shown.get("ranked") and rank is not None:
        tie = contract.pair(shown.get("tie"))
        return (0, _int(tie[0]) or rank, rank, name)
    reason = shown.get("unranked_reason") or ""
    order = REASONS.index(reason) if reason in REASONS else len(REASONS)
    return (1, order, 0, name)


def status_label(shown: Mapping[str, Any]) -> str:
    """Why a region has no rank, "" for a ranked one."""
    if shown["ranked"]:
        return ""
    reason = shown["unranked_reason"]
    if reason == "few_reviews":
        return _("Not ranked: %(n)s of the %(min)s reviews required") % {
            "n": shown["n_reviews"] if shown["n_reviews"] is not None else DASH,
            "min": shown["min_reviews"],
        }
    if reason == "no_index":
        return _("Not ranked: no index")
    return _("Incomplete")


def rank_label(shown: Mapping[str, Any], rank: Any) -> str:
    """A tied group of several ranks ("Rank 3 to 9 (tied)") or "Rank 3"."""
    if not shown["ranked"]:
        return ""
    low, high = shown["tie"]
    if shown["tied"]:
        return _("Rank %(low)s–%(high)s (tied)") % {"low": low, "high": high}  # noqa: RUF001
    return _("Rank %(rank)s") % {"rank": rank}


def point_label(rank: Any) -> str:
    return _("point rank %(rank)s") % {"rank": rank}


def range_label(interval: Any) -> str:
    low, high = contract.pair(interval)
    if low is None:
        return ""
    return _("90%% range: %(low)s–%(high)s") % {"low": low, "high": high}  # noqa: RUF001


def index_label(index: Any, interval: Any) -> str:
    """The index with its 90% interval when there is one: "3,12 (2,95-3,30)"
    with an en dash."""
    low, high = contract.pair(interval)
    if _decimal(index) is None:
        return DASH
    if low is None or high is None:
        return number(index)
    return f"{number(index)} ({number(low)}{DASH}{number(high)})"


def labels(row: Mapping[str, Any], content: Mapping[str, Any]) -> dict[str, Any]:
    """entry() plus its texts in the active language (for templates)."""
    shown = entry(row, content)
    rank = _int((row.get("ranks") or {}).get("rank_national"))
    shown.update(
        status_label=status_label(shown),
        rank_label=rank_label(shown, rank),
        point_label=point_label(rank) if shown["tied"] else "",
        range_label=range_label(row.get("rank_interval")) if shown["ranked"] else "",
        index_label=index_label(row.get("index"), shown["index_interval"]),
        adjusted_label=number(shown["index_adjusted"])
        if shown["index_adjusted"] is not None
        else DASH,
        coverage_label=_coverage(row.get("coverage")),
    )
    return shown


def _coverage(value: Any) -> str:
    found = _decimal(value)
    if found is None:
        return DASH
    return f"{number(found * 100, 0)}%"


def progress(content: Mapping[str, Any]) -> dict[str, Any]:
    """Progress as a release can state it: complete program members (a cohort
    year in the release's snapshot) at the target band or above, out of the
    program members it assessed, beside the program's target. A release
    without a snapshot keeps its stored count, which counted every complete
    region of the cycle at the target band (members or not): `members` is
    then None and the pages say "regions assessed" instead."""
    stored = content.get("progress") or {}
    target = _int(stored.get("target"))
    framework = content.get("framework") or {}
    codes = [str(band[0]) for band in framework.get("bands") or []]
    wanted = framework.get("target_band")
    shot = (content.get("snapshot") or {}).get("regions")
    if not shot or wanted not in codes:
        return {
            "reached": _int(stored.get("reached")) or 0,
            "members": None,
            "assessed": len(content.get("regions") or []),
            "target": target,
        }
    cohort = {r["region"]: r.get("cohort_year") for r in shot}
    floor = codes.index(wanted)
    members = [r for r in content.get("regions") or [] if cohort.get(r["region"])]
    reached = sum(
        1
        for r in members
        if r.get("complete")
        and (r.get("band") or "") in codes
        and codes.index(r["band"]) >= floor
    )
    return {
        "reached": reached,
        "members": len(members),
        "assessed": len(content.get("regions") or []),
        "target": target,
    }


def progress_text(content: Mapping[str, Any]) -> str:
    found = progress(content)
    if found["members"] is None:
        return (
            _(
                "%(reached)s of the %(assessed)s regions assessed in this release "
                "reach the target band (the program targets %(target)s regions)."
            )
            % found
        )
    return (
        _(
            "%(reached)s of the %(members)s program regions assessed in this "
            "release reach the target band (the program targets %(target)s regions)."
        )
        % found
    )
