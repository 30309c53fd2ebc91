"""GET /api/v1/releases/<id>/package.zip: a Frictionless Data Package."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest
from django.core.cache import cache
from frictionless import Package, validate

from scoring import services
from tests.scoring.conftest import scored_cycle

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


@pytest.fixture
def published(db):
    cycle = scored_cycle(["36.71", "36.74", "32.73", "31.71", "35.78"])
    return services.publish(cycle=cycle, final=False)


def unpack(body: bytes, into) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        archive.extractall(into)
        return {name: archive.read(name) for name in archive.namelist()}


def test_the_package_is_a_valid_frictionless_data_package(client, published, tmp_path):
    response = client.get(f"/api/v1/releases/{published.pk}/package.zip")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    files = unpack(response.content, tmp_path)
    assert {
        "datapackage.json",
        "release.json",
        "levels.csv",
        "results.csv",
        "regions.csv",
        "indicators.csv",
        "weights.csv",
        "bands.csv",
    } <= set(files)
    report = validate(str(tmp_path / "datapackage.json"))
    assert report.stats["errors"] == 0, report.flatten(["rowNumber", "note"])
    assert len(report.tasks) == 7  # every resource was checked, tables row by row
    package = Package(str(tmp_path / "datapackage.json"))
    results = package.get_resource("results")
    assert {"index", "band", "rank_national", "rank_interval_low"} <= set(
        results.schema.field_names
    )


def test_the_package_holds_every_answer_and_the_release_metadata(
    client, published, tmp_path
):
    files = unpack(
        client.get(f"/api/v1/releases/{published.pk}/package.zip").content, tmp_path
    )
    levels = list(csv.DictReader(io.StringIO(files["levels.csv"].decode())))
    meta = json.loads(files["release.json"])

    assert len(levels) == len(published.content["snapshot"]["answers"])
    assert {row["source"] for row in levels} == {"median"}
    assert all(row["reviewer"].startswith("r-") for row in levels)
    assert "scorer-" not in files["levels.csv"].decode()
    assert meta["checksum"] == published.checksum == meta["checksum_recomputed"]
    assert meta["number"] == 1
    assert meta["kind"] == "provisional"
    regions = list(csv.DictReader(io.StringIO(files["regions.csv"].decode())))
    assert {row["region"] for row in regions} == {
        "36.71",
        "36.74",
        "32.73",
        "31.71",
        "35.78",
    }


def test_the_package_is_public_cached_and_the_same_bytes_each_time(client, published):
    url = f"/api/v1/releases/{published.pk}/package.zip"
    first = client.get(url)
    cache.clear()
    second = client.get(url)

    assert first.content == second.content
    assert "immutable" in first["Cache-Control"]
    again = client.get(url, headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304


@pytest.mark.parametrize("pk", ["999999", "abc", "99999999999999999999999"])
def test_an_unknown_release_package_is_a_json_404(client, published, pk):
    response = client.get(f"/api/v1/releases/{pk}/package.zip")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
