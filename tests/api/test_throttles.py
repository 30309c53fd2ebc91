"""The anonymous throttle counts by the client's real address: X-Forwarded-For
is believed only as far as TRUSTED_PROXIES wrote it."""

from __future__ import annotations

import pytest
from rest_framework.settings import api_settings

from api.throttles import AnonymousRateThrottle, client_address

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_per_minute():
    AnonymousRateThrottle.THROTTLE_RATES = {
        **api_settings.DEFAULT_THROTTLE_RATES,
        "anon": "2/min",
    }
    yield
    del AnonymousRateThrottle.THROTTLE_RATES  # back to AnonRateThrottle's


def test_a_direct_client_cannot_escape_the_throttle_by_rotating_x_forwarded_for(
    client, settings, two_per_minute
):
    settings.TRUSTED_PROXIES = []

    statuses = [
        client.get(
            "/api/v1/cycles/",
            REMOTE_ADDR="203.0.113.9",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        ).status_code
        for n in range(4)
    ]

    assert statuses == [200, 200, 429, 429]


def test_a_client_behind_the_trusted_proxy_cannot_spoof_either(
    client, settings, two_per_minute
):
    settings.TRUSTED_PROXIES = ["172.16.0.0/12"]

    # nginx appends the address it saw; what the client sent stays on the left.
    spoofed = [
        client.get(
            "/api/v1/cycles/",
            REMOTE_ADDR="172.18.0.5",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}, 203.0.113.9",
        ).status_code
        for n in range(3)
    ]
    other_client = client.get(
        "/api/v1/cycles/",
        REMOTE_ADDR="172.18.0.5",
        HTTP_X_FORWARDED_FOR="203.0.113.10",
    ).status_code

    assert spoofed == [200, 200, 429]
    assert other_client == 200  # one client's limit is not everyone's


@pytest.mark.parametrize(
    ("meta", "trusted", "expected"),
    [
        ({"REMOTE_ADDR": "203.0.113.9"}, [], "203.0.113.9"),
        (
            {"REMOTE_ADDR": "203.0.113.9", "HTTP_X_FORWARDED_FOR": "10.0.0.1"},
            [],
            "203.0.113.9",
        ),
        (
            {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "1.2.3.4, 203.0.113.9"},
            ["10.0.0.2"],
            "203.0.113.9",
        ),
        (
            {
                "REMOTE_ADDR": "10.0.0.2",
                "HTTP_X_FORWARDED_FOR": "203.0.113.9, 10.0.0.3",
            },
            ["10.0.0.0/8"],
            "203.0.113.9",
        ),
        ({"REMOTE_ADDR": "10.0.0.2"}, ["10.0.0.0/8"], "10.0.0.2"),
        (
            {"REMOTE_ADDR": "::1", "HTTP_X_FORWARDED_FOR": "2001:db8::7"},
            ["::1"],
            "2001:db8::7",
        ),
        (
            {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "junk, 203.0.113.9"},
            ["10.0.0.2"],
            "203.0.113.9",
        ),
    ],
)
def test_client_address_takes_the_right_most_untrusted_hop(
    meta: dict[str, str], trusted: list[str], expected: str
) -> None:
    assert client_address(meta, trusted) == expected
