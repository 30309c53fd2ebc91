"""SQLite's locking (the demo database): the cases live in sqlite_locking.py.

On SQLite they are collected here; on PostgreSQL (CI) one test runs them in a
child pytest on SQLite (DATABASE_URL unset), so they run under CI instead of
skipping."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ON_SQLITE = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
CASES = Path(__file__).with_name("sqlite_locking.py")

if ON_SQLITE:
    from tests.reviews.sqlite_locking import *  # noqa: F403 (collected here)
else:

    def test_sqlite_locking_cases_pass_in_an_sqlite_process():
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in ("DATABASE_URL", "CI")
        }
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                "-q",
                "-p",
                "no:cacheprovider",
                str(CASES),
            ],
            cwd=settings.BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
        assert re.search(r"\b2 passed", result.stdout), result.stdout[-2000:]
