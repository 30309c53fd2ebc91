"""Starting and stopping the servers: gunicorn pools, the Celery worker, nginx."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import time
from pathlib import Path

from bench.load.config import FAILURES, ROOT

# Servers -------------------------------------------------------------------


def start(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    """Start a server in its own process group, its output to `log`."""
    with log.open("wb") as out:
        return subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def stop(process: subprocess.Popen | None) -> None:
    """Terminate a server's whole process group, gracefully, then for sure."""
    if process is None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=40)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    except ProcessLookupError:  # the group is gone already
        process.wait(timeout=10)


def wait_ready(port: int, server: subprocess.Popen, log: Path) -> None:
    """Wait until gunicorn answers /healthz (30 s at most)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited:\n{log.read_text()[-3000:]}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except FAILURES:
            pass
        time.sleep(0.2)
    raise SystemExit(f"gunicorn did not answer /healthz:\n{log.read_text()[-3000:]}")


def free_port() -> int:
    """A loopback port nobody listens on (the kernel's pick)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def children(pid: int) -> set[int]:
    """The direct children of a process (gunicorn's workers)."""
    try:
        return {
            int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        }
    except OSError:
        return set()


NGINX_CONFIG = ROOT / "deploy" / "nginx.conf"


def nginx_config(workdir: Path, *, listen: int, reads: int, writes: int) -> Path:
    """deploy/nginx.conf with only what ties it to the compose network
    changed: the upstreams, the port, the pid, temporary and cache paths
    and the logs (files in the run's directory)."""
    text = NGINX_CONFIG.read_text()
    for old, new in [
        ("server web:8000;", f"server 127.0.0.1:{reads};"),
        ("server web-write:8000;", f"server 127.0.0.1:{writes};"),
        ("listen 8080 default_server;", f"listen 127.0.0.1:{listen};"),
        ("pid /tmp/nginx.pid;", f"pid {workdir}/nginx.pid;"),
        ("/tmp/nginx-", f"{workdir}/nginx-"),
        ("access_log /dev/stdout;", f"access_log {workdir}/nginx-access.log;"),
        ("error_log /dev/stderr warn;", f"error_log {workdir}/nginx-error.log warn;"),
    ]:
        if old not in text:
            raise SystemExit(f"deploy/nginx.conf no longer has {old!r}")
        text = text.replace(old, new)
    if os.geteuid() == 0:  # its workers must reach the run's private directory
        text = "user root;\n" + text
    path = workdir / "nginx.conf"
    path.write_text(text)
    return path
