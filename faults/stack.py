"""The throwaway services the fault checks break: a PostgreSQL cluster, a Redis,
gunicorn and a Celery worker, on free loopback ports, under temporary
directories. Everything here is started by the script and stopped by `close()`,
whatever happened: each server runs in its own process group, which is
signalled as a whole.

The machine's own PostgreSQL (5432) and Redis (6379) are never touched.
"""

from __future__ import annotations

import contextlib
import glob
import json
import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import psycopg2
import redis

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent  # the venv's bin: gunicorn, celery
STEPS = Path(__file__).resolve().parent / "django_steps.py"


class StackError(Exception):
    pass


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(what: str, ready: Callable[[], bool], timeout: float) -> float:
    """Poll until `ready()`; the seconds it took."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        with contextlib.suppress(Exception):
            if ready():
                return time.monotonic() - started
        time.sleep(0.1)
    raise StackError(f"{what}: not ready after {timeout:.0f} s")


class Group:
    """A child process leading its own process group, logging to a file."""

    def __init__(self, argv: list[str], env: dict[str, str], log: Path) -> None:
        self.argv, self.log = argv, log
        with log.open("ab") as out:
            self.proc = subprocess.Popen(
                argv,
                cwd=ROOT,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.pid = self.proc.pid

    def alive(self) -> bool:
        return self.proc.poll() is None

    def signal(self, number: int) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.pid, number)

    def kill(self) -> None:
        """SIGKILL to the whole group (the leader and its children)."""
        self.signal(signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=10)

    def stop(self, grace: float = 10) -> None:
        if self.alive():
            self.signal(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(timeout=grace)
        self.kill()  # what is left of the group, if anything


def _version(path: str) -> tuple[int, ...]:
    name = Path(path).parent.parent.name
    return tuple(int(part) for part in name.split(".") if part.isdigit())


def pg_tool(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=_version)
    tool = found[-1] if found else shutil.which(name)
    if not tool:
        raise StackError(f"{name} not found (install postgresql)")
    return tool


class Postgres:
    """A cluster of its own in a temporary directory. initdb and postgres refuse
    to run as root, so under root (CI) they run as the `postgres` user."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.dir = Path(tempfile.mkdtemp(prefix="smartcity-faults-pg-"))
        self.data = self.dir / "data"
        self.log = self.dir / "postgres.log"
        self.prefix: list[str] = []
        if os.geteuid() == 0:
            user = pwd.getpwnam("postgres")
            os.chown(self.dir, user.pw_uid, user.pw_gid)
            self.prefix = ["runuser", "-u", "postgres", "--"]
        self.started = False

    def _run(self, *argv: str, timeout: float = 90) -> None:
        result = subprocess.run(
            [*self.prefix, *argv],
            cwd=self.dir,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if result.returncode:
            raise StackError(
                f"{Path(argv[0]).name} {argv[-1]} failed: "
                f"{(result.stderr or result.stdout).strip()[-400:]}"
            )

    def start(self) -> None:
        self._run(
            pg_tool("initdb"),
            *("-D", str(self.data), "-U", "postgres", "--auth=trust"),
            *("-E", "UTF8", "--locale=C", "--no-sync"),
        )
        options = (
            f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        )
        self.started = True
        self._run(
            pg_tool("pg_ctl"),
            *("-D", str(self.data), "-l", str(self.log), "-o", options),
            *("-w", "-t", "60", "start"),
        )
        connection = psycopg2.connect(self.dsn("postgres"), connect_timeout=5)
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute("CREATE DATABASE smartcity")
        connection.close()

    def restart(self) -> None:
        """A fast restart (`pg_ctl restart -m fast`), options kept."""
        self._run(
            pg_tool("pg_ctl"),
            *("-D", str(self.data), "-l", str(self.log)),
            *("-m", "fast", "-w", "-t", "60", "restart"),
        )

    def dsn(self, database: str = "smartcity") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def close(self) -> None:
        if self.started:
            try:
                self._run(
                    pg_tool("pg_ctl"),
                    *("-D", str(self.data), "-m", "immediate", "-w", "-t", "30"),
                    "stop",
                    timeout=40,
                )
            except (StackError, subprocess.TimeoutExpired):
                pid_file = self.data / "postmaster.pid"
                if pid_file.exists():
                    pid = int(pid_file.read_text().split()[0])
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(pid, signal.SIGKILL)
        shutil.rmtree(self.dir, ignore_errors=True)


class Stack:
    """The services, the app's environment, and the children running the app."""

    def __init__(self, keep: bool = False) -> None:
        self.keep = keep
        self.base = Path(tempfile.mkdtemp(prefix="smartcity-faults-"))
        self.logs = self.base / "logs"
        self.logs.mkdir()
        self.media = self.base / "media"
        self.upload_tmp = self.base / "upload-tmp"
        self.media.mkdir()
        self.upload_tmp.mkdir()
        self.mounted: list[Path] = []
        self.mount_error = ""
        self.postgres: Postgres | None = None
        self.redis: Group | None = None
        self.web: Group | None = None
        self.worker: Group | None = None
        self.redis_port = free_port()
        self.web_port = free_port()
        self.worker_starts = 0

    # Set-up ------------------------------------------------------------------

    def mount_small_volumes(self, media_size: str, tmp_size: str) -> bool:
        """tmpfs volumes for MEDIA_ROOT and FILE_UPLOAD_TEMP_DIR (root only)."""
        if os.geteuid() != 0:
            self.mount_error = "not root: cannot mount a small tmpfs"
            return False
        for path, size in ((self.media, media_size), (self.upload_tmp, tmp_size)):
            options = f"size={size},mode=0755"
            result = subprocess.run(
                ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)],
                capture_output=True,
                text=True,
                check=False,
            )
            if result.returncode:
                self.mount_error = f"mount failed: {result.stderr.strip()}"
                self.unmount()
                return False
            self.mounted.append(path)
        return True

    def unmount(self) -> list[str]:
        problems = []
        for path in self.mounted:
            result = subprocess.run(
                ["umount", str(path)], capture_output=True, text=True, check=False
            )
            if result.returncode:
                lazy = subprocess.run(
                    ["umount", "-l", str(path)], capture_output=True, check=False
                )
                if lazy.returncode:
                    problems.append(f"umount {path}: {result.stderr.strip()}")
        self.mounted = []
        return problems

    def start_services(self) -> None:
        self.postgres = Postgres(free_port())
        self.postgres.start()
        self.start_redis()
        self.env = {
            **os.environ,
            "DATABASE_URL": self.postgres.dsn(),
            "REDIS_URL": f"redis://127.0.0.1:{self.redis_port}",
            "DEBUG": "False",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "False",
            "ENV_FILE": "/dev/null",
            "MEDIA_ROOT": str(self.media),
            "FILE_UPLOAD_TEMP_DIR": str(self.upload_tmp),
            "STATIC_ROOT": str(self.base / "static"),
            "DJANGO_SETTINGS_MODULE": "smartcity.settings",
            "PYTHONPATH": str(ROOT),
            # The checks poll the API; the anonymous rate must not answer 429.
            "API_ANON_RATE": "100000/min",
            "LOG_LEVEL": "INFO",
        }
        for name in ("REDIS_BROKER_DB", "REDIS_CACHE_DB", "ROOT_URLCONF"):
            self.env.pop(name, None)

    def start_redis(self) -> None:
        self.redis = Group(
            [
                "redis-server",
                *("--port", str(self.redis_port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no", "--daemonize", "no"),
                *("--dir", str(self.base)),
            ],
            dict(os.environ),
            self.logs / "redis.log",
        )
        wait_for("redis", lambda: self.broker().ping(), 20)

    def stop_redis(self) -> None:
        if self.redis is not None:
            self.redis.stop()
            self.redis = None

    def broker(self) -> redis.Redis:
        """Celery's broker database (0), for looking at its queues."""
        return redis.Redis(port=self.redis_port, db=0, socket_timeout=2)

    def start_web(self) -> None:
        self.web = Group(
            [
                str(BIN / "gunicorn"),
                "smartcity.wsgi",
                *("-c", "gunicorn.conf.py", "--bind", f"127.0.0.1:{self.web_port}"),
            ],
            self.env,
            self.logs / "web.log",
        )

    def start_worker(self) -> None:
        self.worker_starts += 1
        self.worker = Group(
            [
                str(BIN / "celery"),
                *("-A", "smartcity", "worker", "-l", "INFO", "--concurrency", "1"),
            ],
            self.env,
            self.logs / f"worker-{self.worker_starts}.log",
        )

    def ensure_running(self) -> None:
        """Redis and a worker up again, should a check have left them down."""
        if self.redis is None or not self.redis.alive():
            self.start_redis()
        if self.worker is None or not self.worker.alive():
            if self.worker is not None:
                self.worker.kill()
            self.start_worker()
            self.wait_worker_ready()

    def wait_worker_ready(self, timeout: float = 60) -> float:
        worker = self.worker
        assert worker is not None

        def ready() -> bool:
            if not worker.alive():
                raise StackError(f"the worker exited; see {worker.log}")
            return " ready." in worker.log.read_text(errors="replace")

        return wait_for("celery worker", ready, timeout)

    def wait_worker_idle(self, timeout: float = 300) -> float:
        """Wait until the worker has finished every task it received and the
        queue is empty, so that a check does not start behind the set-up's
        work (the publication's render_release takes 15-40 s on 514 regions
        on this machine, and the worker runs one task at a time)."""
        worker = self.worker
        assert worker is not None

        def idle() -> bool:
            if not worker.alive():
                raise StackError(f"the worker exited; see {worker.log}")
            log = worker.log.read_text(errors="replace")
            received = len(re.findall(r"\] received$", log, re.M))
            ended = len(re.findall(r"\] (?:succeeded in|raised|retry:|failed)", log))
            try:
                queued = int(self.broker().llen("celery"))
            except redis.RedisError:
                return False
            return queued == 0 and ended >= received

        return wait_for("the worker's queue to drain", idle, timeout)

    # Steps run inside the app ----------------------------------------------

    def step(self, *args: str, timeout: float = 120) -> dict:
        """Run faults/django_steps.py in a child process; its JSON answer."""
        with (self.logs / "steps.log").open("a") as log:
            log.write(f"\n== {' '.join(args)}\n")
            log.flush()
            result = subprocess.run(
                [sys.executable, str(STEPS), *args],
                cwd=ROOT,
                env=self.env,
                stdout=subprocess.PIPE,
                stderr=log,
                text=True,
                timeout=timeout,
                check=False,
            )
            log.write(result.stdout)
        if result.returncode:
            raise StackError(
                f"step {args[0]} exited {result.returncode}; see {self.logs}/steps.log"
            )
        return json.loads(result.stdout.strip().splitlines()[-1])

    # Tear-down ---------------------------------------------------------------

    def close(self) -> list[str]:
        """Stop everything started; the problems met doing so."""
        problems = []
        for name in ("web", "worker", "redis"):
            group = getattr(self, name)
            if group is not None:
                try:
                    group.stop()
                except Exception as error:
                    problems.append(f"stopping {name}: {error}")
        if self.postgres is not None:
            try:
                self.postgres.close()
            except Exception as error:
                problems.append(f"stopping postgres: {error}")
        problems += self.unmount()
        if not self.keep:
            shutil.rmtree(self.base, ignore_errors=True)
        return problems
