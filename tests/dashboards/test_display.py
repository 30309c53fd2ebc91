"""How results read on every page, export and API row (issue 14, display):
incomplete and too-few-reviews regions unranked with the reason, tied groups
first with the point rank second, the index with its interval, the
low-agreement caveat and the severity-adjusted sensitivity column.

A release with the new content keys (scoring.services.release_content, the
CONTRACT) is built from a real published release, so these tests hold
whatever numbers the method gives; an old release keeps reading as before.
"""

from __future__ import annotations

import copy
import csv
import io

import pytest
from django.core.cache import cache
from django.test import Client

from regions.models import Province, Region
from scoring import services as scoring_services
from scoring.models import Release
from tests.scoring.conftest import codes, scored_cycle

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()


def client_in(language: str) -> Client:
    client = Client(headers={"accept-language": language})
    client.cookies["django_language"] = language
    return client


def with_new_keys(release: Release) -> Release:
    """A copy of `release` carrying the contract's keys: the first three
    ranked regions one tied group, one region incomplete, one with 2 reviews,
    low agreement (alpha 0.53) and a severity-adjusted index that swaps the
    first two."""
    content = copy.deepcopy(release.content)
    rows = sorted(content["regions"], key=lambda r: r["ranks"]["rank_national"] or 999)
    for k, row in enumerate(rows):
        row.update(
            n_reviews=3,
            ranked=True,
            unranked_reason="",
            index_interval=["2.950000", "3.300000"],
            tie=[row["ranks"]["rank_national"]] * 2,
            index_adjusted=row["index"],
            rank_adjusted=row["ranks"]["rank_national"],
            uncertainty={
                "national": {"interval": row["rank_interval"], "tie": [1, 1]},
                "province": {"interval": [1, 2], "tie": [1, 2]},
            },
        )
        if k < 3:
            row["tie"] = [1, 3]
    rows[0]["index"] = "3.124000"
    rows[0]["rank_adjusted"], rows[1]["rank_adjusted"] = 2, 1
    incomplete, few = rows[-1], rows[-2]
    incomplete.update(
        complete=False,
        band="",
        coverage="0.600000",
        ranked=False,
        unranked_reason="incomplete",
        tie=[None, None],
        uncertainty={},
        index_adjusted=None,
        rank_adjusted=None,
        rank_interval=[None, None],
        ranks=dict.fromkeys(incomplete["ranks"]),
    )
    few.update(
        n_reviews=2,
        ranked=False,
        unranked_reason="few_reviews",
        tie=[None, None],
        uncertainty={},
        rank_adjusted=None,
        rank_interval=[None, None],
        ranks=dict.fromkeys(few["ranks"]),
    )
    content.update(
        alpha=0.53,
        low_agreement=True,
        agreement_floor="0.667",
        method={
            "no_evidence_level": "1",
            "min_reviews": 3,
            "draws": 500,
            "interval": "0.9",
        },
    )
    return Release.objects.create(
        cycle=release.cycle,
        number=release.number + 1,
        kind=release.kind,
        framework_code=release.framework_code,
        checksum=release.checksum,
        content=content,
    )


def publish(count: int = 6) -> Release:
    cycle = scored_cycle(codes(count), name="Display 2017")
    return scoring_services.publish(cycle=cycle, final=False)


def names(release: Release) -> dict[str, str]:
    return dict(
        Region.objects.filter(
            code__in=[r["region"] for r in release.content["regions"]]
        ).values_list("code", "name")
    )


def case_rows(release: Release) -> tuple[dict, dict, dict]:
    rows = release.content["regions"]
    first = next(r for r in rows if r["ranks"]["rank_national"] == 1)
    incomplete = next(r for r in rows if r.get("unranked_reason") == "incomplete")
    few = next(r for r in rows if r.get("unranked_reason") == "few_reviews")
    return first, incomplete, few


@pytest.mark.parametrize(
    ("language", "texts"),
    [
        (
            "id",
            [
                "Peringkat 1\u20133 (setara)",
                "peringkat titik 2",
                "Tidak diperingkat: baru 2 dari 3 penilaian minimum",
                "Belum lengkap",
                "Kesepakatan antarpenilai rendah (alpha 0,53 &lt; 0,667): perbedaan "
                "kecil antar-peringkat tidak bermakna.",
                "3,12 (2,95\u20133,30)",
                "Indeks disesuaikan keketatan penilai (uji sensitivitas)",
                "60%",
                "Indeks (selang 90%)",
                "Indeks 1,00\u20135,00 dengan selang 90%-nya.",
            ],
        ),
        (
            "en",
            [
                "Rank 1\u20133 (tied)",
                "point rank 2",
                "Not ranked: 2 of the 3 reviews required",
                "Incomplete",
                "Low inter-reviewer agreement (alpha 0.53 &lt; 0.667): small "
                "differences between ranks are not meaningful.",
                "3.12 (2.95\u20133.30)",
                "Severity-adjusted index (sensitivity)",
            ],
        ),
    ],
)
def test_the_release_page_shows_every_case(language, texts):
    release = with_new_keys(publish())
    page = client_in(language).get(
        f"/results/{release.cycle_id}/releases/{release.number}/"
    )
    assert page.status_code == 200
    html = page.content.decode()
    for text in texts:
        assert text in html, text
    first, incomplete, few = case_rows(release)
    label = names(release)
    # Ranked regions first (by tied group, then point rank), the unranked after.
    order = [html.index(f">{label[r['region']]}</a>") for r in (first, few)]
    assert order == sorted(order)
    assert html.index(f">{label[few['region']]}</a>") < html.index(
        f">{label[incomplete['region']]}</a>"
    )
    # The incomplete region shows no band name in its row.
    row = html[html.index(f">{label[incomplete['region']]}</a>") :]
    row = row[: row.index("</tr>")]
    assert "badge-muted" in row
    assert "band-" not in row


def test_the_results_page_carries_the_caveat_and_counts_program_members():
    release = with_new_keys(publish())
    html = client_in("id").get("/results/").content.decode()
    assert "Kesepakatan antarpenilai rendah (alpha 0,53" in html
    members = sum(1 for r in release.content["snapshot"]["regions"] if r["cohort_year"])
    assert f"dari {members} daerah program yang dinilai dalam rilis ini" in html
    english = client_in("en").get("/results/").content.decode()
    assert f"of the {members} program regions assessed in this release" in english


def test_an_old_release_reads_as_before_without_caveat_or_sensitivity():
    release = publish()
    content = copy.deepcopy(release.content)
    for row in content["regions"]:  # as published before the new keys
        for key in ("ranked", "unranked_reason", "n_reviews", "tie", "uncertainty"):
            row.pop(key, None)
        for key in ("index_interval", "index_adjusted", "rank_adjusted"):
            row.pop(key, None)
    for key in ("low_agreement", "agreement_floor", "method"):
        content.pop(key, None)
    content["alpha"] = 0.9
    old = Release.objects.create(
        cycle=release.cycle,
        number=release.number + 1,
        kind=release.kind,
        framework_code=release.framework_code,
        checksum=release.checksum,
        content=content,
    )
    html = (
        client_in("en").get(f"/results/{old.cycle_id}/releases/{old.number}/").content
    )
    html = html.decode()
    assert "Low inter-reviewer agreement" not in html
    assert "Severity-adjusted" not in html
    assert "(tied)" not in html
    assert "Rank 1<" in html


def test_api_rows_say_ranked_tied_caveat_and_sensitivity(client):
    release = with_new_keys(publish())
    rows = client.get(f"/api/v1/releases/{release.pk}/scores/").json()["results"]
    first, incomplete, few = case_rows(release)
    by_code = {row["region"]: row for row in rows}
    top = by_code[first["region"]]
    assert top["ranked"] is True
    assert top["tie_low"] == 1
    assert top["tie_high"] == 3
    assert top["index_low"] == "2.950000"
    assert top["index_high"] == "3.300000"
    assert top["rank_adjusted"] == 2
    assert top["rank_change"] == -1
    assert top["uncertainty"]["province"] == {"interval": [1, 2], "tie": [1, 2]}
    assert top["low_agreement"] is True
    assert top["caveat"].startswith("Kesepakatan antarpenilai rendah")
    assert by_code[incomplete["region"]]["complete"] is False
    assert by_code[incomplete["region"]]["unranked_reason"] == "incomplete"
    assert by_code[incomplete["region"]]["rank_national"] is None
    assert by_code[few["region"]]["unranked_reason"] == "few_reviews"
    assert by_code[few["region"]]["n_reviews"] == 2
    # Ranked rows first, the unranked last.
    assert [row["ranked"] for row in rows] == sorted(
        (row["ranked"] for row in rows), reverse=True
    )
    # Old fields are kept.
    assert {"rank_low", "rank_high", "aggregates", "band"} <= set(top)
    english = client_in("en").get(f"/api/v1/releases/{release.pk}/scores/").json()
    assert english["results"][0]["caveat"].startswith("Low inter-reviewer agreement")


def test_api_csv_has_the_new_columns(client):
    release = with_new_keys(publish())
    body = client.get(f"/api/v1/releases/{release.pk}/scores/?format=csv")
    reader = csv.DictReader(io.StringIO(body.content.decode("utf-8-sig")))
    rows = list(reader)
    assert {"ranked", "unranked_reason", "tie_low", "caveat", "rank_change"} <= set(
        reader.fieldnames
    )
    assert "uncertainty" not in reader.fieldnames
    assert any(row["unranked_reason"] == "incomplete" for row in rows)


@pytest.mark.parametrize("count", [6, 30])
def test_api_scores_cost_the_same_queries_as_rows_grow(
    client, count, django_assert_max_num_queries
):
    release = with_new_keys(publish(count))
    with django_assert_max_num_queries(4):
        assert client.get(f"/api/v1/releases/{release.pk}/scores/").status_code == 200


def test_the_export_has_the_status_columns_and_the_caveat(client):
    release = with_new_keys(publish())
    body = client.get(f"/dashboard/export.csv?cycle={release.cycle_id}")
    assert body.status_code == 200
    rows = list(csv.DictReader(io.StringIO(body.content.decode("utf-8-sig"))))
    first, incomplete, few = case_rows(release)
    by_code = {row["region_code"]: row for row in rows}
    assert by_code[incomplete["region"]]["unranked_reason"] == "incomplete"
    assert by_code[few["region"]]["unranked_reason"] == "few_reviews"
    assert by_code[first["region"]]["tie_high"] == "3"
    assert by_code[first["region"]]["rank_change"] == "-1"
    assert all(row["low_agreement"] == "True" for row in rows)
    assert all(row["caveat"].startswith("Kesepakatan antarpenilai") for row in rows)


def test_peer_groups_come_from_the_release_snapshot_not_todays_registry(client):
    release = with_new_keys(publish())
    first = case_rows(release)[0]
    region = Region.objects.get(pk=first["region"])
    published = region.province_id
    other = Province.objects.exclude(pk=published).first()
    region.province = other
    region.save()
    cache.clear()
    body = client.get(f"/dashboard/export.csv?cycle={release.cycle_id}")
    rows = list(csv.DictReader(io.StringIO(body.content.decode("utf-8-sig"))))
    row = next(r for r in rows if r["region_code"] == first["region"])
    assert row["province"] == Province.objects.get(pk=published).name
    assert row["province"] != other.name


def test_the_scorecard_shows_tied_group_peer_intervals_and_caveat():
    release = with_new_keys(publish())
    first, incomplete, few = case_rows(release)
    html = client_in("id").get(f"/regions/{first['region']}/scorecard/")
    html = html.content.decode()
    assert "Peringkat 1\u20133 (setara)" in html
    assert "peringkat titik 1" in html
    assert "rentang 90%: 1\u20132" in html  # its province group
    assert "selang 90%: 3,12 (2,95\u20133,30)" in html
    assert "Kesepakatan antarpenilai rendah (alpha 0,53" in html
    assert "bootstrap atas penilaian utuh" in html
    english = client_in("en").get(f"/regions/{first['region']}/scorecard/")
    assert "Rank 1\u20133 (tied)" in english.content.decode()
    assert "90% range: 1\u20132" in english.content.decode()

    page = client_in("id").get(f"/regions/{incomplete['region']}/scorecard/")
    text = page.content.decode()
    assert "Belum lengkap" in text
    assert "Belum berpredikat (belum lengkap)" in text
    assert "band-" not in text.split('class="facts scorecard-facts"')[1][:800]
    page = client_in("en").get(f"/regions/{few['region']}/scorecard/")
    assert "Not ranked: 2 of the 3 reviews required" in page.content.decode()


def test_the_dashboard_shows_the_caveat_and_ranks_by_tied_group():
    release = with_new_keys(publish())
    html = client_in("id").get("/dashboard/").content.decode()
    assert "Kesepakatan antarpenilai rendah (alpha 0,53" in html
    data = client_in("en").get("/dashboard/data/").json()
    assert data["caveat"].startswith("Low inter-reviewer agreement")
    table = data["charts"]["ranking"]["table"]
    first, incomplete, few = case_rows(release)
    label = names(release)
    rows = {row[1]: row for row in table["rows"]}
    assert rows[label[first["region"]]][0] == "1\u20133"
    assert "tied" in rows[label[first["region"]]][-1]
    assert rows[label[few["region"]]][-1] == "Not ranked: too few reviews"
    assert rows[label[incomplete["region"]]][4] == "Incomplete"
    ranking = data["charts"]["ranking"]["figure"]["data"]
    grey = [
        t
        for t in ranking
        if t.get("type") == "bar" and t["name"] == "Not banded (incomplete)"
    ]
    assert grey
    assert any(label[incomplete["region"]] in y for y in grey[0]["y"])


def test_the_method_page_states_the_new_rules_in_both_languages():
    publish()
    html = client_in("id").get("/results/method/").content.decode()
    assert "Cara hasil diperingkat dan ditampilkan" in html
    assert "Hanya daerah dengan sedikitnya 3 penilaian terkirim" in html
    assert "renormalis" not in html
    english = client_in("en").get("/results/method/").content.decode()
    assert "Only regions with at least 3 submitted reviews are ranked" in english
    assert "is a level: it scores as 1 (" in english
