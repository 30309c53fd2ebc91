"""CI's secret scan: detect-secrets over every tracked file, compared with the
reviewed findings in .secrets.baseline (placeholders such as
`smtp+tls://user:password@…` and the test suite's throwaway passwords).

A finding that is not in the baseline fails the build. Compared by file and
hashed secret, not by line number, so moving code does not fail it. After
reviewing a new finding that is not a secret:
    .venv/bin/detect-secrets scan $(git ls-files | grep -v '^.secrets.baseline$') > .secrets.baseline
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def findings(report: dict) -> set[tuple[str, str, str]]:
    return {
        (name, secret["type"], secret["hashed_secret"])
        for name, secrets in report["results"].items()
        for secret in secrets
    }


def main() -> int:
    files = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    files = [name for name in files if name != ".secrets.baseline"]  # hashes only
    scan = subprocess.run(
        [str(Path(sys.executable).parent / "detect-secrets"), "scan", *files],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    known = findings(json.loads((ROOT / ".secrets.baseline").read_text()))
    new = sorted(findings(json.loads(scan.stdout)) - known)
    for name, kind, _hashed in new:
        print(f"possible secret: {name} ({kind})")
    print(f"secret scan: {len(files)} files, {len(new)} new finding(s)")
    return 1 if new else 0


if __name__ == "__main__":
    raise SystemExit(main())
