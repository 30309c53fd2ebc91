"""What every fault check shares: the report, the checks' own database
connection, the context of a run and small waits on the worker's log."""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass

import psycopg2

from faults.stack import Stack
from faults.web import Client, Response
from scoring import contract

RUN_LIMIT = 720  # seconds for the whole run, set-up and clean-up included
SWEEP_EVERY = 10  # seconds between the beat sweeps the checks send
QUEUED_FOR = 60  # scoring.tasks.QUEUED_FOR: the sweep re-enqueues runs this old
RECOVERY_LIMIT = 10  # seconds for the pages after PostgreSQL is back
LOCK_KEY = 2017  # scoring.services._lock: pg_advisory_xact_lock(2017, cycle)
MB = 1024 * 1024


class RunTimeout(BaseException):
    """The whole run took too long (BaseException: no check may swallow it)."""


class Interrupted(BaseException):
    pass


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


class Report:
    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()

    def check(self, name: str, ok: bool | None, measured: str) -> bool:
        verdict = {True: "PASS", False: "FAIL", None: "SKIP"}[ok]
        self.counts[verdict] += 1
        say(f"{verdict} {name}: {measured}")
        return bool(ok)

    def note(self, text: str) -> None:
        say(f"     {text}")

    @property
    def failed(self) -> int:
        return self.counts["FAIL"]


class Db:
    """The checks' own look at the database (autocommit, reconnecting)."""

    def __init__(self, dsn: str) -> None:
        self.dsn = dsn
        self.connection = None

    def rows(self, sql: str, params: tuple | list = ()) -> list[tuple]:
        for attempt in (1, 2):
            try:
                if self.connection is None or self.connection.closed:
                    self.connection = psycopg2.connect(self.dsn, connect_timeout=3)
                    self.connection.autocommit = True
                with self.connection.cursor() as cursor:
                    cursor.execute(sql, params)
                    return cursor.fetchall() if cursor.description else []
            except (psycopg2.OperationalError, psycopg2.InterfaceError):
                self.close()
                if attempt == 2:
                    raise
        return []

    def value(self, sql: str, params: tuple | list = ()):
        found = self.rows(sql, params)
        return found[0][0] if found else None

    def close(self) -> None:
        if self.connection is not None:
            with contextlib.suppress(psycopg2.Error):
                self.connection.close()
            self.connection = None


@dataclass
class Context:
    stack: Stack
    db: Db
    data: dict
    report: Report
    anon: Client
    admin: Client
    official: Client

    def pages(self) -> list[str]:
        return [
            "/",
            "/results/",
            "/dashboard/",
            "/dashboard/data/",
            "/api/v1/releases/",
            f"/api/v1/releases/{self.data['release']}/scores/",
        ]

    def run_status(self, run: int) -> str:
        return self.db.value("SELECT status FROM scoring_scorerun WHERE id = %s", [run])

    def latest_run(self, cycle: int) -> tuple[int, str] | None:
        found = self.db.rows(
            "SELECT id, status FROM scoring_scorerun WHERE cycle_id = %s"
            " ORDER BY id DESC LIMIT 1",
            [cycle],
        )
        return found[0] if found else None

    def lock_held(self, cycle: int) -> bool:
        """Whether a session holds the cycle's advisory lock (a run computing)."""
        return bool(
            self.db.value(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"
                " AND classid = %s AND objid = %s AND objsubid = 2 AND granted",
                [LOCK_KEY, cycle],
            )
        )

    def results(self, cycle: int) -> tuple[int, str]:
        """How many RegionResult rows the cycle has, and a hash of their values."""
        rows = self.db.rows(
            "SELECT region_id, index, band, coverage, complete, blueprint, practice,"
            f" details::text, size_class, {', '.join(contract.RANK_COLUMNS)},"
            " rank_low, rank_high"
            " FROM scoring_regionresult WHERE cycle_id = %s ORDER BY region_id",
            [cycle],
        )
        return len(rows), hashlib.sha256(repr(rows).encode()).hexdigest()[:12]

    def releases(self) -> list[tuple]:
        """Every release: id, number, kind, checksum, hash of the stored content,
        and whether the checksum still matches the content (as the app checks)."""
        found = []
        for pk, number, kind, checksum, content in self.db.rows(
            "SELECT id, number, kind, checksum, content FROM scoring_release"
            " ORDER BY id"
        ):
            canonical = json.dumps(
                content, sort_keys=True, separators=(",", ":"), ensure_ascii=False
            ).encode()
            digest = hashlib.sha256(canonical).hexdigest()
            found.append((pk, number, kind, checksum, digest, digest == checksum))
        return found

    def wait_run(
        self, run: int, limit: float, *, sweep: bool
    ) -> tuple[str, float, int]:
        """Wait for the run to finish, sending the beat sweep every SWEEP_EVERY
        seconds if `sweep`: its last status, the seconds waited, sweeps sent."""
        started = time.monotonic()
        next_sweep, sweeps = started, 0
        status = self.run_status(run)
        while time.monotonic() - started < limit:
            status = self.run_status(run)
            if status in ("done", "failed"):
                break
            if sweep and time.monotonic() >= next_sweep:
                self.stack.step("sweep")
                sweeps += 1
                next_sweep += SWEEP_EVERY
            time.sleep(0.2)
        return status, time.monotonic() - started, sweeps

    def all_pages(self) -> dict[str, Response]:
        return {url: self.anon.get(url) for url in self.pages()}


def statuses(answers: dict[str, Response]) -> str:
    return ", ".join(f"{url} {r.brief()} ({r.ms:.0f} ms)" for url, r in answers.items())


SWEPT = re.compile(r"recompute_waiting\[[^\]]+\] succeeded in [0-9.]+s: (\d+)")


def log_mark(stack: Stack) -> int:
    assert stack.worker is not None
    return stack.worker.log.stat().st_size


def swept_since(stack: Stack, mark: int) -> list[int]:
    """What each beat sweep the worker ran since `mark` returned: how many runs
    it re-enqueued (Celery logs a task's return value)."""
    assert stack.worker is not None
    with stack.worker.log.open("rb") as log:
        log.seek(mark)
        text = log.read().decode(errors="replace")
    return [int(n) for n in SWEPT.findall(text)]


def time_travel(ctx: Context, run: int) -> str:
    """Today's recovery, later: move the run's clock back past the sweep's
    6-minute cutoff (TIME_LIMIT + 60 s) and send one more sweep."""
    ctx.db.rows(
        "UPDATE scoring_scorerun SET requested_at = requested_at - interval '361 s',"
        " started_at = started_at - interval '361 s' WHERE id = %s",
        [run],
    )
    mark = log_mark(ctx.stack)
    final, waited, _ = ctx.wait_run(run, 30, sweep=True)
    return (
        f"note: with run {run}'s requested_at moved 361 s back (as if 6 minutes"
        f" had passed) the sweep re-enqueued {swept_since(ctx.stack, mark)} and the"
        f" run was '{final}' {waited:.1f} s later: today it completes at the first"
        " beat sweep (every 5 min) after 6 minutes, i.e. 6-11 minutes late"
    )


def unacked(stack: Stack) -> int:
    try:
        return int(stack.broker().hlen("unacked"))
    except Exception:
        return -1
