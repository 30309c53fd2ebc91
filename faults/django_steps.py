"""What the fault checks do inside the app, each in a child process as a
`manage.py shell -c` would, against the throwaway services (environment set by
faults/stack.py). Prints one JSON line.

    prepare          migrate, regions, framework, cycles, a release, two users
    request CYCLE    scoring.services.request_recompute, as the web does
    sweep            send scoring.tasks.recompute_waiting, as beat does
"""

from __future__ import annotations

import json
import os
import secrets
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartcity.settings")


def prepare() -> dict:
    from django.core.management import call_command

    for command in ("migrate", "load_regions", "load_framework"):
        call_command(command, verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)

    from accounts.models import Role
    from accounts.services import create_user
    from regions.models import Region
    from scoring import services
    from submissions.services import workspace_for
    from tests.scoring.conftest import scored_cycle

    codes = list(Region.objects.order_by("code").values_list("code", flat=True))
    big = scored_cycle(codes, name="Faults: every region")
    release = services.publish(cycle=big, final=False)
    redis_cycle = scored_cycle(codes[:5], name="Faults: Redis")
    postgres_cycle = scored_cycle(codes[5:10], name="Faults: PostgreSQL")
    password = secrets.token_urlsafe(16)
    create_user(username="faults-admin", password=password, role=Role.ADMIN)
    official = create_user(
        username="faults-official",
        password=password,
        role=Role.OFFICIAL,
        region=Region.objects.get(code=codes[0]),
    )
    submission = workspace_for(official, redis_cycle)
    assert submission is not None
    return {
        "regions": len(codes),
        "big_cycle": big.pk,
        "release": release.pk,
        "redis_cycle": redis_cycle.pk,
        "postgres_cycle": postgres_cycle.pk,
        "submission": submission.pk,
        "admin": "faults-admin",
        "official": "faults-official",
        "password": password,
    }


def request(cycle: str) -> dict:
    from scoring import services

    run = services.request_recompute(int(cycle), "fault check")
    return {"run": run.pk, "status": run.status}


def sweep() -> dict:
    from scoring.tasks import recompute_waiting

    recompute_waiting.delay()
    return {"sent": True}


def main() -> None:
    import django

    django.setup()
    command, *args = sys.argv[1:]
    steps = {"prepare": prepare, "request": request, "sweep": sweep}
    sys.stdout.write(json.dumps(steps[command](*args)) + "\n")


if __name__ == "__main__":
    main()
