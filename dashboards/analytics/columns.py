"""The release frame's column names and the order of its details columns."""

from __future__ import annotations

from collections.abc import Iterable

from scoring import contract

# Registry columns and their dtypes, in the order the release frame has them.
REGISTRY_COLUMNS: dict[str, str] = {
    "region": "str",
    "name": "str",
    "kind": "str",
    "province_code": "str",
    "province_name": "str",
    "cohort_year": "Int64",
    "cohort_confirmed": "boolean",
    "latitude": "float64",
    "longitude": "float64",
}
RESULT_NUMBERS = ("index", "coverage", "blueprint", "practice")
RANK_COLUMNS = contract.RANK_COLUMNS  # one per peer group, national first
INTERVAL_COLUMNS = ("rank_low", "rank_high")
# Detail key families, in the order exports and docs list them.
DETAIL_FAMILIES = ("dimension", "element", "aspect", "sub_dimension")
# Rank column -> (scorecard group name, registry/result column of the group).
_PEER_GROUPS = {
    group.rank: (group.key, group.frame_column) for group in contract.PEER_GROUPS
}


def detail_columns(columns: Iterable[str]) -> list[str]:
    """The details columns among `columns` ("family:code"), sorted by family
    (dimension, element, aspect, sub_dimension, then any other alphabetically)
    and then by code."""
    families = {family: k for k, family in enumerate(DETAIL_FAMILIES)}

    def key(column: str) -> tuple[int, str, str]:
        family, _, code = column.partition(":")
        return (families.get(family, len(families)), family, code)

    return sorted((c for c in columns if ":" in c), key=key)
