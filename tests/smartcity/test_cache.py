"""The cache holds copies only: with Redis unreachable, pages and the API
serve from the database instead of failing."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from scoring import services
from tests.scoring.conftest import scored_cycle

DEAD = {
    "default": {
        "BACKEND": "smartcity.cache.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
}


def test_an_unreachable_redis_is_a_miss_and_a_skipped_write(settings):
    settings.CACHES = DEAD
    assert cache.get("anything", "default") == "default"
    cache.set("anything", 1)
    assert cache.get_many(["a", "b"]) == {}
    assert cache.add("x", 1) is False


@pytest.mark.django_db
def test_pages_and_the_api_serve_while_redis_is_down(client, settings):
    release = services.publish(cycle=scored_cycle(["36.71", "36.74"]), final=False)
    settings.CACHES = DEAD
    for url in (
        "/",
        "/dashboard/",
        "/dashboard/data/",
        "/api/v1/releases/",
        f"/api/v1/releases/{release.pk}/scores/",
        "/regions/36.74/scorecard/",
    ):
        assert client.get(url).status_code == 200, url
