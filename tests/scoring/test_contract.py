"""The release content is one typed contract (scoring.contract) that scoring
writes and every reader reads, with one peer-group table (issue 16)."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path
from typing import Any, get_type_hints

import pytest

from api import serializers
from dashboards import analytics, display, exports
from scoring import analytics as scoring_analytics
from scoring import contract, services
from tests.scoring.conftest import scored_cycle

ROOT = Path(__file__).parents[2]
RELEASE_2017 = ROOT / "tests" / "dashboards" / "data" / "release_2017.json"


def _keys(typed: Any) -> tuple[set[str], set[str]]:
    """(required, optional) keys of a TypedDict."""
    return set(typed.__required_keys__), set(typed.__optional_keys__)


def _conforms(value: dict[str, Any], typed: Any) -> list[str]:
    """What in `value` the TypedDict does not allow: missing required keys and
    keys it does not know."""
    required, optional = _keys(typed)
    missing = sorted(required - set(value))
    unknown = sorted(set(value) - required - optional)
    return [f"missing {key}" for key in missing] + [f"unknown {key}" for key in unknown]


@pytest.fixture
def published(db) -> dict[str, Any]:
    cycle = scored_cycle(["36.71", "36.74", "32.73", "31.71", "35.78"])
    return services.publish(cycle=cycle, final=False).content


def test_a_published_release_has_exactly_the_contracts_keys(published):
    assert _conforms(published, contract.ReleaseContent) == []
    assert _conforms(published["cycle"], contract.CycleEntry) == []
    assert _conforms(published["framework"], contract.FrameworkEntry) == []
    assert _conforms(published["method"], contract.Method) == []
    assert published["regions"]
    for entry in published["regions"]:
        assert _conforms(entry, contract.RegionEntry) == []
        # A release of the current method carries every optional region key.
        assert set(entry) >= contract.RegionEntry.__optional_keys__
        assert list(entry["ranks"]) == list(contract.RANK_COLUMNS)
        assert entry["unranked_reason"] in ("", *contract.UNRANKED_REASONS)
        assert set(entry["uncertainty"]) <= set(contract.PEER_GROUP_KEYS)
        for group in entry["uncertainty"].values():
            assert _conforms(group, contract.GroupUncertainty) == []
        for level in entry["levels"].values():
            assert _conforms(level, contract.LevelEntry) == []
            assert level["source"] in contract.SOURCES
    assert published["agreement_floor"] == contract.AGREEMENT_FLOOR


def test_a_release_from_before_the_method_still_conforms():
    """The 2017 release predates the method keys: they are NotRequired."""
    content = json.loads(RELEASE_2017.read_text(encoding="utf-8"))

    assert _conforms(content, contract.ReleaseContent) == []
    for entry in content["regions"]:
        assert _conforms(entry, contract.RegionEntry) == []
    assert contract.min_reviews(content) == contract.MIN_REVIEWS


def test_min_reviews_reads_the_release_method():
    assert contract.min_reviews({"method": {"min_reviews": 4}}) == 4
    assert contract.min_reviews({"method": {}}) == contract.MIN_REVIEWS
    assert contract.min_reviews({}) == contract.MIN_REVIEWS


@pytest.mark.parametrize(
    ("stored", "expected"),
    [
        ([3, 9], [3, 9]),
        ((3, 9), [3, 9]),
        ([3], [3, None]),
        (None, [None, None]),
        ("3-9", [None, None]),
    ],
)
def test_pair_reads_a_stored_interval(stored, expected):
    assert contract.pair(stored) == expected


def test_the_contract_types_resolve():
    """Every annotation names a real type (a misspelt string would not)."""
    for typed in (
        contract.ReleaseContent,
        contract.RegionEntry,
        contract.FrameworkEntry,
        contract.Method,
        contract.GroupUncertainty,
        contract.LevelEntry,
        contract.CycleEntry,
        contract.IndicatorEntry,
    ):
        assert get_type_hints(typed)


# The one peer-group table ----------------------------------------------------


def test_peer_groups_are_national_first_and_unique():
    keys = [group.key for group in contract.PEER_GROUPS]
    ranks = [group.rank for group in contract.PEER_GROUPS]

    assert keys[0] == "national"
    assert contract.PEER_GROUPS[0].scoring_column is None
    assert len(set(keys)) == len(keys)
    assert ranks == [f"rank_{key}" for key in keys]
    assert contract.peer_group("cohort").frame_column == "cohort_year"
    with pytest.raises(KeyError):
        contract.peer_group("island")


def test_every_reader_takes_the_peer_groups_from_the_contract():
    keys = list(contract.PEER_GROUP_KEYS)
    others = [group for group in contract.PEER_GROUPS if group.key != "national"]

    assert list(display.PEER_GROUPS) == keys
    assert list(analytics.RANK_COLUMNS) == list(contract.RANK_COLUMNS)
    assert list(scoring_analytics.PEER_GROUPS) == keys
    assert list(scoring_analytics.PEER_GROUPS.values()) == list(contract.RANK_COLUMNS)
    assert {
        group.rank: group.scoring_column for group in others
    } == scoring_analytics.RANK_GROUPS
    assert services.RANK_FIELDS == contract.RANK_COLUMNS
    documented = {header: (id_, en) for header, id_, en in exports.RELEASE_COLUMNS}
    for group in contract.PEER_GROUPS:
        assert documented[group.rank] == (group.doc_id, group.doc_en)
    fields = serializers.ScoreSerializer().fields
    assert set(contract.RANK_COLUMNS) <= set(fields)
    assert list(fields["unranked_reason"].choices) == ["", *contract.UNRANKED_REASONS]
    for key in keys:
        assert f'"{key}"' in fields["uncertainty"].help_text


def test_display_lists_every_unranked_reason():
    assert sorted(display.REASONS) == sorted(contract.UNRANKED_REASONS)
    assert display.AGREEMENT_FLOOR == contract.AGREEMENT_FLOOR
    assert float(contract.AGREEMENT_FLOOR) == scoring_analytics.AGREEMENT_FLOOR


def _string_constants(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }


def test_the_peer_group_rank_keys_are_spelled_out_only_in_the_contract():
    """No module but the contract writes a peer group's rank key as a string
    (the vocabulary used to be spelled out in 7 places)."""
    spelled = set(contract.RANK_COLUMNS) - {"rank_national"}
    found = []
    for path in ROOT.glob("*/**/*.py"):
        parts = path.relative_to(ROOT).parts
        if parts[0] in (".venv", "tests", "build") or "migrations" in parts:
            continue
        if path == ROOT / "scoring" / "contract.py":
            continue
        if spelled & _string_constants(path):
            found.append(str(path.relative_to(ROOT)))

    assert found == []


def test_the_contract_is_pure():
    tree = ast.parse((ROOT / "scoring" / "contract.py").read_text(encoding="utf-8"))
    modules = {
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    } | {
        (node.module or "").split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
    }
    assert modules <= {"__future__", "collections", "typing"}
    code = (
        "import sys\nimport scoring.contract\n"
        "assert not [m for m in sys.modules if m.split('.')[0] == 'django']\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
