"""deploy/nginx.conf, the proxy in front of gunicorn: it parses (`nginx -t`),
it holds a slowly sent body until it is complete, refuses bodies over the cap
before the app sees them, and appends the address it saw to X-Forwarded-For.
Needs Debian's nginx (nginx-light; .ci/run installs it)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.conf import settings

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
CONFIG = Path(settings.BASE_DIR) / "deploy" / "nginx.conf"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _config_for_test(
    tmp_path: Path, *, upstream: int, listen: int, write: int | None = None
) -> Path:
    """The shipped file with only what ties it to the compose network changed:
    the upstreams' host names, the port and the pid file."""
    text = CONFIG.read_text()
    for old, new in [
        ("server web:8000;", f"server 127.0.0.1:{upstream};"),
        ("server web-write:8000;", f"server 127.0.0.1:{write or upstream};"),
        ("listen 8080 default_server;", f"listen 127.0.0.1:{listen};"),
        ("pid /tmp/nginx.pid;", f"pid {tmp_path}/nginx.pid;"),
        ("/tmp/nginx-", f"{tmp_path}/nginx-"),
    ]:
        assert old in text, old
        text = text.replace(old, new)
    if os.geteuid() == 0:
        # Run as root, nginx's workers are nobody, who cannot enter pytest's
        # private tmp_path to write the proxy cache (a container's /tmp is open).
        text = "user root;\n" + text
    path = tmp_path / "nginx.conf"
    path.write_text(text)
    return path


def _nginx() -> str:
    if not Path(NGINX).exists():
        pytest.fail("nginx is missing: apt-get install nginx-light", pytrace=False)
    return NGINX


def test_the_shipped_nginx_config_parses(tmp_path: Path) -> None:
    config = _config_for_test(tmp_path, upstream=8000, listen=_free_port())

    checked = subprocess.run(
        [_nginx(), "-t", "-c", str(config)], capture_output=True, text=True
    )

    assert checked.returncode == 0, checked.stderr
    assert "client_max_body_size 51m;" in CONFIG.read_text()
    assert settings.UPLOAD_MAX_BYTES < 51 * 1024 * 1024


@pytest.fixture
def proxied(tmp_path: Path) -> Iterator[dict]:
    """nginx with the shipped config in front of a recording HTTP server."""
    seen: dict = {"requests": []}

    class Upstream(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            seen["requests"].append((dict(self.headers), body))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    upstream = ThreadingHTTPServer(("127.0.0.1", 0), Upstream)
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    port = _free_port()
    config = _config_for_test(tmp_path, upstream=upstream.server_port, listen=port)
    nginx = subprocess.Popen(
        [_nginx(), "-c", str(config), "-g", "daemon off;"],
        stderr=subprocess.PIPE,
    )
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.05)
    seen["port"] = port
    yield seen
    nginx.terminate()
    nginx.wait(timeout=10)
    upstream.shutdown()


def _send(port: int, head: bytes, chunks: list[bytes], pause: float = 0) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(head)
        for chunk in chunks:
            time.sleep(pause)
            conn.sendall(chunk)
        return conn.recv(4096)


def test_a_slow_body_reaches_the_app_only_when_complete(proxied) -> None:
    body = b"x" * 30
    head = (
        b"POST /upload HTTP/1.1\r\nHost: localhost:8000\r\nContent-Length: 30\r\n\r\n"
    )
    chunks = [body[i : i + 10] for i in range(0, 30, 10)]
    answer: dict = {}
    sender = threading.Thread(
        target=lambda: answer.update(reply=_send(proxied["port"], head, chunks, 0.5))
    )

    sender.start()
    time.sleep(1.2)  # two of three chunks sent
    waiting = list(proxied["requests"])
    sender.join(timeout=10)

    assert waiting == []  # gunicorn would not be tied up meanwhile
    assert answer["reply"].startswith(b"HTTP/1.1 204")
    ((headers, received),) = proxied["requests"]
    assert received == body
    assert headers["Host"] == "localhost:8000"


def test_a_body_over_the_cap_is_refused_before_the_app(proxied) -> None:
    head = (
        b"POST /upload HTTP/1.1\r\nHost: localhost\r\nContent-Length: 60000000\r\n\r\n"
    )

    reply = _send(proxied["port"], head, [])

    assert reply.startswith(b"HTTP/1.1 413")
    assert proxied["requests"] == []


def test_the_proxy_appends_the_address_it_saw_and_sets_the_scheme(proxied) -> None:
    head = (
        b"POST /api HTTP/1.1\r\nHost: localhost\r\nContent-Length: 2\r\n"
        b"X-Forwarded-For: 198.51.100.7\r\nX-Forwarded-Proto: https\r\n\r\nok"
    )

    reply = _send(proxied["port"], head, [])

    assert reply.startswith(b"HTTP/1.1 204")
    ((headers, _body),) = proxied["requests"]
    assert headers["X-Forwarded-For"] == "198.51.100.7, 127.0.0.1"
    assert headers["X-Forwarded-Proto"] == "http"  # overwritten, not passed on


def test_compose_publishes_only_nginx_and_trusts_exactly_its_address() -> None:
    import yaml

    compose = yaml.safe_load(
        (Path(settings.BASE_DIR) / "docker-compose.yml").read_text()
    )
    services = compose["services"]

    published = [name for name, service in services.items() if service.get("ports")]
    assert published == ["proxy"]
    assert (
        "./deploy/nginx.conf:/etc/nginx/nginx.conf:ro" in services["proxy"]["volumes"]
    )
    address = services["proxy"]["networks"]["default"]["ipv4_address"]
    environment = compose["x-app"]["environment"]
    assert environment["TRUSTED_PROXIES"] == address
    assert environment["FORWARDED_ALLOW_IPS"] == address


def _recording_server(name: str, seen: list) -> ThreadingHTTPServer:
    class Upstream(BaseHTTPRequestHandler):
        def _record(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length)
            seen.append((name, self.command, self.path))
            self.send_response(204)
            self.end_headers()

        do_GET = do_POST = do_PUT = _record

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Upstream)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def test_writes_go_to_their_own_pool_and_reads_never_do(tmp_path: Path) -> None:
    seen: list = []
    read = _recording_server("read", seen)
    write = _recording_server("write", seen)
    port = _free_port()
    config = _config_for_test(
        tmp_path, upstream=read.server_port, listen=port, write=write.server_port
    )
    nginx = subprocess.Popen(
        [_nginx(), "-c", str(config), "-g", "daemon off;"], stderr=subprocess.PIPE
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.05)
        requests = [
            ("POST", "/reviews/12/save/"),
            ("POST", "/reviews/12/"),
            ("GET", "/reviews/12/"),
            ("POST", "/reviews/12/submit/"),
            ("POST", "/workspace/3/documents/new/"),
            ("POST", "/workspace/3/evidence/9/"),
            ("GET", "/workspace/3/documents/4/versions/5/download/"),
            ("PUT", "/api/v1/reviews/12/answers/"),
            ("GET", "/api/v1/scores/"),
            ("POST", "/accounts/login/"),
        ]
        for method, path in requests:
            head = (
                f"{method} {path} HTTP/1.1\r\nHost: localhost\r\n"
                "Content-Length: 2\r\nConnection: close\r\n\r\nok"
            ).encode()
            assert _send(port, head, []).startswith(b"HTTP/1.1 204"), path
    finally:
        nginx.terminate()
        nginx.wait(timeout=10)
        read.shutdown()
        write.shutdown()
    pools = {(method, path): pool for pool, method, path in seen}
    assert pools == {
        ("POST", "/reviews/12/save/"): "write",
        ("POST", "/reviews/12/"): "write",
        ("GET", "/reviews/12/"): "read",
        ("POST", "/reviews/12/submit/"): "read",
        ("POST", "/workspace/3/documents/new/"): "write",
        ("POST", "/workspace/3/evidence/9/"): "write",
        ("GET", "/workspace/3/documents/4/versions/5/download/"): "read",
        ("PUT", "/api/v1/reviews/12/answers/"): "write",
        ("GET", "/api/v1/scores/"): "read",
        ("POST", "/accounts/login/"): "read",
    }


def test_every_nginx_upstream_is_a_compose_service_like_web() -> None:
    import re

    import yaml

    compose = yaml.safe_load(
        (Path(settings.BASE_DIR) / "docker-compose.yml").read_text()
    )
    services = compose["services"]
    hosts = re.findall(r"^\s*server ([\w-]+):8000;", CONFIG.read_text(), re.M)
    assert hosts == ["web", "web-write"]
    web, write = services["web"], services["web-write"]
    assert write["image"] == web["image"]
    assert write.get("command") == web.get("command")  # the image's gunicorn
    assert write["volumes"] == web["volumes"]
    assert write["environment"]["DATABASE_URL"] == web["environment"]["DATABASE_URL"]
    assert "web-write" in services["proxy"]["depends_on"]
    assert "STORAGE_URL" in compose["x-app"]["environment"]


def test_published_data_is_answered_from_the_proxy_cache(tmp_path: Path) -> None:
    seen: list = []

    class Upstream(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.append(self.path)
            body = b'{"ok": true}'
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Cache-Control", "public, max-age=60")
            self.send_header("ETag", '"abc"')
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    upstream = ThreadingHTTPServer(("127.0.0.1", 0), Upstream)
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    port = _free_port()
    config = _config_for_test(tmp_path, upstream=upstream.server_port, listen=port)
    nginx = subprocess.Popen(
        [_nginx(), "-c", str(config), "-g", "daemon off;"], stderr=subprocess.PIPE
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.05)
        replies = []
        for path in ["/dashboard/data/"] * 3 + ["/regions/"] * 2:
            head = (
                f"GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
            ).encode()
            replies.append(_send(port, head, []))
    finally:
        nginx.terminate()
        nginx.wait(timeout=10)
        upstream.shutdown()
    assert all(reply.startswith(b"HTTP/1.1 200") for reply in replies)
    # The dashboard's data reached the app once; other pages every time.
    assert seen == ["/dashboard/data/", "/regions/", "/regions/"]
    assert b"X-Cache-Status: HIT" in replies[2]
