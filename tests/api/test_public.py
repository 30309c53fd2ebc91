"""Public reads of API v1: what a client without an account gets."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.cache import cache
from django.test import Client

from scoring import services
from tests.scoring.conftest import codes, scored_cycle

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()  # the throttle counts live in the cache


@pytest.fixture
def published(db):
    cycle = scored_cycle(["36.71", "36.74", "32.73", "31.71", "35.78"])
    return services.publish(cycle=cycle, final=False)


def test_a_client_pulls_the_latest_2017_scores_as_json_and_csv(client, published):
    response = client.get("/api/v1/scores/?cycle=2017")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 5
    first = body["results"][0]
    assert first["rank_national"] == 1
    assert {"index", "band", "coverage", "aggregates", "rank_low", "rank_high"} <= set(
        first
    )
    assert "dimension:GOV" in first["aggregates"]

    as_csv = client.get("/api/v1/scores/?cycle=2017&format=csv")
    assert as_csv["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(as_csv.content.decode())))
    assert len(rows) == 5
    assert rows[0]["region"] == first["region"]
    assert "dimension:GOV" in rows[0]


def test_a_release_answers_304_when_the_client_has_it(client, published):
    url = f"/api/v1/releases/{published.pk}/scores/"
    first = client.get(url)
    assert first["Cache-Control"] == "public, max-age=31536000, immutable"
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""
    other = client.get(url + "?format=csv", HTTP_IF_NONE_MATCH=first["ETag"])
    assert other.status_code == 200  # another representation, another tag


def test_one_region_comes_with_the_levels_it_was_computed_from(client, published):
    body = client.get(f"/api/v1/releases/{published.pk}/scores/36.74/").json()
    assert body["region"] == "36.74"
    assert len(body["levels"]) == 53
    assert (
        client.get(f"/api/v1/releases/{published.pk}/scores/11.01/").status_code == 404
    )


def test_unpublished_results_never_appear(client, db):
    cycle = scored_cycle(["36.74"], name="Unpublished")
    services.recompute_now(cycle)
    assert client.get("/api/v1/scores/?cycle=2017").status_code == 404
    assert client.get("/api/v1/releases/").json()["count"] == 0


def test_errors_share_one_json_shape(client):
    body = client.get("/api/v1/regions/99.99/").json()
    assert body == {
        "error": {
            "status": 404,
            "code": "not_found",
            "message": body["error"]["message"],
        }
    }


def test_regions_filter_search_and_lookup(client):
    assert client.get("/api/v1/regions/").json()["count"] == 514
    banten = client.get("/api/v1/regions/?province=36&kind=kota").json()
    assert {r["code"] for r in banten["results"]} == {
        "36.71",
        "36.72",
        "36.73",
        "36.74",
    }
    found = client.get("/api/v1/regions/?search=Tangerang Selatan").json()["results"]
    assert [r["code"] for r in found] == ["36.74"]
    pilots = client.get("/api/v1/regions/?cohort=2017&page_size=100").json()
    assert pilots["count"] >= 25
    one = client.get("/api/v1/regions/36.74/").json()
    assert one["province"]["name"] == "Banten"
    assert one["cohort_years"] == [
        {"year": 2017, "status": "mou_signed", "confirmed": True}
    ]


def test_a_framework_comes_whole(client):
    framework = client.get("/api/v1/frameworks/").json()["results"][0]
    body = client.get(f"/api/v1/frameworks/{framework['id']}/").json()
    assert len(body["indicators"]) == 53
    assert len(body["indicators"][0]["rubric"]) == 5
    assert len(body["dimensions"]) == 6
    assert body["part_weights"] == {"blueprint": "50.000", "practice": "50.000"}


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/regions/",
        "/api/v1/cycles/",
        "/api/v1/releases/",
        "/api/v1/scores/?cycle=2017",
    ],
)
def test_lists_cost_the_same_queries_for_3_and_30_rows(url, queries_of, db):
    small = scored_cycle(codes(3), name="Three")
    services.publish(cycle=small, final=False)
    client = Client()
    few = queries_of(
        lambda: client.get(url + ("&" if "?" in url else "?") + "page_size=3")
    )
    big = scored_cycle(codes(40)[5:35], name="Thirty")
    for _ in range(3):
        services.publish(cycle=big, final=False)
    assert (
        queries_of(
            lambda: client.get(url + ("&" if "?" in url else "?") + "page_size=30")
        )
        == few
    )


def test_the_schema_and_docs_are_served_by_the_app(client):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/releases/{id}/scores/" in schema.content
    docs = client.get("/api/docs/").content.decode()
    assert "swagger-ui" in docs
    assert "cdn" not in docs.lower()


def test_anonymous_clients_are_throttled_with_retry_after(client, settings):
    from rest_framework.settings import api_settings
    from rest_framework.throttling import AnonRateThrottle

    AnonRateThrottle.THROTTLE_RATES = {
        **api_settings.DEFAULT_THROTTLE_RATES,
        "anon": "2/min",
    }
    try:
        statuses = [client.get("/api/v1/cycles/").status_code for _ in range(3)]
        last = client.get("/api/v1/cycles/")
    finally:
        AnonRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
    assert statuses[:2] == [200, 200]
    assert last.status_code == 429
    assert int(last["Retry-After"]) > 0
    assert last.json()["error"]["status"] == 429


def test_a_malformed_release_id_is_a_404_not_a_crash(client):
    # Found by the schema fuzzing: a non-numeric id used to raise ValueError.
    response = client.get("/api/v1/releases/null,null/scores/")
    assert response.status_code == 404


def test_each_request_counts_against_one_rate_only(client, official):
    """Anonymous requests count by address, token requests by user: a token
    client is not slowed by the anonymous traffic from its address."""
    from rest_framework.settings import api_settings
    from rest_framework.throttling import AnonRateThrottle

    from api import tokens
    from api.throttles import SignedInRateThrottle

    AnonRateThrottle.THROTTLE_RATES = {
        **api_settings.DEFAULT_THROTTLE_RATES,
        "anon": "2/min",
    }
    SignedInRateThrottle.THROTTLE_RATES = {
        **api_settings.DEFAULT_THROTTLE_RATES,
        "user": "3/min",
    }
    _token, raw = tokens.issue(user=official, name="t", scope="read")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    try:
        anonymous = [client.get("/api/v1/cycles/").status_code for _ in range(3)]
        signed_in = [
            client.get("/api/v1/cycles/", **auth).status_code for _ in range(4)
        ]
    finally:
        AnonRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
        SignedInRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
    assert anonymous == [200, 200, 429]
    assert signed_in == [200, 200, 200, 429]
