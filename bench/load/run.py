"""The run: servers up, the clients' window, verification, report; `main`."""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import secrets
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from bench.load import __doc__ as package_doc
from bench.load.clients import Clock, client_process
from bench.load.config import (
    BIN,
    DEFAULT_DATABASE_URL,
    DEFAULT_REDIS_URL,
    PAGE_SIZE,
    READER_MIX,
    READER_PROCESSES,
    REVALIDATE,
    environment,
)
from bench.load.machine import (
    admin,
    cpu_busy,
    cpu_seconds,
    cpu_shares,
    loopback_url,
    machine,
    redis_db,
)
from bench.load.report import report, write_figures
from bench.load.servers import (
    children,
    free_port,
    nginx_config,
    start,
    stop,
    wait_ready,
)
from bench.load.steps import django_step

# The run -----------------------------------------------------------------------


def load(
    setup: dict,
    ports: tuple[int, int],
    args: argparse.Namespace,
    servers: tuple[int, int | None],
    worker: int,
    proxy: int | None = None,
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
                **({proxy: "nginx"} if proxy else {}),
                os.getpgrp(): "clients",
            },
        ),
        "workers_seen": len(workers),
        "clients": len(setup["reviews"]) + args.readers,
    }


PHASE_SECONDS = 5.0
SERVERS = (
    "gunicorn",
    "gunicorn (writes)",
    "postgres",
    "redis-server",
    "nginx",
    "Celery worker",
)


def served(outcome: dict, seconds: float) -> dict[str, int]:
    """Successful requests per operation that finished within the window."""
    counts: dict[str, int] = {}
    for part in outcome["parts"]:
        for operation, count in part["in_window"].items():
            counts[operation] = counts.get(operation, 0) + count
    return counts


def server_cpu(outcome: dict) -> float:
    return sum(outcome["cpu"].get(name, 0.0) for name in SERVERS)


def cpu_report(outcome: dict, phases: dict[str, dict], seconds: float) -> None:
    """CPU per request per type (the servers' CPU-seconds: gunicorn, nginx,
    PostgreSQL, Redis, the worker), and the saturation throughput it
    implies on this machine's cores. Reader types each from a short phase
    of that type alone after the window; the autosave from the mixed
    window, less what its readers cost."""
    cores = os.cpu_count() or 1
    print(
        f"\nCPU per request (servers' CPU-s / successful requests; readers each"
        f" from {PHASE_SECONDS:.0f} s of that type alone after the window):"
    )
    print(
        f"{'operation':<18}{'ms CPU':>9}{'saturation req/s':>18}{'measured req/s':>16}"
    )
    per_type = {}
    for operation, phase in phases.items():
        count = served(phase, PHASE_SECONDS).get(operation, 0)
        if not count:
            continue
        per_type[operation] = server_cpu(phase) / count
        print(
            f"{operation:<18}{per_type[operation] * 1000:>9.2f}"
            f"{cores / per_type[operation]:>18.0f}{count / PHASE_SECONDS:>16.1f}"
        )
    counts = served(outcome, seconds)
    readers_cpu = sum(per_type.get(op, 0.0) * n for op, n in counts.items())
    saves = counts.get("autosave", 0)
    if saves:
        autosave = max(server_cpu(outcome) - readers_cpu, 0.0) / saves
        print(
            f"{'autosave (est.)':<18}{autosave * 1000:>9.2f}{cores / autosave if autosave else 0:>18.0f}{saves / seconds:>16.1f}"
        )
    total = sum(counts.values())
    if total:
        mixed = server_cpu(outcome) / total
        print(
            f"{'the mix':<18}{mixed * 1000:>9.2f}{cores / mixed:>18.0f}"
            f"{total / seconds:>16.1f}"
        )
    print(
        f"saturation: {cores} cores / CPU per request, if the servers had the"
        " whole machine (the clients here take their share of it too)"
    )


def wait_rendered(redis, key: str, timeout: float = 600) -> float:
    """Seconds until the worker's render of the release is in the cache: as in
    production, readers come after publication, not during its render."""
    started = time.monotonic()
    while not redis.exists(key):
        if time.monotonic() - started > timeout:
            raise SystemExit(f"the worker did not render the release in {timeout} s")
        time.sleep(0.5)
    return time.monotonic() - started


def main() -> None:
    """Set up, run, verify, clean up, report; exit 1 on any failure."""
    parser = argparse.ArgumentParser(description=package_doc.split("\n")[0])
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
    parser.add_argument(
        "--no-proxy",
        action="store_true",
        help="clients talk to gunicorn directly instead of through nginx with"
        " deploy/nginx.conf (as production runs; the default when nginx is"
        " installed)",
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
    server = writer = worker = proxy = None
    nginx = None if args.no_proxy else shutil.which("nginx")
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
            ports = (port, write_port)
            if nginx:
                listen = free_port()
                config = nginx_config(
                    workdir, listen=listen, reads=port, writes=write_port
                )
                proxy = start(
                    [nginx, "-c", str(config), "-g", "daemon off;"],
                    env,
                    workdir / "nginx.log",
                )
                wait_ready(listen, proxy, workdir / "nginx.log")
                ports = (listen, listen)  # nginx routes the autosaves to writes
            rendered = wait_rendered(redis_db(redis_url), setup["rendered_key"])
            print(
                f"   ready in {time.monotonic() - began:.0f} s (of which {rendered:.0f} s"
                f" waiting for the worker's render); running {args.seconds:.0f} s ...",
                flush=True,
            )
            outcome = load(
                setup,
                ports,
                args,
                (server.pid, writer.pid if writer else None),
                worker.pid,
                proxy.pid if proxy else None,
            )
            phases = {}
            for operation, _share in READER_MIX:
                alone = setup | {"reviews": [], "mix": ((operation, 1.0),)}
                phases[operation] = load(
                    alone,
                    ports,
                    argparse.Namespace(**(vars(args) | {"seconds": PHASE_SECONDS})),
                    (server.pid, writer.pid if writer else None),
                    worker.pid,
                    proxy.pid if proxy else None,
                )
            exited = [
                n
                for n, p in (
                    ("gunicorn", server),
                    ("gunicorn (writes)", writer),
                    ("worker", worker),
                    ("nginx", proxy),
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
            stop(proxy)
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
        (
            "proxy     nginx with deploy/nginx.conf (its cache answers repeated"
            " reads of published data)"
            if nginx
            else "proxy     none: clients talk to gunicorn directly"
        ),
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
        " indicators each; published data rendered by the worker before the"
        " window, nothing else warm",
        f"readers   {mix}; scores pages of {PAGE_SIZE} or all regions (1 in 5);"
        f" If-None-Match on {REVALIDATE:.0%} of repeated URLs",
        f"time      setup {prepared:.0f} s, whole run {time.monotonic() - began:.0f} s",
    ]
    passed = report(header, outcome, verified, args.seconds)
    cpu_report(outcome, phases, args.seconds)
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
