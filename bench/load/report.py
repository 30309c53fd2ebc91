"""The figures: the table per operation, CPU, lost saves, bench/last.json."""

from __future__ import annotations

import itertools
import json
import math
import os
from collections import Counter

from bench.load.config import CPU_USERS, OPERATIONS, ROOT


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
