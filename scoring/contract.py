"""The release content: what scoring writes into ``Release.content`` and what the
dashboards, exports, API, data package and verifier read (docs/scoring.md).

One module, no Django, so the pure pandas modules can read it too:

- ``ReleaseContent`` and the types of its parts (TypedDicts: the content is
  stored as JSON, and typed dicts keep the stored shape and the checksum as
  they are). Keys added by the method of issue 14 are ``NotRequired``: a
  release published before them lacks them and reads as it did
  (dashboards.display, dashboards.analytics.result_status).
- ``PEER_GROUPS``, the one table of the peer groups a region is ranked in: the
  key in ``uncertainty`` and on the scorecard, the rank key in ``ranks`` (and
  the column of results and exports), the column that forms the group in the
  scoring input frame and in the dashboards' release frame, and what the rank
  means in Indonesian and English.
- The method's vocabulary: ``UNRANKED_REASONS``, ``MIN_REVIEWS`` (the default
  when a release does not say), ``AGREEMENT_FLOOR``, ``SOURCES`` of a level.
- Small readers shared by every reader: ``pair``, ``min_reviews``.
"""

# No `from __future__ import annotations`: TypedDict reads NotRequired only
# from evaluated annotations on Python 3.11 (else every key counts as required).
from collections.abc import Mapping
from typing import Any, NamedTuple, NotRequired, TypedDict

__all__ = [
    "AGREEMENT_FLOOR",
    "MIN_REVIEWS",
    "PEER_GROUPS",
    "PEER_GROUP_KEYS",
    "RANK_COLUMNS",
    "SOURCES",
    "UNRANKED_REASONS",
    "CycleEntry",
    "FrameworkEntry",
    "GroupUncertainty",
    "IndicatorEntry",
    "LevelEntry",
    "Method",
    "PeerGroup",
    "Ranks",
    "RegionEntry",
    "ReleaseContent",
    "min_reviews",
    "pair",
    "peer_group",
]


class PeerGroup(NamedTuple):
    """One peer group a region is ranked in."""

    key: str  # in `uncertainty`, the scorecard's rank groups, results.csv
    rank: str  # the key in a region entry's `ranks`, a results/export column
    scoring_column: str | None  # the scoring input column forming the group
    frame_column: str | None  # the dashboards release-frame column forming it
    doc_id: str  # what the rank means, Indonesian (export documentation)
    doc_en: str  # the same in English


# National first: every reader lists the groups in this order.
PEER_GROUPS: tuple[PeerGroup, ...] = (
    PeerGroup(
        "national",
        "rank_national",
        None,
        None,
        "Peringkat nasional di antara daerah yang lengkap (1 = indeks tertinggi; "
        "indeks sama berbagi peringkat yang lebih kecil)",
        "National rank among complete regions (1 = highest index; ties share "
        "the lower number)",
    ),
    PeerGroup(
        "kind",
        "rank_kind",
        "kind",
        "kind",
        "Peringkat di antara daerah sejenis (kota atau kabupaten)",
        "Rank among regions of the same kind (kota or kabupaten)",
    ),
    PeerGroup(
        "province",
        "rank_province",
        "province",
        "province_code",
        "Peringkat di antara daerah dalam provinsi yang sama",
        "Rank among regions of the same province",
    ),
    PeerGroup(
        "cohort",
        "rank_cohort",
        "cohort_year",
        "cohort_year",
        "Peringkat di antara daerah dengan tahun angkatan yang sama",
        "Rank among regions of the same cohort year",
    ),
    PeerGroup(
        "size",
        "rank_size",
        "size_class",
        "size_class",
        "Peringkat di antara daerah dengan kelas ukuran yang sama",
        "Rank among regions of the same size class",
    ),
)
PEER_GROUP_KEYS: tuple[str, ...] = tuple(group.key for group in PEER_GROUPS)
RANK_COLUMNS: tuple[str, ...] = tuple(group.rank for group in PEER_GROUPS)

UNRANKED_REASONS = ("incomplete", "few_reviews", "no_index")
MIN_REVIEWS = 3  # the framework's default when a release does not say
# Krippendorff (2004): tentative conclusions need alpha >= .667. Written into
# the content as this string (`agreement_floor`).
AGREEMENT_FLOOR = "0.667"
SOURCES = ("median", "consensus", "appeal")  # where an indicator level came from


def peer_group(key: str) -> PeerGroup:
    """The peer group of a key ("national", "kind", ...); KeyError if none."""
    for group in PEER_GROUPS:
        if group.key == key:
            return group
    raise KeyError(key)


# --------------------------------------------------------------------------
# The content's types (JSON: decimals are strings, intervals two-item lists)


class CycleEntry(TypedDict):
    id: int
    name: str
    year: int


class IndicatorEntry(TypedDict):
    part: str
    aspect: str
    weight: str


class FrameworkEntry(TypedDict):
    code: str
    part_weights: dict[str, str]
    aspect_weights: dict[str, str]
    indicators: dict[str, IndicatorEntry]
    bands: list[list[Any]]  # [[code, upper as str, or None for the top band]]
    min_coverage: str
    target_band: str


class Method(TypedDict):
    """The method's settings a release states."""

    no_evidence_level: str
    min_reviews: int
    draws: int
    interval: str


class LevelEntry(TypedDict):
    level: str
    source: str  # one of SOURCES


class GroupUncertainty(TypedDict):
    interval: list[int | None]  # [best, worst] rank of the 90% interval
    tie: list[int | None]  # [first, last] rank of the tied group


# The `ranks` of a region entry: one key per PEER_GROUPS rank, None when unranked.
Ranks = dict[str, int | None]


class RegionEntry(TypedDict):
    """One region of a release (decimals as strings, None when missing)."""

    region: str
    index: str | None
    band: str
    coverage: str | None
    complete: bool
    blueprint: str | None
    practice: str | None
    details: dict[str, float]  # "dimension:GOV", "element:STR", ...
    size_class: str
    ranks: Ranks
    rank_interval: list[int | None]
    levels: dict[str, LevelEntry]  # indicator code -> level
    # The method of issue 14; absent in older releases.
    n_reviews: NotRequired[int | None]
    ranked: NotRequired[bool]
    unranked_reason: NotRequired[str]  # one of UNRANKED_REASONS, "" when ranked
    index_interval: NotRequired[list[str | None]]
    uncertainty: NotRequired[dict[str, GroupUncertainty]]  # PEER_GROUP_KEYS
    index_adjusted: NotRequired[str | None]
    rank_adjusted: NotRequired[int | None]
    tie: NotRequired[list[int | None]]


class ReleaseContent(TypedDict):
    cycle: CycleEntry
    framework: FrameworkEntry
    progress: dict[str, Any]
    alpha: float | None
    regions: list[RegionEntry]
    # The method of issue 14; absent in older releases.
    low_agreement: NotRequired[bool]
    agreement_floor: NotRequired[str]
    method: NotRequired[Method]
    # The regions as they were, the framework's mapping, the anonymous answers
    # (scoring/releases.py).
    snapshot: NotRequired[dict[str, Any]]


# --------------------------------------------------------------------------
# Readers


def pair(value: Any) -> list[Any]:
    """A two-item list from a stored interval or tie ([None, None] if absent)."""
    items = list(value) if isinstance(value, list | tuple) else []
    return [*items, None, None][:2]


def min_reviews(content: Mapping[str, Any]) -> int:
    """The release's minimum of submitted reviews for a rank."""
    method = content.get("method") or {}
    value = method.get("min_reviews")
    return MIN_REVIEWS if value is None else int(value) or MIN_REVIEWS
