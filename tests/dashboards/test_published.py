"""Published data as pre-rendered bytes (dashboards/services/published.py):
rendered once per release by the worker, read back with a strong ETag and a
304, never by decoding the release's content per request."""

from __future__ import annotations

import threading
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from dashboards import services
from dashboards.services import published, scorecards
from scoring import services as scoring_services
from scoring import tasks
from scoring.models import Release
from tests.scoring.conftest import codes, scored_cycle

pytestmark = pytest.mark.django_db
ENGLISH = {"django_language": "en"}


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    published.NEAR.clear()


def publish(count: int, name: str = "Scored 2017") -> Release:
    return scoring_services.publish(
        cycle=scored_cycle(codes(count), name=name), final=False
    )


def rendered(count: int, name: str = "Scored 2017") -> Release:
    release = publish(count, name)
    tasks.render_release(release.pk)  # what the worker does after publication
    return Release.objects.defer("content").get(pk=release.pk)


def urls(release: Release) -> list[str]:
    code = sorted(services.regions_in(release))[0]
    return [
        "/dashboard/data/",
        "/dashboard/data/?kind=kota",
        f"/regions/{code}/scorecard/data/",
        f"/api/v1/releases/{release.pk}/scores/",
        f"/api/v1/releases/{release.pk}/scores/{code}/",
        f"/api/v1/scores/?cycle={release.cycle.year}",
    ]


def reads_content(queries: list[dict]) -> bool:
    """A query that sends a release's content column to Python."""
    return any(
        '"scoring_release"."content"' in q["sql"]
        or "#-" in q["sql"]
        or "json_remove" in q["sql"]
        for q in queries
    )


@pytest.mark.parametrize("index", range(6))
def test_warm_published_endpoints_cost_the_same_queries_for_3_and_15_regions(index):
    counts = []
    for count, name in ((3, "Three"), (15, "Fifteen")):
        release = rendered(count, name)
        url = urls(release)[index]
        client = Client()
        assert client.get(url).status_code == 200  # the API's page: first use
        with CaptureQueriesContext(connection) as context:
            response = client.get(url)
        assert response.status_code == 200
        assert not reads_content(context.captured_queries), url
        counts.append(len(context.captured_queries))
        cache.clear()
    assert counts[0] == counts[1], counts


def test_after_the_render_no_dashboard_or_scorecard_request_reads_the_content():
    release = rendered(6)
    client = Client()
    for url in urls(release)[:3]:
        for cookies in ({}, ENGLISH):
            client.cookies.clear()
            client.cookies.load(cookies)
            with CaptureQueriesContext(connection) as context:
                assert client.get(url).status_code == 200
            assert not reads_content(context.captured_queries), url


@pytest.mark.parametrize("which", [0, 2, 3])
def test_published_data_has_a_strong_etag_and_answers_304(which):
    release = rendered(5)
    url = urls(release)[which]
    client = Client()
    first = client.get(url)
    tag = first["ETag"]
    assert tag.startswith('"')
    assert not tag.startswith("W/")
    again = client.get(url, headers={"If-None-Match": tag})
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == tag
    assert client.get(url, headers={"If-None-Match": '"other"'}).status_code == 200


def test_the_language_is_part_of_the_bytes_and_of_the_etag():
    release = rendered(5)
    url = urls(release)[2]
    indonesian = Client().get(url)
    english = Client()
    english.cookies.load(ENGLISH)
    in_english = english.get(url)
    assert indonesian.content != in_english.content
    assert indonesian["ETag"] != in_english["ETag"]
    assert (
        english.get(url, headers={"If-None-Match": indonesian["ETag"]}).status_code
        == 200
    )


def test_the_bytes_are_the_data_the_pages_show():
    release = rendered(5)
    data = Client().get("/dashboard/data/").json()
    assert set(data["charts"]) == {"progress", "map", "ranking", "heatmap", "bands"}
    assert len(data["regions"]) == 5
    code = sorted(services.regions_in(release))[0]
    card = Client().get(f"/regions/{code}/scorecard/data/").json()
    assert {"radar", "parts", "elements", "history"} == set(card["charts"])
    assert len(card["indicators"]) == 53
    assert card["history"][-1]["number"] == release.number


def test_render_release_renders_every_region_in_both_languages():
    release = publish(7)
    outcome = services.render_release(release)
    newest = scorecards.generation()
    for language in ("id", "en"):
        for code in services.regions_in(release):
            assert published.get(release, scorecards.part(code, newest), language)
    assert outcome["regions"] == 7


def test_a_new_release_renders_the_older_scorecards_history_again():
    first = rendered(5, "First")
    code = sorted(services.regions_in(first))[0]
    before = Client().get(f"/regions/{code}/scorecard/data/?cycle={first.cycle_id}")
    second = rendered(5, "Second")
    after = Client().get(f"/regions/{code}/scorecard/data/?cycle={first.cycle_id}")
    assert second.pk > first.pk
    assert len(after.json()["history"]) == len(before.json()["history"]) + 1


def test_publication_enqueues_the_render_after_commit(
    django_capture_on_commit_callbacks,
):
    cycle = scored_cycle(codes(3))
    with (
        mock.patch.object(tasks.render_release, "delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        release = scoring_services.publish(cycle=cycle, final=False)
    delay.assert_called_once_with(release.pk)


def test_a_part_being_built_elsewhere_is_waited_for_not_built_again():
    release = publish(3)
    name = published.key(release, "probe")
    assert cache.add(f"{name}:building", 1)
    done = published.rendered(b"built elsewhere")

    def other_process() -> None:
        cache.set(name, (done.body, done.etag, done.content_type))

    timer = threading.Timer(0.2, other_process)
    timer.start()
    try:
        found = published.fetch(release, "probe", mock.Mock(side_effect=AssertionError))
    finally:
        timer.join()
    assert found.body == b"built elsewhere"


def test_a_missing_part_is_built_once_and_then_read():
    release = publish(3)
    build = mock.Mock(return_value=published.rendered(b"[1]"))
    assert published.fetch(release, "once", build).body == b"[1]"
    assert published.fetch(release, "once", build).body == b"[1]"
    assert build.call_count == 1


def test_junk_query_parameters_share_the_apis_representation():
    release = rendered(4)
    url = f"/api/v1/releases/{release.pk}/scores/"
    first = Client().get(url + "?page=1")
    junk = Client().get(url + "?page=1&x=1")
    assert first["ETag"] == junk["ETag"]
