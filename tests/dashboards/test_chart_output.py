"""Every chart's JSON stays byte-identical across refactors (issue 16).

Each case builds chart results from fixed inputs (the synthetic frame of
test_charts, the real 2017 release and a synthetic 514-region release through
dashboards.analytics) and compares the SHA-256 of its canonical JSON with
data/chart_digests.json, written from the code before charts.py and
analytics.py became packages. A chart change that is meant to change the output
rewrites the file on purpose:

    .venv/bin/python -m tests.dashboards.test_chart_output --write
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from dashboards import analytics, charts
from tests.dashboards import test_analytics as release_data
from tests.dashboards import test_charts as chart_data

DIGESTS_FILE = Path(__file__).parent / "data" / "chart_digests.json"
EN_MARKS, ID_MARKS = ".,", ",."


def _synthetic(labels: dict[str, str], marks: str) -> dict[str, Any]:
    return chart_data.build_all(chart_data.make_frame(60), labels, marks)


def _release_charts(content: dict[str, Any], marks: str) -> dict[str, Any]:
    """The national dashboard's and one scorecard's charts, as the services build
    them from a release's content."""
    labels = chart_data.EN
    registry = release_data.registry()
    frame = analytics.release_frame(content, registry)
    bands = content["framework"]["bands"]
    codes = analytics.band_order(bands)
    summary = analytics.progress(
        frame,
        bands=bands,
        target_band=content["framework"]["target_band"],
        target=content["progress"]["target"],
        members=registry,
        scoped=False,
    )
    distribution = analytics.band_distribution(frame, bands=bands)
    region = frame["region"].iloc[0]
    card = analytics.scorecard(
        frame,
        region,
        dimensions=release_data.DIMENSIONS,
        elements=release_data.ELEMENTS,
    )
    national = analytics.medians(frame, ["blueprint", "practice"])
    return {
        "frame": frame.to_json(orient="split", date_format="iso"),
        "summary": summary,
        "card": card,
        "progress": charts.progress_chart(
            {**summary, "target": summary["denominator"]}, labels, marks
        ),
        "map": charts.map_chart(frame, codes, labels, marks),
        "ranking": charts.ranking_chart(frame, codes, labels, marks),
        "heatmap": charts.heatmap_chart(frame, release_data.DIMENSIONS, labels, marks),
        "bands": charts.band_chart(
            list(distribution.itertuples(index=False, name=None)), codes, labels, marks
        ),
        "radar": charts.radar_chart(card["dimensions"], labels, marks),
        "parts": charts.parts_chart(
            card["blueprint"], card["practice"], labels, marks, national=national
        ),
        "elements": charts.elements_chart(card["elements"], labels, marks),
    }


def _release_2017(marks: str) -> dict[str, Any]:
    return _release_charts(release_data.release_content(), marks)


def _release_514() -> dict[str, Any]:
    content = release_data.synthetic_release(release_data.registry())
    return _release_charts(content, ID_MARKS)


def _review_work() -> dict[str, Any]:
    """The lead's dashboard: review progress and disagreement hotspots."""
    assignments = pd.DataFrame(
        {
            "reviewer": [f"r{i % 4}" for i in range(12)],
            "region": [f"11.{i % 5:02d}" for i in range(12)],
            "status": ["submitted" if i % 3 else "draft" for i in range(12)],
            "answered": [i * 3 for i in range(12)],
            "indicators": [40] * 12,
            "overdue": [i % 5 == 0 for i in range(12)],
        }
    )
    answers = pd.DataFrame(
        {
            "region": [f"11.{i % 3:02d}" for i in range(36)],
            "indicator": [f"GOV.{i % 4}" for i in range(36)],
            "reviewer": [f"r{i % 3}" for i in range(36)],
            "level": [1 + (i * 7) % 5 for i in range(36)],
        }
    )
    progress = analytics.review_progress(assignments)
    hot = analytics.hotspots(answers)
    labels = chart_data.EN
    return {
        "progress": progress.to_json(orient="split"),
        "by_region": analytics.review_progress(assignments, by="region").to_json(
            orient="split"
        ),
        "hot": hot.to_json(orient="split"),
        "reviewers": charts.reviewer_progress_chart(
            progress.to_dict("records"), labels, EN_MARKS
        ),
        "hotspots": charts.hotspot_chart(
            analytics.hotspot_counts(hot, "indicator").to_dict("records"),
            labels,
            EN_MARKS,
            key="indicator",
        ),
    }


CASES: dict[str, Callable[[], dict[str, Any]]] = {
    "synthetic_en": lambda: _synthetic(chart_data.EN, EN_MARKS),
    "synthetic_id": lambda: _synthetic(chart_data.ID, ID_MARKS),
    "empty": lambda: chart_data.build_empty(chart_data.EN, EN_MARKS),
    "release_2017_en": lambda: _release_2017(EN_MARKS),
    "release_2017_id": lambda: _release_2017(ID_MARKS),
    "release_514": _release_514,
    "review_work": _review_work,
}


def digests(case: str) -> dict[str, str]:
    """SHA-256 of each chart's (or input's) canonical JSON in one case."""
    return {
        name: hashlib.sha256(
            json.dumps(result, sort_keys=True, default=str).encode()
        ).hexdigest()
        for name, result in CASES[case]().items()
    }


@pytest.mark.parametrize("case", sorted(CASES))
def test_chart_json_is_unchanged(case: str) -> None:
    expected = json.loads(DIGESTS_FILE.read_text(encoding="utf-8"))[case]

    assert digests(case) == expected


def test_every_case_has_stored_digests() -> None:
    assert set(json.loads(DIGESTS_FILE.read_text(encoding="utf-8"))) == set(CASES)


if __name__ == "__main__":
    if sys.argv[1:] != ["--write"]:
        sys.exit(__doc__)
    stored = {case: digests(case) for case in sorted(CASES)}
    DIGESTS_FILE.write_text(json.dumps(stored, indent=2) + "\n", encoding="utf-8")
