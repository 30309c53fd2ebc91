"""The four fault checks (faults/run.py says what each breaks and expects)."""

from __future__ import annotations

import json
import os
import re
import threading
import time
from collections import Counter
from pathlib import Path

from faults.context import (
    MB,
    QUEUED_FOR,
    RECOVERY_LIMIT,
    SWEEP_EVERY,
    Context,
    log_mark,
    statuses,
    swept_since,
    time_travel,
    unacked,
)
from faults.stack import Stack, StackError, wait_for
from faults.web import Client, Response

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

    # How long the start takes is not what this check measures: the worker is
    # idle (run.py waits for its queue to drain), so only a loaded machine
    # delays it.
    deadline = asked + 120
    while not computing():
        if time.monotonic() > deadline:
            raise StackError(f"run {run} did not start within 120 s")
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
    # A run waiting in the database is re-enqueued once it is QUEUED_FOR old.
    final, waited, sweeps = ctx.wait_run(run, QUEUED_FOR + 90, sweep=True)
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
