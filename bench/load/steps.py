"""Setup, verification and the autosave query count: child processes with Django
(`python -m bench.load --prepare|--verify|--queries WORKDIR`)."""

from __future__ import annotations

import io
import json
import secrets
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

from bench.load.config import ROOT

# Setup and verification (child processes with Django) -----------------------


def prepare(workdir: Path, reviewers: int) -> None:
    """Migrate, load regions and framework, publish a release of every region
    (2017), and open a 2018 cycle under review whose first `reviewers` regions
    have submitted, each assigned to its own reviewer; write what the clients
    need to workdir/setup.json."""
    import django

    django.setup()
    from datetime import timedelta

    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.utils import timezone

    # collectstatic: the pages need the manifest of the production settings,
    # built here in the run's own STATIC_ROOT instead of relying on a leftover.
    for command in ("migrate", "load_regions", "load_framework"):
        call_command(command, verbosity=0, stdout=io.StringIO())
    call_command("collectstatic", verbosity=0, interactive=False)
    from accounts.models import Role
    from accounts.services import create_user
    from assessments.services import create_cycle
    from regions.models import Region
    from reviews import services as review_services
    from scoring import services as scoring_services
    from submissions.models import Submission
    from tests.scoring.conftest import scored_cycle

    codes = list(Region.objects.order_by("code").values_list("code", flat=True))
    published = scored_cycle(codes, name="Load 2017")
    release = scoring_services.publish(cycle=published, final=False)

    # Submissions closed yesterday, reviews close in 20 days: the review phase.
    now = timezone.now()
    step = max(len(codes) // reviewers, 1)
    regions = codes[::step][:reviewers]
    cycle = create_cycle(
        year=2018,
        name="Load 2018",
        framework=published.framework,
        submissions_open=now - timedelta(days=30),
        submissions_close=now - timedelta(days=1),
        reviews_close=now + timedelta(days=20),
        appeals_close=now + timedelta(days=30),
        region_codes=regions,
    )
    Submission.objects.bulk_create(
        Submission(
            cycle=cycle,
            region_id=code,
            status=Submission.Status.SUBMITTED,
            submitted_at=now - timedelta(days=2),
        )
        for code in regions
    )
    # password=None: an unusable password, no hashing; then one PBKDF2 hash
    # (0.4 s) is shared by all, instead of one per user.
    by = create_user(username="load-admin", password=None, role=Role.ADMIN)
    password = secrets.token_urlsafe(16)
    reviews = []
    for n, code in enumerate(regions, start=1):
        user = create_user(
            username=f"load-reviewer-{n:02d}",
            password=None,
            role=Role.REVIEWER,
            email=f"load-reviewer-{n:02d}@example.invalid",
        )
        review = review_services.assign(
            cycle=cycle,
            region=Region.objects.get(code=code),
            reviewer=user,
            by=by,
            is_lead=True,
        )
        reviews.append((review.pk, user.username))
    User.objects.filter(username__startswith="load-reviewer-").update(
        password=make_password(password)
    )
    from django.core.cache import cache

    from dashboards.services import published as rendering
    from dashboards.services import scores

    # The worker renders the release after publication (the job queued on
    # commit above); the run waits for its last part, the English score rows.
    rendered = cache.make_key(rendering.key(release, scores.ROWS_PART, "en"))
    (workdir / "setup.json").write_text(
        json.dumps(
            {
                "rendered_key": rendered,
                "release": release.pk,
                "year": published.year,
                "regions": [r["region"] for r in release.content["regions"]],
                "indicators": published.framework.indicators.count(),
                "reviews": reviews,
                "password": password,
            }
        )
    )


def verify(workdir: Path) -> None:
    """Compare each review in the database with its last acknowledged save
    (workdir/acks.json); write the findings to workdir/verified.json."""
    import django

    django.setup()
    from reviews.models import Answer, Review

    acks = {
        int(pk): ack
        for pk, ack in json.loads((workdir / "acks.json").read_text()).items()
    }
    versions = dict(Review.objects.filter(pk__in=acks).values_list("pk", "version"))
    stored: dict[int, dict[int, list]] = defaultdict(dict)
    for review, indicator, level, no_evidence, comment in Answer.objects.filter(
        review_id__in=acks
    ).values_list("review_id", "indicator_id", "level", "no_evidence", "comment"):
        stored[review][indicator] = [level, no_evidence, comment]
    blank = [None, False, ""]  # what an untouched indicator reads as
    problems = []
    for pk, ack in sorted(acks.items()):
        last = ack["versions"][-1] if ack["versions"] else 0  # 0: never saved
        if versions.get(pk) != last:
            problems.append(
                (
                    pk,
                    f"version {versions.get(pk)} in the database, last acknowledged {last}",
                )
            )
        expected = {int(i): answer for i, answer in ack["answers"].items()}
        for indicator in sorted(expected.keys() | stored[pk].keys()):
            found = stored[pk].get(indicator, blank)
            if found != expected.get(indicator, blank):
                problems.append(
                    (
                        pk,
                        f"indicator {indicator}: {found} in the database, last"
                        f" acknowledged {expected.get(indicator, blank)}",
                    )
                )
    lost = sorted({pk for pk, _ in problems})
    (workdir / "verified.json").write_text(
        json.dumps(
            {
                "problems": [f"review {pk}: {text}" for pk, text in problems],
                "reviews": lost,
            }
        )
    )


# Statements that only open or close a transaction (PostgreSQL logs neither).
CONTROL = ("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE SAVEPOINT")


def queries(workdir: Path) -> None:
    """Count the queries of one autosave through the real view (the first
    reviewer's review, after the run and its verification): a first save and
    a steady-state one that changes every level; write workdir/queries.json."""
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from assessments.models import Indicator
    from reviews.models import Review

    pk, _username = json.loads((workdir / "setup.json").read_text())["reviews"][0]
    review = Review.objects.select_related("cycle", "reviewer").get(pk=pk)
    indicators = Indicator.objects.filter(framework_id=review.cycle.framework_id)
    ids = list(indicators.values_list("pk", flat=True))
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(review.reviewer)
    counts = []
    for level in ("2", "3"):
        review.refresh_from_db(fields=["version"])
        data = {"version": str(review.version)} | {f"level-{i}": level for i in ids}
        with CaptureQueriesContext(connection) as captured:
            response = client.post(f"/reviews/{pk}/save/", data)
        if response.status_code != 200:
            raise SystemExit(f"autosave for the query count: {response.status_code}")
        counts.append(
            sum(
                1 for q in captured.captured_queries if not q["sql"].startswith(CONTROL)
            )
        )
    (workdir / "queries.json").write_text(
        json.dumps({"first": counts[0], "steady": counts[1]})
    )


def django_step(step: str, workdir: Path, env: dict[str, str], *extra: str) -> None:
    """Run prepare, verify or queries in a child process with the load environment."""
    subprocess.run(
        [sys.executable, "-m", "bench.load", f"--{step}", str(workdir), *extra],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=300,
    )
