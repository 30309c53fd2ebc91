"""`make faults`: the app under four faults, on throwaway services (a
development tool, see faults/README.md).

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

import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from faults.checks import (  # noqa: E402
    check_postgres_restart,
    check_redis_down,
    check_upload_volume_full,
    check_worker_killed,
)
from faults.context import (  # noqa: E402
    RUN_LIMIT,
    Context,
    Db,
    Interrupted,
    Report,
    RunTimeout,
    say,
)
from faults.stack import Stack, wait_for  # noqa: E402
from faults.web import Client  # noqa: E402

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
                stack.wait_worker_idle()
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
