"""The clients: reviewers autosaving through the real forms, readers without pause."""

from __future__ import annotations

import http.client
import json
import multiprocessing
import os
import random
import secrets
import threading
import time
from collections import Counter, defaultdict
from http.cookies import SimpleCookie
from urllib.parse import urlencode

from bench.load.config import (
    COMMENT_FIELDS,
    DASHBOARD_FILTERS,
    FAILURES,
    PAGE_SIZE,
    READER_MIX,
    REVALIDATE,
    TOKEN_FIELD,
    VERSION_FIELD,
)

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
    operations, weights = zip(*setup.get("mix", READER_MIX), strict=True)
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
    if kind == "readers":
        # The load generator shares the machine with the servers; in
        # production readers are elsewhere. Their threads never pause, so at
        # equal priority they would take CPU the server needs to answer them.
        os.nice(10)
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
