"""`make faults`: the app under four faults, on throwaway services.

    .venv/bin/python faults/run.py [--keep]

Starts its own PostgreSQL cluster, Redis, gunicorn and Celery worker on free
loopback ports (faults/stack.py; the machine's PostgreSQL and Redis are left
alone), prepares data in a child process, then:

1. kills the worker (SIGKILL to its process group) in the middle of a
   recompute: the previous results and releases must be intact, and the run
   must finish after the worker restarts, with no manual action;
2. stops Redis: pages and the API must keep answering from the database,
   /readyz must say Redis is down, a scoring request must be recorded, and
   processed once Redis is back;
3. restarts PostgreSQL (`pg_ctl restart -m fast`): pages and the API must
   answer again within 10 s with no process restarted, and the worker must
   still process a recompute;
4. fills the upload volume (a small tmpfs for MEDIA_ROOT and another for
   FILE_UPLOAD_TEMP_DIR; root only, else SKIP): an upload must get a clear
   error, leave no row and no partial file, and work again once there is room.

Beat is not run (its sweep comes every 5 minutes); where a check needs the
sweep it sends `scoring.tasks.recompute_waiting` as beat does, every 10 s.

One line per check (PASS, FAIL or SKIP and what was measured); exits 1 if any
check fails. Everything started is stopped at the end, even on failure or
Ctrl+C, and the whole run is cut at RUN_LIMIT seconds. --keep keeps the
temporary directory with the logs (the servers are still stopped).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import signal
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import psycopg2  # noqa: E402

from faults.stack import Stack, StackError, wait_for  # noqa: E402
from faults.web import Client, Response  # noqa: E402

RUN_LIMIT = 390  # seconds for the whole run, set-up and clean-up included
SWEEP_EVERY = 10  # seconds between the beat sweeps the checks send
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
            " details::text, size_class, rank_national, rank_kind, rank_province,"
            " rank_cohort, rank_size, rank_low, rank_high"
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


# 1. Worker killed in the middle of a recompute ------------------------------


def check_worker_killed(ctx: Context) -> None:
    stack, db, report = ctx.stack, ctx.db, ctx.report
    cycle = ctx.data["big_cycle"]
    regions = ctx.data["regions"]
    before_results = ctx.results(cycle)
    before_releases = ctx.releases()
    # New levels (the lead reviewer's answers mirrored), so that results written
    # by a recompute would differ from the ones published.
    db.rows(
        "UPDATE reviews_answer SET level = 6 - level WHERE level IS NOT NULL"
        " AND review_id IN (SELECT id FROM reviews_review"
        " WHERE cycle_id = %s AND is_lead)",
        [cycle],
    )
    run = stack.step("request", str(cycle))["run"]
    asked = time.monotonic()

    def computing() -> bool:
        status = ctx.run_status(run)
        if status in ("done", "failed"):
            raise StackError(f"run {run} ended '{status}' before the kill")
        return status == "running" and ctx.lock_held(cycle)

    deadline = asked + 30
    while not computing():
        if time.monotonic() > deadline:
            raise StackError(f"run {run} did not start within 30 s")
        time.sleep(0.01)
    seen = time.monotonic()
    assert stack.worker is not None
    stack.worker.kill()
    killed = time.monotonic()
    released = wait_for("the dead worker's lock", lambda: not ctx.lock_held(cycle), 20)
    status = ctx.run_status(run)
    after_results = ctx.results(cycle)
    after_releases = ctx.releases()
    intact = after_results == before_results and after_releases == before_releases
    valid = all(row[-1] for row in after_releases)
    report.check(
        "1a worker killed mid-recompute, previous results and releases intact",
        intact and valid and status == "running",
        f"SIGKILL to the worker's process group {1000 * (killed - seen):.0f} ms"
        f" after run {run} was seen computing (cycle lock held,"
        f" {seen - asked:.1f} s after the request); lock released"
        f" {released:.2f} s later; run left '{status}';"
        f" {after_results[0]} results {before_results[1]} ->"
        f" {after_results[1]} ({'unchanged' if after_results == before_results else 'CHANGED'});"
        f" {len(after_releases)} release(s)"
        f" {'unchanged' if after_releases == before_releases else 'CHANGED'},"
        f" checksums {'valid' if valid else 'INVALID'}",
    )

    stack.start_worker()
    ready = stack.wait_worker_ready()
    mark = log_mark(stack)
    final, waited, sweeps = ctx.wait_run(run, 45, sweep=True)
    new_results = ctx.results(cycle)
    recomputed = (
        final == "done"
        and new_results[0] == regions
        and new_results != before_results
        and ctx.releases() == before_releases
    )
    if recomputed:
        report.check(
            "1b the interrupted recompute completes after the worker restarts",
            True,
            f"worker ready {ready:.1f} s after restart; run {run} 'done'"
            f" {waited:.1f} s later ({sweeps} beat sweep(s) sent);"
            f" {new_results[0]} new results ({new_results[1]}); releases unchanged",
        )
        return
    report.check(
        "1b the interrupted recompute completes after the worker restarts",
        False,
        f"worker ready {ready:.1f} s after restart; run {run} still '{final}'"
        f" {waited:.0f} s later; the {sweeps} beat sweeps sent re-enqueued"
        f" {swept_since(stack, mark)} runs; {unacked(stack)} task message(s) held"
        " unacked in Redis, redelivered only after the broker's visibility"
        " timeout (1 h by default)",
    )
    report.note(time_travel(ctx, run))


# 2. Redis stopped -------------------------------------------------------------


def check_redis_down(ctx: Context) -> None:
    stack, report = ctx.stack, ctx.report
    cycle = ctx.data["redis_cycle"]
    before = ctx.all_pages()
    if any(r.status != 200 for r in before.values()):
        raise StackError(f"pages before stopping Redis: {statuses(before)}")
    stack.stop_redis()
    down_at = time.monotonic()
    latest, recorded = None, False
    try:
        answers = ctx.all_pages()
        report.check(
            "2a Redis down: pages and the API keep serving from the database",
            all(r.status == 200 for r in answers.values()),
            statuses(answers),
        )
        ready = ctx.anon.get("/readyz")
        try:
            checks = json.loads(ready.body)["checks"]
        except (ValueError, KeyError):
            checks = {}
        report.check(
            "2b Redis down: /readyz reports it",
            ready.status == 503
            and checks.get("database") == "ok"
            and checks.get("cache", "ok") != "ok"
            and checks.get("broker", "ok") != "ok",
            f"/readyz {ready.brief()} in {ready.ms:.0f} ms: {json.dumps(checks)}",
        )
        previous = ctx.latest_run(cycle)
        answer = ctx.admin.post("/results/console/recompute/", {"cycle": str(cycle)})
        latest = ctx.latest_run(cycle)
        recorded = latest is not None and latest != previous and latest[1] == "queued"
        report.check(
            "2c Redis down: a scoring request waits in the database",
            answer.status == 302 and recorded,
            f"POST /results/console/recompute/ answered {answer.brief()}"
            f" in {answer.ms:.0f} ms; ScoreRun"
            f" {latest[0] if latest else '-'} recorded"
            f" '{latest[1] if latest else '-'}'",
        )
    finally:
        time.sleep(max(0.0, 5 - (time.monotonic() - down_at)))  # down >= 5 s
        stack.start_redis()
    if not recorded:
        return
    run = latest[0]
    mark = log_mark(stack)
    final, waited, sweeps = ctx.wait_run(run, 90, sweep=True)
    after = ctx.all_pages()
    ready = ctx.anon.get("/readyz")
    report.check(
        "2d Redis back: the waiting request is processed",
        final == "done",
        f"run {run} '{final}' {waited:.1f} s after Redis was restarted"
        f" ({sweeps} beat sweep(s) sent, every {SWEEP_EVERY} s); /readyz"
        f" {ready.brief()}; pages"
        f" {'all 200' if all(r.status == 200 for r in after.values()) else statuses(after)}"
        + (
            ""
            if final == "done"
            else f"; sweeps re-enqueued {swept_since(stack, mark)}"
        ),
    )
    if final != "done":
        report.note(time_travel(ctx, run))


# 3. PostgreSQL restarted -----------------------------------------------------


def boots(stack: Stack) -> int:
    return len(re.findall(r"Booting worker", (stack.logs / "web.log").read_text()))


def check_postgres_restart(ctx: Context) -> None:
    stack, report = ctx.stack, ctx.report
    assert stack.postgres is not None
    assert stack.web is not None
    assert stack.worker is not None
    booted = boots(stack)
    web_pid, worker_pid = stack.web.pid, stack.worker.pid
    during: list[str] = []
    stop = threading.Event()
    probe = Client(stack.web_port, timeout=10)

    def poll() -> None:
        while not stop.is_set():
            during.append(probe.get("/api/v1/releases/").brief())
            time.sleep(0.2)

    poller = threading.Thread(target=poll, daemon=True)
    poller.start()
    try:
        started = time.monotonic()
        stack.postgres.restart()
        back = time.monotonic()
        restart_took = back - started
        answers: dict[str, Response] = {}
        while time.monotonic() - back < 30:
            answers = ctx.all_pages()
            if all(r.status == 200 for r in answers.values()):
                break
            time.sleep(0.5)
        recovered = time.monotonic() - back
    finally:
        stop.set()
        poller.join(timeout=15)
    ok_pages = all(r.status == 200 for r in answers.values())
    same = stack.web.alive() and stack.worker.alive() and boots(stack) == booted
    failed = [s for s in during if s != "200"]
    if ok_pages:
        pages = f"all pages 200 again {recovered:.1f} s after it was back"
    else:
        pages = f"pages still failing 30 s after it was back: {statuses(answers)}"
    report.check(
        "3a PostgreSQL restarted: pages and the API recover by themselves",
        ok_pages and recovered <= RECOVERY_LIMIT and same,
        f"pg_ctl restart -m fast took {restart_took:.1f} s; meanwhile"
        f" {len(failed)}/{len(during)} API requests failed"
        f" ({dict(Counter(failed)) or 'none'}); {pages} (limit {RECOVERY_LIMIT} s);"
        f" gunicorn (pid {web_pid}) and worker (pid {worker_pid})"
        + (" not restarted" if same else " RESTARTED or dead"),
    )
    cycle = ctx.data["postgres_cycle"]
    answer = ctx.admin.post("/results/console/recompute/", {"cycle": str(cycle)})
    latest = ctx.latest_run(cycle)
    if latest is None:
        report.check(
            "3b PostgreSQL restarted: the worker still processes a recompute",
            False,
            f"POST /results/console/recompute/ answered {answer.brief()}; no run",
        )
        return
    final, waited, _ = ctx.wait_run(latest[0], 30, sweep=False)
    report.check(
        "3b PostgreSQL restarted: the worker still processes a recompute",
        answer.status == 302 and final == "done" and stack.worker.alive(),
        f"POST /results/console/recompute/ answered {answer.brief()}; run"
        f" {latest[0]} '{final}' {waited:.1f} s later, by the same worker"
        f" (pid {worker_pid}{'' if stack.worker.alive() else ', DEAD'})",
    )


# 4. Upload volume full -------------------------------------------------------


def fill(directory: Path, leave: int) -> Path:
    """A file taking all the free space of the directory's volume but `leave`."""
    stats = os.statvfs(directory)
    room = stats.f_bavail * stats.f_frsize - leave
    filler = directory / "filler.bin"
    with filler.open("wb") as out:
        while room > 0:
            out.write(b"\0" * min(room, MB))
            room -= MB
    return filler


def files_in(directory: Path) -> dict[str, int]:
    return {
        str(path.relative_to(directory)): path.stat().st_size
        for path in directory.rglob("*")
        if path.is_file() and path.name != "filler.bin"
    }


def check_upload_volume_full(ctx: Context) -> None:
    stack, db, report = ctx.stack, ctx.db, ctx.report
    names = (
        "4a upload volume full (MEDIA_ROOT): clear error, no row, no partial file",
        "4b upload temp dir full (FILE_UPLOAD_TEMP_DIR): clear error, nothing left",
        "4c upload works again once there is room",
    )
    if not stack.mounted:
        for name in names:
            report.check(name, None, stack.mount_error)
        return
    from tests.submissions.samples import large_pdf

    pdf = large_pdf(stack.base / "masterplan.pdf", 3 * MB).read_bytes()
    path = f"/workspace/{ctx.data['submission']}/documents/new/"

    def counts() -> tuple[int, int, int]:
        return tuple(
            db.value(f"SELECT count(*) FROM submissions_{table}")
            for table in ("document", "documentversion", "storedfile")
        )

    def upload(title: str) -> tuple[Response, tuple, dict]:
        before = counts()
        answer = ctx.official.upload(
            path,
            {"doc_type": "masterplan", "title": title},
            "file",
            "masterplan.pdf",
            pdf,
        )
        added = tuple(b - a for a, b in zip(before, counts(), strict=True))
        time.sleep(1)  # what is still there a second later was left behind
        left = {
            f"{where.name}/{name}": size
            for where in (stack.media, stack.upload_tmp)
            for name, size in files_in(where).items()
        }
        return answer, added, left

    def refused(name: str, title: str, fault: str) -> None:
        answer, added, left = upload(title)
        errors = answer.form_errors()
        clear = answer.status in (200, 400, 413, 507) and bool(errors)
        shown = (
            f"form error {errors}"
            if errors
            else "no form error" + (" (a 500 page)" if answer.status == 500 else "")
        )
        report.check(
            name,
            clear and not any(added) and not left,
            f"{fault}; 3 MB PDF upload answered {answer.brief()}, {shown};"
            f" rows added (document, version, stored file) {added};"
            f" files left {left or 'none'}",
        )
        for where in (stack.media, stack.upload_tmp):  # for the next attempt
            for name_ in files_in(where):
                (where / name_).unlink()

    media_filler = fill(stack.media, 64 * 1024)
    refused(names[0], "Full media", "MEDIA_ROOT full but 64 KiB, temp dir free")
    tmp_filler = fill(stack.upload_tmp, 64 * 1024)
    refused(names[1], "Full temp", "temp dir and MEDIA_ROOT full but 64 KiB each")
    media_filler.unlink()
    tmp_filler.unlink()
    answer, added, left = upload("Room again")
    report.check(
        names[2],
        answer.status == 302 and added == (1, 1, 1),
        f"with the fillers removed the same upload answered {answer.brief()};"
        f" rows added {added}; stored {left or 'nothing'}",
    )


# Main ------------------------------------------------------------------------


def _raise(exception: type[BaseException]) -> Callable:
    def handler(signum, frame) -> None:
        raise exception()

    return handler


def main() -> int:
    keep = "--keep" in sys.argv
    started = time.monotonic()
    report = Report()
    signal.signal(signal.SIGALRM, _raise(RunTimeout))
    signal.signal(signal.SIGTERM, _raise(Interrupted))
    signal.signal(signal.SIGINT, _raise(Interrupted))
    signal.alarm(RUN_LIMIT)
    stack = Stack(keep=keep)
    db = None
    try:
        stack.mount_small_volumes(media_size="8m", tmp_size="8m")
        stack.start_services()
        data = stack.step("prepare", timeout=240)
        stack.start_web()
        stack.start_worker()
        anon = Client(stack.web_port)
        wait_for("gunicorn", lambda: anon.get("/healthz").status == 200, 60)
        stack.wait_worker_ready()
        assert stack.postgres is not None
        db = Db(stack.postgres.dsn())
        admin, official = Client(stack.web_port), Client(stack.web_port)
        admin.login(data["admin"], data["password"])
        official.login(data["official"], data["password"])
        say(
            f"     set up in {time.monotonic() - started:.0f} s: PostgreSQL"
            f" :{stack.postgres.port}, Redis :{stack.redis_port}, gunicorn"
            f" :{stack.web_port}, worker; {data['regions']} regions, release"
            f" {data['release']}"
        )
        ctx = Context(stack, db, data, report, anon, admin, official)
        for check in (
            check_worker_killed,
            check_redis_down,
            check_postgres_restart,
            check_upload_volume_full,
        ):
            try:
                stack.ensure_running()
                check(ctx)
            except Exception as error:
                report.check(check.__name__, False, f"aborted: {error!r}")
    except RunTimeout:
        report.check("run", False, f"cut after {RUN_LIMIT} s")
    except Interrupted:
        report.check("run", False, "interrupted")
    except Exception as error:
        report.check("set-up", False, f"{error!r}")
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        if db is not None:
            db.close()
        for problem in stack.close():
            report.check("clean-up", False, problem)
    if report.failed and not keep:
        report.note("(rerun with --keep to keep the logs)")
    elif keep:
        report.note(f"logs kept in {stack.logs}")
    total = time.monotonic() - started
    say(
        f"{'FAIL' if report.failed else 'PASS'} faults: "
        + ", ".join(f"{n} {v}" for v, n in sorted(report.counts.items()))
        + f" in {total:.0f} s"
    )
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main())
