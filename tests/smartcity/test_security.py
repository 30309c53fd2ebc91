"""Hardening: Content-Security-Policy, login lockout, cookies, request ids,
JSON logs."""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from accounts.models import Role
from accounts.services import create_user

pytestmark = pytest.mark.django_db

TEMPLATES = Path(settings.BASE_DIR) / "templates"


def test_pages_carry_a_policy_that_allows_no_inline_script(client):
    policy = client.get("/")["Content-Security-Policy"]
    directives = {
        part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()
    }
    assert directives["script-src"] == ["'self'"]
    assert directives["default-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]


def test_no_template_has_an_inline_script_or_event_handler():
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text()
        for tag in re.findall(r"<script\b[^>]*>", text):
            if "src=" not in tag:
                offenders.append(f"{path}: {tag}")
        if re.search(r"\son[a-z]+\s*=\s*[\"']", text):
            offenders.append(f"{path}: inline event handler")
    assert not offenders, offenders


def test_the_api_docs_load_their_settings_from_a_script_file(client):
    page = client.get("/api/docs/").content.decode()
    scripts = re.findall(r"<script\b[^>]*>", page)
    assert scripts
    assert all("src=" in tag for tag in scripts)


@pytest.fixture
def person(db):
    return create_user(username="official-9999", password="pw-right-1", role=Role.ADMIN)


def login(client: Client, username: str, password: str):
    return client.post(
        "/accounts/login/",
        {"username": username, "password": password},
        REMOTE_ADDR="10.1.2.3",
    )


def test_five_wrong_passwords_lock_the_login_for_a_while(person, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login(client, "official-9999", "wrong").status_code == 200
    locked = login(client, "official-9999", "wrong")
    assert locked.status_code == 429
    assert "Terlalu banyak" in locked.content.decode()
    # Even the right password waits for the cool-off.
    assert login(client, "official-9999", "pw-right-1").status_code == 429
    # Another account from the same address is not locked.
    create_user(username="other-1", password="pw-other-1", role=Role.ADMIN)
    assert login(Client(), "other-1", "pw-other-1").status_code == 302


def test_a_successful_login_resets_the_count(person, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        login(client, "official-9999", "wrong")
    assert login(client, "official-9999", "pw-right-1").status_code == 302
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login(Client(), "official-9999", "wrong").status_code == 200


def test_session_and_csrf_cookies_are_secure_httponly_and_samesite(person):
    client = Client()
    client.get("/accounts/login/")
    response = login(client, "official-9999", "pw-right-1")
    session = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session["httponly"]
    assert session["secure"]  # DEBUG is off in the tests, as in production
    assert session["samesite"] == "Lax"
    csrf = client.cookies[settings.CSRF_COOKIE_NAME]
    assert csrf["httponly"]
    assert csrf["secure"]
    assert csrf["samesite"] == "Lax"


def test_every_response_has_a_request_id_and_a_sane_given_one_is_kept(client):
    made = client.get("/healthz")["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", made)
    kept = client.get("/healthz", HTTP_X_REQUEST_ID="proxy-abc-12345")
    assert kept["X-Request-ID"] == "proxy-abc-12345"
    hostile = client.get("/healthz", HTTP_X_REQUEST_ID="x\r\nSet-Cookie: a=b")
    assert re.fullmatch(r"[0-9a-f]{32}", hostile["X-Request-ID"])


def test_json_log_lines_carry_the_request_id():
    from logging.config import DictConfigurator

    from smartcity.middleware import REQUEST_ID, RequestIdFilter

    spec = dict(settings.LOGGING["formatters"]["json"])
    formatter = DictConfigurator({}).configure_formatter(spec)
    record = logging.LogRecord(
        "smartcity", logging.WARNING, __file__, 1, "hello", (), None
    )
    token = REQUEST_ID.set("req-12345678")
    try:
        RequestIdFilter().filter(record)
    finally:
        REQUEST_ID.reset(token)
    line = json.loads(formatter.format(record))
    assert line["message"] == "hello"
    assert line["request_id"] == "req-12345678"
    assert line["level"] == "WARNING"


@pytest.mark.parametrize(
    "url", ["/", "/api/v1/regions/", "/api/v1/nothing-here/", "/no-such-page/"]
)
def test_every_response_denies_powerful_browser_features(client, url):
    policy = client.get(url)["Permissions-Policy"]
    features = dict(part.strip().split("=", 1) for part in policy.split(","))
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert features[feature] == "()"
    assert set(features.values()) == {"()"}


def _forwarded_login(address: str, forwarded: str, password: str = "wrong"):
    return Client().post(
        "/accounts/login/",
        {"username": "official-9999", "password": password},
        REMOTE_ADDR=address,
        HTTP_X_FORWARDED_FOR=forwarded,
    )


def test_a_rotating_forwarded_for_from_an_untrusted_address_still_locks_out(
    person, settings
):
    """The lockout reads the client address the way the API throttle does:
    X-Forwarded-For only from TRUSTED_PROXIES, so a client talking to gunicorn
    directly cannot give each attempt a new address."""
    settings.TRUSTED_PROXIES = ["172.18.0.2"]
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        response = _forwarded_login("203.0.113.7", f"198.51.100.{attempt}")
        assert response.status_code == 200
    locked = _forwarded_login("203.0.113.7", "198.51.100.200")
    assert locked.status_code == 429
    assert _forwarded_login("203.0.113.7", "", "pw-right-1").status_code == 429


def test_behind_a_trusted_proxy_each_client_address_is_counted_apart(person, settings):
    settings.TRUSTED_PROXIES = ["172.18.0.0/16"]
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _forwarded_login("172.18.0.2", "spoofed-by-client, 198.51.100.9")
    assert _forwarded_login("172.18.0.2", "198.51.100.9").status_code == 429
    # Another client behind the same proxy is not locked by the first one.
    other = _forwarded_login("172.18.0.2", "198.51.100.10", "pw-right-1")
    assert other.status_code == 302
