"""`make load`: a bounded load test of the real stack on this machine.

gunicorn (gunicorn.conf.py) and a Celery worker, on PostgreSQL and Redis, all
on loopback; the reviewers talk to a second gunicorn pool of --write-workers
processes (1), as nginx sends autosaves to web-write (0: one pool for all). For `--seconds` (default 60), at the same time:

- 50 reviewers, each logged in through the login form with its own keep-alive
  connection and cookies, autosave their own review (POST /reviews/<pk>/save/,
  the whole scoring form as the page's FormData sends it, the version it last
  got back) after a think time of 0.5-1.5 s, changing one to three levels;
- 100 anonymous readers, each on its own keep-alive connection, read scores
  with no think time: pages of /api/v1/releases/<id>/scores/ and
  /api/v1/scores/?cycle=2017 (a release of all 514 kabupaten/kota), now and
  then /dashboard/data/ and /regions/<code>/scorecard/data/, revalidating
  with If-None-Match on some requests (304 counts as success).

Reported per operation: requests, throughput, p50/p95/p99 latency, errors by
status. Exits non-zero on any server error (5xx or connection failure), any
other error, or a lost save: afterwards every review's answers and version in
the database must equal its last acknowledged save, and the acknowledged
versions of each review must have grown strictly. Then one autosave through
the real view has its queries counted, and autosave_queries, autosave_p95_ms,
autosave_p50_ms and reader_rps are merged into bench/last.json.

Uses a throwaway database `smartcity_load_<random>` on the PostgreSQL server of
DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres) and Redis
database 11 of REDIS_URL (default redis://127.0.0.1:6379), flushed before and
after; both must be on loopback. The clients run in three processes (one of
reviewers, two of readers) of threads, so that one interpreter's lock does not
hold back 150 clients. Autosaves queue no Celery job (submitting a review,
reopening it, consensus and appeal decisions do); the worker runs as in
production and sends the assignment e-mails that setup queued. About 100 s in
all with the default window on 2 cores.
"""

from __future__ import annotations

import argparse
import http.client
import io
import itertools
import json
import math
import multiprocessing
import os
import platform
import random
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent
REDIS_DB = 11
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/postgres"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379"
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
READER_PROCESSES = 2
PAGE_SIZE = 50  # api.pagination.Pages
OPERATIONS = (
    "autosave",
    "scores: release",
    "scores: cycle",
    "dashboard data",
    "scorecard data",
)
# The readers' mix: mostly the API's scores, some dashboard and scorecard data.
READER_MIX = (
    ("scores: release", 0.40),
    ("scores: cycle", 0.35),
    ("dashboard data", 0.10),
    ("scorecard data", 0.15),
)
DASHBOARD_FILTERS = ("", "", "", "?cohort=2017", "?cohort=2018", "?kind=kota")
REVALIDATE = 0.3  # share of repeated requests sent with If-None-Match
FAILURES = (OSError, http.client.HTTPException)  # includes timeouts
CPU_USERS = (
    "gunicorn",
    "gunicorn (writes)",
    "postgres",
    "redis-server",
    "Celery worker",
    "clients",
)
# What a browser reads from the pages' forms.
TOKEN_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
VERSION_FIELD = re.compile(r'name="version" value="(\d+)" id="review-version"')
COMMENT_FIELDS = re.compile(r'name="comment-(\d+)"')  # one per indicator


# Machine and services --------------------------------------------------------


def machine() -> str:
    """Cores, memory and CPU model of this machine, for the report's header."""
    meminfo = Path("/proc/meminfo").read_text()
    total_kb = int(re.search(r"MemTotal:\s+(\d+) kB", meminfo).group(1))
    found = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text())
    model = found.group(1).strip() if found else platform.processor() or "unknown"
    cores = len(os.sched_getaffinity(0))
    return (
        f"{cores} cores ({model}), {total_kb / 1024 / 1024:.1f} GiB RAM, "
        f"Linux {platform.release()}, Python {platform.python_version()}"
    )


def cpu_seconds() -> dict[int, tuple[str, int, float]]:
    """CPU time so far of every process: {pid: (name, process group, seconds)}."""
    tick = os.sysconf("SC_CLK_TCK")
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:  # exited meanwhile
            continue
        name = text[text.index("(") + 1 : text.rindex(")")]
        fields = text[text.rindex(")") + 2 :].split()  # from field 3, the state
        # utime, stime, and those of its children waited for: a worker that
        # gunicorn recycled counts in the master.
        seconds = sum(int(v) for v in fields[11:15]) / tick
        found[int(stat.parent.name)] = (name, int(fields[2]), seconds)
    return found


def cpu_shares(
    before: dict[int, tuple[str, int, float]],
    after: dict[int, tuple[str, int, float]],
    groups: dict[int, str],
) -> Counter:
    """CPU seconds used between two snapshots, by gunicorn, the worker, the
    clients, PostgreSQL and Redis (all their processes, whoever they serve),
    and by every other process name ("other: <name>")."""

    def who(name: str, group: int) -> str:
        if name in ("postgres", "redis-server"):
            return name
        return groups.get(group, f"other: {name}")

    used = Counter()
    for pid, (name, group, seconds) in after.items():
        used[who(name, group)] += seconds - before.get(pid, (name, group, 0.0))[2]
    for pid, (name, group, seconds) in before.items():
        if pid not in after:  # its whole time is now in its parent's total
            used[who(name, group)] -= seconds
    return used


def cpu_busy() -> tuple[int, int]:
    """(busy, total) jiffies of all cores since boot, from /proc/stat."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    total = sum(fields[:8])  # without guest time, already counted in user
    return total - idle, total


def loopback_url(url: str, what: str) -> str:
    """The URL, if its host is this machine: the load never leaves loopback."""
    host = urlsplit(url).hostname or ""
    if host not in LOOPBACK:
        raise SystemExit(f"{what} must be on loopback for `make load`, not {host!r}")
    return url


def admin(url: str, statement: str) -> str:
    """Run one statement on the server's `postgres` database; its first value."""
    import psycopg2

    connection = psycopg2.connect(urlunsplit(urlsplit(url)._replace(path="/postgres")))
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(statement)
            row = cursor.fetchone() if cursor.description else None
    finally:
        connection.close()
    return str(row[0]) if row else ""


def redis_db(url: str):
    """The load test's own Redis database (cache and broker)."""
    import redis

    return redis.Redis.from_url(urlunsplit(urlsplit(url)._replace(path=f"/{REDIS_DB}")))


def environment(database_url: str, redis_url: str, workdir: Path) -> dict[str, str]:
    """Production settings (DEBUG off) for gunicorn, the worker and setup."""
    return {
        **os.environ,
        "ENV_FILE": "/dev/null",
        "DJANGO_SETTINGS_MODULE": "smartcity.settings",
        "DEBUG": "False",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        # Plain HTTP on loopback: no TLS proxy in front, so no HTTPS redirect,
        # and the cookies must not be Secure-only or no client sends them back.
        "SECURE_SSL_REDIRECT": "False",
        "SESSION_COOKIE_SECURE": "False",
        "CSRF_COOKIE_SECURE": "False",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "REDIS_CACHE_DB": str(REDIS_DB),
        "REDIS_BROKER_DB": str(REDIS_DB),
        # The throttles stay on (their state in Redis is part of the load), but
        # all 150 clients come from one loopback address, which the throttle
        # counts as one client: a limit meant for one client would refuse them.
        # A one-second window keeps each address's history short.
        "API_ANON_RATE": "100000000/s",
        "API_USER_RATE": "100000000/s",
        "EMAIL_URL": "consolemail://",  # assignment e-mails go to the worker's log
        "MEDIA_ROOT": str(workdir / "media"),
        "STATIC_ROOT": str(workdir / "static"),
        "LOG_LEVEL": "WARNING",
    }


# Setup and verification (child processes with Django) -----------------------


def prepare(workdir: Path, reviewers: int) -> None:
    """Migrate, load regions and framework, publish a release of every region
    (2017), and open a 2018 cycle under review whose first `reviewers` regions
    have submitted, each assigned to its own reviewer; write what the clients
    need to workdir/setup.json."""
    import django

    django.setup()
    from datetime import timedelta

    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.utils import timezone

    # collectstatic: the pages need the manifest of the production settings,
    # built here in the run's own STATIC_ROOT instead of relying on a leftover.
    for command in ("migrate", "load_regions", "load_framework"):
        call_command(command, verbosity=0, stdout=io.StringIO())
    call_command("collectstatic", verbosity=0, interactive=False)
    from accounts.models import Role
    from accounts.services import create_user
    from assessments.services import create_cycle
    from regions.models import Region
    from reviews import services as review_services
    from scoring import services as scoring_services
    from submissions.models import Submission
    from tests.scoring.conftest import scored_cycle

    codes = list(Region.objects.order_by("code").values_list("code", flat=True))
    published = scored_cycle(codes, name="Load 2017")
    release = scoring_services.publish(cycle=published, final=False)

    # Submissions closed yesterday, reviews close in 20 days: the review phase.
    now = timezone.now()
    step = max(len(codes) // reviewers, 1)
    regions = codes[::step][:reviewers]
    cycle = create_cycle(
        year=2018,
        name="Load 2018",
        framework=published.framework,
        submissions_open=now - timedelta(days=30),
        submissions_close=now - timedelta(days=1),
        reviews_close=now + timedelta(days=20),
        appeals_close=now + timedelta(days=30),
        region_codes=regions,
    )
    Submission.objects.bulk_create(
        Submission(
            cycle=cycle,
            region_id=code,
            status=Submission.Status.SUBMITTED,
            submitted_at=now - timedelta(days=2),
        )
        for code in regions
    )
    # password=None: an unusable password, no hashing; then one PBKDF2 hash
    # (0.4 s) is shared by all, instead of one per user.
    by = create_user(username="load-admin", password=None, role=Role.ADMIN)
    password = secrets.token_urlsafe(16)
    reviews = []
    for n, code in enumerate(regions, start=1):
        user = create_user(
            username=f"load-reviewer-{n:02d}",
            password=None,
            role=Role.REVIEWER,
            email=f"load-reviewer-{n:02d}@example.invalid",
        )
        review = review_services.assign(
            cycle=cycle,
            region=Region.objects.get(code=code),
            reviewer=user,
            by=by,
            is_lead=True,
        )
        reviews.append((review.pk, user.username))
    User.objects.filter(username__startswith="load-reviewer-").update(
        password=make_password(password)
    )
    (workdir / "setup.json").write_text(
        json.dumps(
            {
                "release": release.pk,
                "year": published.year,
                "regions": [r["region"] for r in release.content["regions"]],
                "indicators": published.framework.indicators.count(),
                "reviews": reviews,
                "password": password,
            }
        )
    )


def verify(workdir: Path) -> None:
    """Compare each review in the database with its last acknowledged save
    (workdir/acks.json); write the findings to workdir/verified.json."""
    import django

    django.setup()
    from reviews.models import Answer, Review

    acks = {
        int(pk): ack
        for pk, ack in json.loads((workdir / "acks.json").read_text()).items()
    }
    versions = dict(Review.objects.filter(pk__in=acks).values_list("pk", "version"))
    stored: dict[int, dict[int, list]] = defaultdict(dict)
    for review, indicator, level, no_evidence, comment in Answer.objects.filter(
        review_id__in=acks
    ).values_list("review_id", "indicator_id", "level", "no_evidence", "comment"):
        stored[review][indicator] = [level, no_evidence, comment]
    blank = [None, False, ""]  # what an untouched indicator reads as
    problems = []
    for pk, ack in sorted(acks.items()):
        last = ack["versions"][-1] if ack["versions"] else 0  # 0: never saved
        if versions.get(pk) != last:
            problems.append(
                (
                    pk,
                    f"version {versions.get(pk)} in the database, last acknowledged {last}",
                )
            )
        expected = {int(i): answer for i, answer in ack["answers"].items()}
        for indicator in sorted(expected.keys() | stored[pk].keys()):
            found = stored[pk].get(indicator, blank)
            if found != expected.get(indicator, blank):
                problems.append(
                    (
                        pk,
                        f"indicator {indicator}: {found} in the database, last"
                        f" acknowledged {expected.get(indicator, blank)}",
                    )
                )
    lost = sorted({pk for pk, _ in problems})
    (workdir / "verified.json").write_text(
        json.dumps(
            {
                "problems": [f"review {pk}: {text}" for pk, text in problems],
                "reviews": lost,
            }
        )
    )


# Statements that only open or close a transaction (PostgreSQL logs neither).
CONTROL = ("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE SAVEPOINT")


def queries(workdir: Path) -> None:
    """Count the queries of one autosave through the real view (the first
    reviewer's review, after the run and its verification): a first save and
    a steady-state one that changes every level; write workdir/queries.json."""
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from assessments.models import Indicator
    from reviews.models import Review

    pk, _username = json.loads((workdir / "setup.json").read_text())["reviews"][0]
    review = Review.objects.select_related("cycle", "reviewer").get(pk=pk)
    indicators = Indicator.objects.filter(framework_id=review.cycle.framework_id)
    ids = list(indicators.values_list("pk", flat=True))
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(review.reviewer)
    counts = []
    for level in ("2", "3"):
        review.refresh_from_db(fields=["version"])
        data = {"version": str(review.version)} | {f"level-{i}": level for i in ids}
        with CaptureQueriesContext(connection) as captured:
            response = client.post(f"/reviews/{pk}/save/", data)
        if response.status_code != 200:
            raise SystemExit(f"autosave for the query count: {response.status_code}")
        counts.append(
            sum(
                1 for q in captured.captured_queries if not q["sql"].startswith(CONTROL)
            )
        )
    (workdir / "queries.json").write_text(
        json.dumps({"first": counts[0], "steady": counts[1]})
    )


def django_step(step: str, workdir: Path, env: dict[str, str], *extra: str) -> None:
    """Run prepare, verify or queries in a child process with the load environment."""
    subprocess.run(
        [sys.executable, __file__, f"--{step}", str(workdir), *extra],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=300,
    )


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


# HTTP clients ----------------------------------------------------------------


class Browser:
    """One client: a keep-alive connection and its cookies, like a browser tab.

    A request that fails on a reused connection before any answer (the server
    closed it: keep-alive timeout, or a worker recycled after max_requests) is
    sent once more on a new connection, as browsers do; it counts as a
    reconnect. Any other failure is raised."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.origin = f"http://127.0.0.1:{port}"
        self.connection: http.client.HTTPConnection | None = None
        self.reused = False
        self.cookies: dict[str, str] = {}
        self.reconnects = 0

    def close(self) -> None:
        """Close the connection; the next request opens a new one."""
        if self.connection is not None:
            self.connection.close()
        self.connection = None

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, http.client.HTTPMessage, bytes]:
        """Send one request; (status, headers, body)."""
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in (1, 2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection(
                    "127.0.0.1", self.port, timeout=60
                )
                self.reused = False
            reused = self.reused
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
            except ConnectionError:  # closed, reset: no status line came back
                self.close()
                if reused and attempt == 1:
                    self.reconnects += 1
                    continue
                raise
            except FAILURES:
                self.close()
                raise
            try:
                data = response.read()
            except FAILURES:
                self.close()
                raise
            self.reused = True
            if response.will_close:
                self.close()
            self.keep_cookies(response.msg)
            return response.status, response.msg, data
        raise AssertionError("unreachable")

    def keep_cookies(self, message: http.client.HTTPMessage) -> None:
        """Remember the cookies a response sets, forget those it deletes."""
        for header in message.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                if morsel["max-age"] == "0":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value


def expect(condition: bool, problem: str) -> None:
    """A client's setup step went wrong: stop that client, say why."""
    if not condition:
        raise RuntimeError(problem)


def form_token(html: str) -> str:
    """The CSRF token a page's form carries."""
    return TOKEN_FIELD.search(html).group(1)


def multipart(fields: list[tuple[str, str]]) -> tuple[bytes, str]:
    """The fields as multipart/form-data, as fetch() sends a FormData."""
    boundary = "----loadtest" + secrets.token_hex(12)
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
        f"{value}\r\n"
        for name, value in fields
    ]
    body = ("".join(parts) + f"--{boundary}--\r\n").encode()
    return body, f"multipart/form-data; boundary={boundary}"


class Tally:
    """One client process's results per operation."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.statuses: dict[str, Counter] = defaultdict(Counter)
        self.not_modified: Counter = Counter()
        self.failures: Counter = Counter()
        self.in_window: Counter = Counter()  # successes finished in the window
        self.samples: list[str] = []
        self.reconnects = 0
        self.finished = 0  # clients that ran to the end (not stopped by a bug)
        self.end = float("inf")  # the window's end, once it opens
        self.last = 0.0  # when the last request finished

    def add(
        self, operation: str, status: int | None, seconds: float, problem: str = ""
    ) -> None:
        """status None: a connection failure (or timeout)."""
        with self.lock:
            now = time.monotonic()
            self.last = max(self.last, now)
            if status in (200, 304):
                self.latencies[operation].append(seconds)
                self.not_modified[operation] += status == 304
                self.in_window[operation] += now <= self.end
                return
            if status is None:
                self.failures[operation] += 1
            else:
                self.statuses[operation][status] += 1
            if len(self.samples) < 10:
                self.samples.append(
                    f"{operation}: {status or 'failed'} {problem}"[:300]
                )


class Clock:
    """When the measured window starts, set by the parent for all processes."""

    def __init__(self) -> None:
        self.go = multiprocessing.Event()
        self.start = multiprocessing.Value("d", 0.0)

    def wait(self, seconds: float) -> float:
        """Block until the window opens; its end (time.monotonic())."""
        self.go.wait()
        start = self.start.value
        time.sleep(max(start - time.monotonic(), 0))
        return start + seconds


def reviewer(
    spec: tuple[int, str],
    password: str,
    port: int,
    seed: int,
    seconds: float,
    clock: Clock,
    tally: Tally,
    acks: dict,
    ready: threading.Barrier,
    setup_errors: list[str],
) -> None:
    """Log in through the form, open the review, then autosave until the end."""
    pk, username = spec
    rng = random.Random(f"{seed}:reviewer:{pk}")
    browser = Browser(port)
    page = f"/reviews/{pk}/"
    try:
        status, _, html = browser.request("GET", f"/accounts/login/?next={page}")
        expect(status == 200, f"login page: {status}")
        form = urlencode(
            {
                "csrfmiddlewaretoken": form_token(html.decode()),
                "username": username,
                "password": password,
                "next": page,
            }
        ).encode()
        status, headers, _ = browser.request(
            "POST",
            "/accounts/login/",
            form,
            {
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": browser.origin,
            },
        )
        expect(status == 302 and "sessionid" in browser.cookies, f"login: {status}")
        status, _, html = browser.request("GET", headers["Location"])
        expect(status == 200, f"review page: {status}")
        html = html.decode()
        token = form_token(html)
        version = int(VERSION_FIELD.search(html).group(1))
        indicators = [int(i) for i in COMMENT_FIELDS.findall(html)]
        expect(bool(indicators), "the review page has no indicators")
    except Exception as error:  # reported by the parent, which then stops
        setup_errors.append(f"{username}: {error!r}")
        ready.wait()
        return
    ready.wait()

    # level, no_evidence, comment: what the form holds, as the database would.
    state = {i: [None, False, ""] for i in indicators}
    versions: list[int] = []  # every acknowledged version, in order
    acknowledged: dict[int, list] = {}  # the answers of the last acknowledged save
    saves = 0
    end = clock.wait(seconds)
    time.sleep(rng.uniform(0, 1.5))  # people do not start in step
    while time.monotonic() < end:
        saves += 1
        for indicator in rng.sample(indicators, rng.randint(1, 3)):
            if rng.random() < 0.1:
                state[indicator][:2] = [None, True]
            else:
                state[indicator][:2] = [rng.randint(1, 5), False]
            if rng.random() < 0.2:
                state[indicator][2] = f"{username} save {saves}"
        fields = [("csrfmiddlewaretoken", token), ("version", str(version))]
        for indicator in indicators:
            level, no_evidence, comment = state[indicator]
            if no_evidence or level is not None:  # an unchecked radio is not sent
                fields.append(
                    (f"level-{indicator}", "none" if no_evidence else str(level))
                )
            fields += [
                (f"comment-{indicator}", comment),
                (f"cite-{indicator}", ""),
                (f"page-{indicator}", ""),
            ]
        body, content_type = multipart(fields)
        started = time.perf_counter()
        try:
            status, _, data = browser.request(
                "POST",
                f"/reviews/{pk}/save/",
                body,
                {
                    "Content-Type": content_type,
                    "Accept": "application/json",
                    "X-CSRFToken": token,
                    "Origin": browser.origin,
                },
            )
        except FAILURES as error:
            tally.add("autosave", None, 0, repr(error))
        else:
            elapsed = time.perf_counter() - started
            try:
                answer = json.loads(data)
            except ValueError:
                answer = {}
            if status == 200 and answer.get("ok"):
                version = answer["version"]
                versions.append(version)
                acknowledged = {i: list(v) for i, v in state.items()}
                tally.add("autosave", 200, elapsed)
            else:
                shown = status if status != 200 else 0  # 0: a 200 without ok
                tally.add("autosave", shown, elapsed, repr(data[:200]))
                if status == 409:  # stale: the page stops and asks for a reload
                    break
        pause = rng.uniform(0.5, 1.5)
        if time.monotonic() + pause >= end:
            break
        time.sleep(pause)
    with tally.lock:
        tally.reconnects += browser.reconnects
        tally.finished += 1
        acks[pk] = {"versions": versions, "answers": acknowledged}
    browser.close()


def reader(
    index: int,
    setup: dict,
    port: int,
    seed: int,
    seconds: float,
    clock: Clock,
    tally: Tally,
    ready: threading.Barrier,
) -> None:
    """Read scores without a pause until the end, revalidating now and then."""
    rng = random.Random(f"{seed}:reader:{index}")
    browser = Browser(port)
    pages = -(-len(setup["regions"]) // PAGE_SIZE)
    etags: dict[str, str] = {}
    operations, weights = zip(*READER_MIX, strict=True)
    ready.wait()
    end = clock.wait(seconds)
    while time.monotonic() < end:
        operation = rng.choices(operations, weights)[0]
        query = (
            "?page_size=1000"
            if rng.random() < 0.2
            else f"?page={rng.randint(1, pages)}"
        )
        if operation == "scores: release":
            path = f"/api/v1/releases/{setup['release']}/scores/{query}"
        elif operation == "scores: cycle":
            path = f"/api/v1/scores/{query}&cycle={setup['year']}"
        elif operation == "dashboard data":
            path = "/dashboard/data/" + rng.choice(DASHBOARD_FILTERS)
        else:
            path = f"/regions/{rng.choice(setup['regions'])}/scorecard/data/"
        headers = {"Accept": "application/json"}
        if path in etags and rng.random() < REVALIDATE:
            headers["If-None-Match"] = etags[path]
        started = time.perf_counter()
        try:
            status, response, data = browser.request("GET", path, headers=headers)
        except FAILURES as error:
            tally.add(operation, None, 0, repr(error))
            time.sleep(0.1)  # no busy loop against a server that is down
            continue
        elapsed = time.perf_counter() - started
        if response.get("ETag"):
            etags[path] = response["ETag"]
        tally.add(operation, status, elapsed, f"{path} {data[:200]!r}")
    with tally.lock:
        tally.reconnects += browser.reconnects
        tally.finished += 1
    browser.close()


def client_process(
    kind: str,
    setup: dict,
    members: list,
    port: int,
    seed: int,
    seconds: float,
    clock: Clock,
    results: multiprocessing.Queue,
) -> None:
    """One process of client threads: reviewers or readers. Reports 'ready'
    once every client is set up, then its results after the window."""
    tally, acks, setup_errors = Tally(), {}, []
    ready = threading.Barrier(len(members) + 1)
    if kind == "reviewers":
        threads = [
            threading.Thread(
                target=reviewer,
                args=(
                    m,
                    setup["password"],
                    port,
                    seed,
                    seconds,
                    clock,
                    tally,
                    acks,
                    ready,
                    setup_errors,
                ),
            )
            for m in members
        ]
    else:
        threads = [
            threading.Thread(
                target=reader, args=(m, setup, port, seed, seconds, clock, tally, ready)
            )
            for m in members
        ]
    for thread in threads:
        thread.start()
    ready.wait()
    results.put(("ready", kind, setup_errors))
    clock.go.wait()
    tally.end = clock.start.value + seconds
    for thread in threads:
        thread.join()
    results.put(
        (
            "done",
            kind,
            {
                "latencies": dict(tally.latencies),
                "statuses": {k: dict(v) for k, v in tally.statuses.items()},
                "not_modified": dict(tally.not_modified),
                "in_window": dict(tally.in_window),
                "failures": dict(tally.failures),
                "samples": tally.samples,
                "reconnects": tally.reconnects,
                "finished": tally.finished,
                "last": tally.last,
                "acks": acks,
            },
        )
    )


# The run -----------------------------------------------------------------------


def load(
    setup: dict,
    ports: tuple[int, int],
    args: argparse.Namespace,
    servers: tuple[int, int | None],
    worker: int,
) -> dict:
    """Start the client processes, log the reviewers in, open the window for
    everybody at once, and gather the results. Readers use the first port,
    reviewers the second (the write pool's, as nginx routes their autosaves)."""
    gunicorn, writers = servers
    context = multiprocessing.get_context("fork")  # no thread exists yet here
    clock, results = Clock(), context.Queue()
    readers = list(range(args.readers))
    groups = [("reviewers", [tuple(r) for r in setup["reviews"]])] + [
        ("readers", readers[n::READER_PROCESSES]) for n in range(READER_PROCESSES)
    ]
    processes = [
        context.Process(
            target=client_process,
            args=(
                kind,
                setup,
                members,
                ports[1] if kind == "reviewers" else ports[0],
                args.seed,
                args.seconds,
                clock,
                results,
            ),
            daemon=True,
        )
        for kind, members in groups
    ]
    started = time.monotonic()
    try:
        for process in processes:
            process.start()
        setup_errors = []
        for _ in processes:
            _, _, errors = results.get(timeout=120)
            setup_errors += errors
        logged_in = time.monotonic() - started
        if setup_errors:
            clock.go.set()
            raise SystemExit("client setup failed:\n" + "\n".join(setup_errors[:10]))

        workers = children(gunicorn)
        busy_before, cpu_before = cpu_busy(), cpu_seconds()
        clock.start.value = time.monotonic() + 0.2
        clock.go.set()
        end = clock.start.value + args.seconds
        while time.monotonic() < end:  # gunicorn recycles workers (max_requests)
            time.sleep(0.5)
            workers |= children(gunicorn)
        done = [results.get(timeout=args.seconds + 120)[2] for _ in processes]
        busy_after, cpu_after = cpu_busy(), cpu_seconds()
        workers |= children(gunicorn)
        for process in processes:
            process.join(timeout=10)
    finally:  # also when stopped: no client outlives the run
        for process in processes:
            if process.is_alive():
                process.terminate()
    return {
        "parts": done,
        "start": clock.start.value,
        "login_seconds": logged_in,
        "cpu_busy": (busy_after[0] - busy_before[0])
        / max(busy_after[1] - busy_before[1], 1),
        "cpu": cpu_shares(
            cpu_before,
            cpu_after,
            {
                gunicorn: "gunicorn",
                **({writers: "gunicorn (writes)"} if writers else {}),
                worker: "Celery worker",
                os.getpgrp(): "clients",
            },
        ),
        "workers_seen": len(workers),
        "clients": len(setup["reviews"]) + args.readers,
    }


def percentile(ordered: list[float], share: float) -> float:
    """Nearest-rank percentile of sorted values, in milliseconds."""
    if not ordered:
        return float("nan")
    return ordered[max(math.ceil(share * len(ordered)), 1) - 1] * 1000


def report(header: list[str], outcome: dict, verified: dict, seconds: float) -> bool:
    """Print the figures; True when there was no error and no lost save."""
    parts = outcome["parts"]
    tail = max(p["last"] for p in parts) - outcome["start"] - seconds
    print("\n".join(["", *header]))
    print(
        f"\n{'operation':<18}{'requests':>9}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}"
        f"{'p99 ms':>9}{'304':>7}  errors"
    )
    totals = Counter()
    all_latencies = []
    server_errors = other_errors = 0
    for operation in OPERATIONS:
        latencies = sorted(v for p in parts for v in p["latencies"].get(operation, []))
        statuses = Counter()
        for p in parts:
            statuses.update(
                {int(k): v for k, v in p["statuses"].get(operation, {}).items()}
            )
        failures = sum(p["failures"].get(operation, 0) for p in parts)
        not_modified = sum(p["not_modified"].get(operation, 0) for p in parts)
        in_window = sum(p["in_window"].get(operation, 0) for p in parts)
        requests = len(latencies) + sum(statuses.values()) + failures
        server_errors += failures + sum(v for k, v in statuses.items() if k >= 500)
        other_errors += sum(v for k, v in statuses.items() if k < 500)
        errors = ", ".join(
            f"{v} x {k or 'not ok'}" for k, v in sorted(statuses.items())
        )
        if failures:
            errors = ", ".join(
                filter(None, [errors, f"{failures} x connection failed"])
            )
        totals.update(requests=requests, not_modified=not_modified, in_window=in_window)
        all_latencies += latencies
        print(
            f"{operation:<18}{requests:>9}{in_window / seconds:>8.1f}"
            f"{percentile(latencies, 0.50):>9.1f}{percentile(latencies, 0.95):>9.1f}"
            f"{percentile(latencies, 0.99):>9.1f}{not_modified:>7}  {errors or 0}"
        )
    all_latencies.sort()
    print(
        f"{'total':<18}{totals['requests']:>9}{totals['in_window'] / seconds:>8.1f}"
        f"{percentile(all_latencies, 0.50):>9.1f}{percentile(all_latencies, 0.95):>9.1f}"
        f"{percentile(all_latencies, 0.99):>9.1f}{totals['not_modified']:>7}"
        f"  {server_errors + other_errors}"
    )

    acks = {pk: a for p in parts for pk, a in p["acks"].items()}
    acknowledged = sum(len(a["versions"]) for a in acks.values())
    out_of_order = [
        pk
        for pk, ack in acks.items()
        if any(b <= a for a, b in itertools.pairwise(ack["versions"]))
    ]
    problems = verified["problems"] + [
        f"review {pk}: versions not strictly increasing" for pk in out_of_order
    ]
    lost = set(verified["reviews"]) | set(out_of_order)
    reconnects = sum(p["reconnects"] for p in parts)
    print(
        "\nreq/s: successes finished within the window; requests: all started in"
        f" it (the last one finished {tail:.1f} s after its end)."
    )
    if outcome["cpu_busy"] > 0.9:
        print(
            "Readers do not pause: the machine is saturated, so latency is mostly"
            " waiting in line (clients / throughput)."
        )
    print(
        f"keep-alive connections the server had closed, request sent again on a new"
        f" one: {reconnects}; gunicorn worker processes seen: {outcome['workers_seen']}"
        " (max_requests recycles them)"
    )
    cpu = outcome["cpu"]
    others = Counter({k[7:]: v for k, v in cpu.items() if k.startswith("other: ")})
    used = ", ".join(
        [f"{who} {cpu[who]:.1f}" for who in CPU_USERS]
        + [
            f"other processes {others.total():.1f} ("
            + ", ".join(f"{name} {v:.1f}" for name, v in others.most_common(3))
            + ")"
        ]
    )
    print(
        f"CPU: the machine {outcome['cpu_busy']:.0%} busy in the window and its"
        f" tail; CPU-s used: {used} (of {(seconds + tail) * os.cpu_count():.0f};"
        " an exited process counts only if its parent waited for it)"
    )
    print(f"The reviewers' logins took {outcome['login_seconds']:.1f} s before it.")
    print(f"\nserver errors: {server_errors} (5xx or connection failed)")
    stopped = outcome["clients"] - sum(p["finished"] for p in parts)
    print(f"other errors: {other_errors}")
    if stopped:
        print(f"clients stopped by an exception (see above): {stopped}")
    print(
        f"lost saves: {len(lost)} (reviews whose database state is not their last"
        f" acknowledged save, or whose versions did not grow; {len(acks)} reviews,"
        f" {acknowledged} acknowledged saves)"
    )
    for line in [*(s for p in parts for s in p["samples"]), *problems][:20]:
        print(f"  {line}")
    return not (server_errors or other_errors or lost or stopped)


def write_figures(outcome: dict, seconds: float, counted: dict) -> dict:
    """The run's figures merged into bench/last.json (numbers only, one key
    each, so a script can compare runs); the other scripts' keys are kept."""
    parts = outcome["parts"]
    autosaves = sorted(v for p in parts for v in p["latencies"].get("autosave", []))
    readers = sum(
        p["in_window"].get(operation, 0)
        for p in parts
        for operation in OPERATIONS
        if operation != "autosave"
    )
    figures = {
        "autosave_queries": counted["steady"],
        "autosave_p95_ms": round(percentile(autosaves, 0.95), 1),
        "autosave_p50_ms": round(percentile(autosaves, 0.50), 1),
        "reader_rps": round(readers / seconds, 1),
    }
    path = ROOT / "bench" / "last.json"
    known = json.loads(path.read_text()) if path.exists() else {}
    path.write_text(json.dumps(known | figures, indent=2, sort_keys=True) + "\n")
    return figures


def main() -> None:
    """Set up, run, verify, clean up, report; exit 1 on any failure."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=60, help="window (60)")
    parser.add_argument("--reviewers", type=int, default=50)
    parser.add_argument("--readers", type=int, default=100)
    parser.add_argument("--seed", type=int, default=2017)
    parser.add_argument(
        "--write-workers",
        type=int,
        default=1,
        help="processes of a separate gunicorn pool for the autosaves, as"
        " web-write behind nginx (1; 0: one pool serves everybody)",
    )
    args = parser.parse_args()
    if (
        args.seconds <= 0
        or args.reviewers < 1
        or args.readers < 0
        or args.write_workers < 0
    ):
        parser.error(
            "--seconds > 0, --reviewers >= 1, --readers >= 0, --write-workers >= 0"
        )
    # A stopped run (Ctrl+C, SIGTERM) still cleans up, in the finally below.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    url = os.environ.get("DATABASE_URL", "")
    url = loopback_url(
        url if url.startswith("postgres") else DEFAULT_DATABASE_URL, "PostgreSQL"
    )
    redis_url = loopback_url(os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL, "Redis")
    name = f"smartcity_load_{secrets.token_hex(4)}"
    database_url = urlunsplit(urlsplit(url)._replace(path=f"/{name}"))
    versions = (
        f"PostgreSQL {admin(url, 'SHOW server_version').split()[0]}, "
        f"Redis {redis_db(redis_url).info('server')['redis_version']}"
    )
    load_before = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    began = time.monotonic()
    server = writer = worker = None
    with tempfile.TemporaryDirectory(prefix="smartcity-load-") as directory:
        workdir = Path(directory)
        env = environment(database_url, redis_url, workdir)
        redis_db(redis_url).flushdb()
        admin(url, f"CREATE DATABASE {name}")
        try:
            print(f"== Load test: setting up {name} ...", flush=True)
            django_step("prepare", workdir, env, str(args.reviewers))
            setup = json.loads((workdir / "setup.json").read_text())
            prepared = time.monotonic() - began
            port = free_port()
            queued = redis_db(redis_url).llen("celery")  # the assignment e-mails
            celery = "celery -A smartcity worker -l WARNING --concurrency 1"
            worker = start(
                [str(BIN / "celery"), *celery.split()[1:]], env, workdir / "worker.log"
            )
            gunicorn = (
                f"gunicorn smartcity.wsgi -c gunicorn.conf.py --bind 127.0.0.1:{port}"
            )
            server = start(
                [str(BIN / "gunicorn"), *gunicorn.split()[1:]],
                env,
                workdir / "gunicorn.log",
            )
            wait_ready(port, server, workdir / "gunicorn.log")
            write_port = port
            if args.write_workers:
                write_port = free_port()
                writer = start(
                    [
                        str(BIN / "gunicorn"),
                        *gunicorn.split()[1:-1],
                        f"127.0.0.1:{write_port}",
                    ],
                    env | {"WEB_CONCURRENCY": str(args.write_workers)},
                    workdir / "gunicorn-write.log",
                )
                wait_ready(write_port, writer, workdir / "gunicorn-write.log")
            print(
                f"   ready in {time.monotonic() - began:.0f} s; running {args.seconds:.0f} s ...",
                flush=True,
            )
            outcome = load(
                setup,
                (port, write_port),
                args,
                (server.pid, writer.pid if writer else None),
                worker.pid,
            )
            exited = [
                n
                for n, p in (
                    ("gunicorn", server),
                    ("gunicorn (writes)", writer),
                    ("worker", worker),
                )
                if p is not None and p.poll() is not None
            ]
            acks = {pk: a for p in outcome["parts"] for pk, a in p["acks"].items()}
            (workdir / "acks.json").write_text(json.dumps(acks))
            django_step("verify", workdir, env)
            verified = json.loads((workdir / "verified.json").read_text())
            django_step("queries", workdir, env)
            counted = json.loads((workdir / "queries.json").read_text())
            waiting = redis_db(redis_url).llen("celery")
            logs = [
                (workdir / log).read_text(errors="replace")
                for log in ("gunicorn.log", "gunicorn-write.log", "worker.log")
                if (workdir / log).exists()
            ]
            tracebacks = sum(log.count("Traceback") for log in logs)
            first = next((log for log in logs if "Traceback" in log), "")
            first = first[first.find("Traceback") :][:3000]
        finally:
            stop(server)
            stop(writer)
            stop(worker)
            admin(url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            redis_db(redis_url).flushdb()
    mix = ", ".join(f"{operation} {share:.0%}" for operation, share in READER_MIX)
    header = [
        f"== Load: {args.reviewers} reviewers autosaving (think time 0.5-1.5 s) +"
        f" {args.readers} readers (no think time), {args.seconds:.0f} s, loopback",
        f"machine   {machine()}; load average before: {load_before}",
        f"stack     gunicorn.conf.py ({os.environ.get('WEB_CONCURRENCY', '3')} workers"
        " x 2 threads"
        + (
            f"; autosaves on their own pool of {args.write_workers} x 2 threads"
            if args.write_workers
            else ", autosaves included"
        )
        + f"), 1 Celery worker (concurrency 1), {versions}",
        f"data      a release of {len(setup['regions'])} regions;"
        f" {len(setup['reviews'])} reviews in progress, {setup['indicators']}"
        " indicators each; caches cold at the start",
        f"readers   {mix}; scores pages of {PAGE_SIZE} or all regions (1 in 5);"
        f" If-None-Match on {REVALIDATE:.0%} of repeated URLs",
        f"time      setup {prepared:.0f} s, whole run {time.monotonic() - began:.0f} s",
    ]
    passed = report(header, outcome, verified, args.seconds)
    figures = write_figures(outcome, args.seconds, counted)
    print(
        f"autosave: {counted['steady']} queries (a first save {counted['first']}),"
        f" p95 {figures['autosave_p95_ms']:.0f} ms; readers"
        f" {figures['reader_rps']:.1f} req/s; written to bench/last.json"
    )
    print(
        f"server logs: {tracebacks} tracebacks. Celery: {queued} jobs queued by setup"
        f" (assignment e-mails), {waiting} left at the end; autosaves queue none."
    )
    if first:
        print(first)
    if exited:
        print(f"exited during the run: {', '.join(exited)}")
    if not passed or tracebacks or exited:
        raise SystemExit(1)


if __name__ == "__main__":
    if "--prepare" in sys.argv:
        prepare(Path(sys.argv[2]), int(sys.argv[3]))
    elif "--verify" in sys.argv:
        verify(Path(sys.argv[2]))
    elif "--queries" in sys.argv:
        queries(Path(sys.argv[2]))
    else:
        main()
