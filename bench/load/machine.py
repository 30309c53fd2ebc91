"""The machine: CPU accounting from /proc, PostgreSQL and Redis on loopback."""

from __future__ import annotations

import os
import platform
import re
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from bench.load.config import LOOPBACK, REDIS_DB

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
