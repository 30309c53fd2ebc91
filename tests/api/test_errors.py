"""The API's error shape everywhere, in the request's language; `?cycle=` as a
year or an id on every list that filters by cycle; format suffixes."""

from __future__ import annotations

import pytest
from django.conf import settings

from scoring import services
from tests.scoring.conftest import scored_cycle

pytestmark = pytest.mark.django_db

ENGLISH = {settings.LANGUAGE_COOKIE_NAME: "en"}


@pytest.fixture
def published(db):
    cycle = scored_cycle(["36.71", "36.74", "32.73"])
    return services.publish(cycle=cycle, final=False)


def _error(response, status: int) -> dict:
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"]["status"] == status
    return body["error"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/scores.json/?cycle=2017",
        "/api/v1/releases/{pk}/scores.json/",
        "/api/v1/releases/{pk}/scores/36.74.json/",
        "/api/v1/releases.json/",
    ],
)
def test_a_format_suffix_answers_json_not_a_server_error(client, published, path):
    response = client.get(path.format(pk=published.pk))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")


def test_the_release_list_filters_by_cycle_year_and_by_cycle_id(client, published):
    cycle = published.cycle
    by_year = client.get(f"/api/v1/releases/?cycle={cycle.year}").json()
    by_id = client.get(f"/api/v1/releases/?cycle={cycle.pk}").json()
    assert by_year["count"] == by_id["count"] == 1
    assert by_year["results"][0]["id"] == published.pk
    assert client.get("/api/v1/releases/?cycle=2999").json()["count"] == 0


@pytest.mark.parametrize(
    "value",
    ["99999999999999999999", "abc", "-1", "0", "20.17", "\uff12\uff10\uff11\uff17"],
)
@pytest.mark.parametrize(
    "url", ["/api/v1/scores/", "/api/v1/releases/"], ids=["scores", "releases"]
)
def test_a_bad_cycle_is_a_400_naming_the_field_in_indonesian(
    client, published, url, value
):
    error = _error(client.get(url, {"cycle": value}), 400)
    assert error["message"] == "Masukan tidak valid."
    assert "tahun siklus" in error["fields"]["cycle"][0]


def test_the_workspace_lists_filter_by_cycle_year(official, published):
    from django.test import Client

    client = Client()
    client.force_login(official)
    year = published.cycle.year
    assert client.get(f"/api/v1/submissions/?cycle={year}").status_code == 200
    assert client.get(f"/api/v1/assignments/?cycle={year}").status_code in (200, 403)
    error = _error(client.get("/api/v1/submissions/?cycle=abc"), 400)
    assert "cycle" in error["fields"]


def test_an_unknown_api_path_is_the_json_404(client):
    error = _error(client.get("/api/v1/nothing-here/"), 404)
    assert error["code"] == "not_found"
    assert error["message"] == "Data tidak ditemukan."
    redirected = client.get("/api/v1/nothing-here", follow=True)
    _error(redirected, 404)
    assert client.get("/api/v1/regions").status_code == 301  # APPEND_SLASH kept


def test_messages_follow_the_language_switch(client, published):
    client.cookies.load(ENGLISH)
    error = _error(client.get("/api/v1/scores/", {"cycle": "abc"}), 400)
    assert error["message"] == "Invalid input."
    assert error["fields"]["cycle"][0].startswith("Give a cycle year")


def test_an_unexpected_error_in_an_api_view_is_the_json_500(client, monkeypatch):
    from api import views

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(views.RegionViewSet, "list", broken)
    client.raise_request_exception = False
    error = _error(client.get("/api/v1/regions/"), 500)
    assert error["code"] == "server_error"
    assert "server" in error["message"]
