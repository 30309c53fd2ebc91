"""The public dashboard, region scorecards, the ministry dashboard, exports."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from django.core.cache import cache
from django.test import Client

from assessments.models import Band
from regions.models import ProgramMembership, Region
from reviews.models import Answer
from scoring import services as scoring_services
from scoring.models import Release
from tests.reviews.conftest import make_reviewer
from tests.scoring.conftest import codes, scored_cycle

pytestmark = pytest.mark.django_db

CHARTS = {"progress", "map", "ranking", "heatmap", "bands"}


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()  # dashboards are cached by release


def publish(count: int, *, final: bool = False, name: str = "Scored 2017") -> Release:
    cycle = scored_cycle(codes(count), name=name)
    return scoring_services.publish(cycle=cycle, final=final)


def test_without_a_release_the_dashboard_says_so_and_shows_nothing(english):
    client = english
    scored_cycle(codes(5))  # computed, never published
    page = client.get("/dashboard/")
    assert page.status_code == 200
    assert b"No results have been published yet" in page.content
    assert client.get("/dashboard/data/").status_code == 404
    assert client.get("/dashboard/export.csv").status_code == 404


def test_the_dashboard_counts_regions_toward_the_target(client):
    release = publish(30)
    page = client.get("/dashboard/")
    reached = members_at_target(release)
    assert 0 < reached < release.content["progress"]["reached"]
    html = page.content.decode()
    assert f"<strong>{reached}</strong>" in html
    # The registry holds 99 of the program's 100 members: no target of 100.
    assert "dari 99 daerah program yang tercatat mencapai predikat target" in html
    assert "99 dari 100 daerah program tercatat; 1 belum diketahui." in html
    assert 'max="99"' in html
    data = client.get("/dashboard/data/").json()
    assert set(data["charts"]) == CHARTS
    assert data["summary"]["reached"] == reached
    assert data["summary"]["assessed"] == 30
    for chart in data["charts"].values():
        assert chart["figure"]["data"] is not None
        assert chart["table"]["columns"]


def members_at_target(release: Release, province: str | None = None) -> int:
    """Complete regions of the release at the target band or above that are
    program members (a membership not cancelled), in the province if given."""
    members = set(
        ProgramMembership.objects.active().values_list("region_id", flat=True)
    )
    codes = [band[0] for band in release.content["framework"]["bands"]]
    lowest = codes.index(release.content["framework"]["target_band"])
    return sum(
        1
        for row in release.content["regions"]
        if row["complete"]
        and row["band"] in codes[lowest:]
        and row["region"] in members
        and (province is None or row["region"].startswith(province + "."))
    )


def test_a_province_view_counts_its_program_regions_and_zooms_to_it(client):
    release = publish(60)
    in_release = {row["region"] for row in release.content["regions"]}
    members = set(
        ProgramMembership.objects.active().values_list("region_id", flat=True)
    )
    province = "12"  # Sumatera Utara: five program members, some assessed
    assert any(code.startswith("12.") for code in in_release & members)
    in_province = {code for code in members if code.startswith("12.")}

    html = client.get(f"/dashboard/?province={province}").content.decode()
    data = client.get(f"/dashboard/data/?province={province}").json()

    reached = members_at_target(release, province)
    assert data["summary"]["reached"] == reached
    assert data["summary"]["denominator"] == len(in_province)
    assert f"<strong>{reached}</strong>" in html
    assert (
        f"dari {len(in_province)} daerah program di provinsi ini mencapai "
        "predikat target" in html
    )
    assert "daerah sasaran" not in html  # no national target for a province
    layout = data["charts"]["map"]["figure"]["layout"]
    west, east = layout["xaxis"]["range"]
    south, north = layout["yaxis"]["range"]
    located = Region.objects.filter(province_id=province, latitude__isnull=False)
    for region in located:
        assert west <= float(region.longitude) <= east
        assert south <= float(region.latitude) <= north
    assert east - west < 10  # zoomed in from the national 94..142

    overall = data["charts"]["progress"]["figure"]["data"][0]
    assert overall["x"] == [len(in_province)]  # not the national 100

    national = client.get("/dashboard/data/").json()["charts"]["map"]["figure"]
    assert national["layout"]["xaxis"]["range"] == [94, 142]


def test_filters_narrow_the_view_and_bad_values_are_reported(english):
    client = english
    release = publish(30)
    in_release = {row["region"] for row in release.content["regions"]}
    province = sorted(in_release)[0][:2]
    narrowed = client.get(f"/dashboard/data/?province={province}").json()
    expected = {code for code in in_release if code.startswith(province)}
    assert narrowed["summary"]["assessed"] == len(expected)

    page = client.get("/dashboard/?province=99&kind=desa")
    assert page.status_code == 200
    assert page.content.decode().count('class="field-error"') == 2
    assert client.get("/dashboard/data/?kind=desa").json()["summary"]["assessed"] == 30


@pytest.mark.parametrize(
    "url",
    ["/dashboard/data/", "/regions/{code}/scorecard/data/", "/dashboard/"],
)
def test_chart_data_costs_the_same_queries_for_5_and_50_regions(url, queries_of):
    counts = []
    for count, name in ((5, "Five"), (50, "Fifty")):
        release = publish(count, name=name)
        target = url.format(code=release.content["regions"][0]["region"])
        target += ("&" if "?" in target else "?") + f"cycle={release.cycle_id}"
        client = Client()
        cache.clear()
        counts.append(queries_of(lambda c=client, t=target: c.get(t)))
    assert counts[0] == counts[1], counts


def test_a_scorecard_shows_the_region_and_hides_comments_until_final(english):
    client = english
    release = publish(5)
    code = release.content["regions"][0]["region"]
    answer = Answer.objects.filter(review__region_id=code).first()
    answer.comment = "Dokumen masterplan lengkap di halaman 12."
    answer.save()

    page = client.get(f"/regions/{code}/scorecard/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Dokumen masterplan lengkap" not in html
    assert "shown once the release is final" in html
    data = client.get(f"/regions/{code}/scorecard/data/").json()
    assert set(data["charts"]) == {"radar", "parts", "elements", "history"}
    assert data["card"]["region"] == code

    scoring_services.publish(cycle=release.cycle, final=True)
    cache.clear()
    html = client.get(f"/regions/{code}/scorecard/").content.decode()
    assert "Dokumen masterplan lengkap" in html
    assert answer.review.reviewer.username not in html  # comments are unnamed
    history = client.get(f"/regions/{code}/scorecard/data/").json()["history"]
    assert [row["number"] for row in history] == [1, 2]


def test_a_region_without_a_release_has_no_scorecard(client):
    release = publish(5)
    assessed = {row["region"] for row in release.content["regions"]}
    other = next(c for c in codes(40) if c not in assessed)
    assert client.get(f"/regions/{other}/scorecard/").status_code == 404
    assert client.get(f"/regions/{other}/scorecard/data/").status_code == 404
    assert client.get("/regions/99.99/scorecard/").status_code == 404


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_release_export_opens_with_pandas_and_matches_the_release(client, fmt):
    release = publish(30)
    response = client.get(f"/dashboard/export.{fmt}")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    body = io.BytesIO(b"".join([response.content]))
    table = (
        pd.read_csv(body, dtype={"region_code": str})
        if fmt == "csv"
        else pd.read_excel(body, engine="openpyxl", dtype={"region_code": str})
    )
    assert len(table) == len(release.content["regions"])
    by_code = table.set_index("region_code")
    band_names = dict(
        Band.objects.filter(framework__code=release.framework_code).values_list(
            "code", "name_id"
        )
    )
    for row in release.content["regions"]:
        exported = by_code.loc[row["region"]]
        if row["index"] is None:
            assert pd.isna(exported["index"])
        else:
            assert exported["index"] == pytest.approx(float(row["index"]), abs=1e-6)
        assert (exported["band"] if isinstance(exported["band"], str) else "") == (
            band_names.get(row["band"], "")  # by name, in the export's language
        )
        assert exported["rank_national"] == row["ranks"]["rank_national"] or (
            row["ranks"]["rank_national"] is None and pd.isna(exported["rank_national"])
        )


def test_the_ministry_dashboard_is_for_ministry_staff_only(
    client, official, admin_user
):
    publish(5)
    reviewer = make_reviewer("reviewer-m")
    assert client.get("/dashboard/ministry/").status_code == 302  # log in first
    client.force_login(official)
    assert client.get("/dashboard/ministry/").status_code == 404
    assert client.get("/dashboard/ministry/data/").status_code == 404
    assert client.get("/dashboard/ministry/reviews.csv").status_code == 404

    client.force_login(reviewer)
    page = client.get("/dashboard/ministry/")
    assert page.status_code == 200
    assert b"reviews.csv" not in page.content  # raw reviews: admins only
    assert client.get("/dashboard/ministry/reviews.csv").status_code == 404
    data = client.get("/dashboard/ministry/data/").json()
    assert set(data["charts"]) == {"reviewers", "hotspots_region", "hotspots_indicator"}
    assert data["reviews"]["assigned"] == 15
    assert [row["assigned"] for row in data["regions"]] == [3] * 5
    assert all(row["submitted"] == 3 for row in data["regions"])

    client.force_login(admin_user)
    assert b"reviews.xlsx" in client.get("/dashboard/ministry/").content


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_admins_export_raw_reviews_one_row_per_answer(client, admin_user, fmt):
    release = publish(5)
    client.force_login(admin_user)
    response = client.get(f"/dashboard/ministry/reviews.{fmt}?cycle={release.cycle_id}")
    assert response.status_code == 200
    body = io.BytesIO(response.content)
    table = (
        pd.read_csv(body, dtype={"region_code": str})
        if fmt == "csv"
        else pd.read_excel(body, engine="openpyxl", dtype={"region_code": str})
    )
    assert len(table) == Answer.objects.filter(review__cycle=release.cycle).count()
    assert set(table["region_code"]) == {
        r["region"] for r in release.content["regions"]
    }


def test_the_export_columns_are_documented(english):
    page = english.get("/dashboard/columns/").content
    for header in (b"region_code", b"rank_national", b"coverage", b"reviewer"):
        assert header in page


def test_the_scorecard_speaks_indonesian_by_default(client):
    release = publish(5)
    code = release.content["regions"][0]["region"]
    html = client.get(f"/regions/{code}/scorecard/").content.decode()
    assert "Peringkat di tiap kelompok sebanding" in html
    assert "Nasional" in html
    assert "Median para penilai" in html


def test_the_ministry_data_costs_the_same_queries_for_5_and_50_regions(
    queries_of, admin_user
):
    counts = []
    for count, name in ((5, "Five"), (50, "Fifty")):
        release = publish(count, name=name)
        client = Client()
        client.force_login(admin_user)
        url = f"/dashboard/ministry/data/?cycle={release.cycle_id}"
        counts.append(queries_of(lambda c=client, u=url: c.get(u)))
    assert counts[0] == counts[1], counts


def test_each_disagreement_names_region_and_indicator_and_links_to_its_consensus(
    client, admin_user
):
    from assessments.models import Indicator
    from dashboards.analytics import hotspots
    from dashboards.services.ministry import HOTSPOTS_LISTED

    release = publish(8)
    client.force_login(admin_user)
    data = client.get(f"/dashboard/ministry/data/?cycle={release.cycle_id}").json()
    answers = pd.DataFrame(
        list(
            Answer.objects.filter(review__cycle=release.cycle).values_list(
                "review__region_id", "indicator__code", "review__reviewer_id", "level"
            )
        ),
        columns=["region", "indicator", "reviewer", "level"],
    )
    expected = hotspots(answers)
    assert data["hotspots_total"] == len(expected) > 0
    assert len(data["hotspots"]) == min(len(expected), HOTSPOTS_LISTED)
    first = data["hotspots"][0]
    indicator = Indicator.objects.get(
        framework=release.cycle.framework, code=first["indicator"]
    )
    region = Region.objects.get(code=first["region"])
    assert first["max"] - first["min"] >= 2
    assert first["url"] == (
        f"/reviews/cycle/{release.cycle_id}/region/{region.code}/"
        f"#indicator-{indicator.pk}"
    )
    html = client.get(f"/dashboard/ministry/?cycle={release.cycle_id}").content.decode()
    assert f'href="{first["url"]}"' in html
    assert region.name in html
    assert indicator.name_id in html
