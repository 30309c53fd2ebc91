"""Deterministic demo data for `seed_demo`: a 2017 cycle for the pilot regions,
one account per role, and each pilot region's submission (see demo.submissions).
Everything made here is marked as demo data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction

from accounts import services as account_services
from accounts.models import Role
from assessments import services
from assessments.models import Cycle, FrameworkVersion
from demo import reviews as reviews_demo
from demo import submissions as submissions_demo
from regions.models import ProgramMembership, Province, Region
from scoring import services as scoring_services
from scoring.models import RegionResult, Release, ScoreRun

DEMO_YEAR = 2017
DEMO_FRAMEWORK = "GM100SC-2017"
DEMO_CYCLE_NAME = "Demo GM100SC 2017"
JAKARTA = ZoneInfo("Asia/Jakarta")
# Home provinces of the demo reviewers, for the conflict-of-interest rule.
REVIEWER_PROVINCES = ("31", "32", "33", "35", "73", "51")


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: Role
    region: Region | None = None


def _at(day: date) -> datetime:
    return datetime.combine(day, time(23, 59), tzinfo=JAKARTA)


@transaction.atomic
def seed(*, password: str, today: date) -> tuple[Cycle, list[DemoAccount]]:
    """Create or reset the demo cycle and accounts; the same day gives the same data.

    The cycle opened a week before `today`, so officials can submit right away.
    """
    framework = FrameworkVersion.objects.get(code=DEMO_FRAMEWORK)
    pilot_codes = list(
        ProgramMembership.objects.active()
        .filter(year=DEMO_YEAR, confirmed=True)
        .order_by("region_id")
        .values_list("region_id", flat=True)
    )
    previous = Cycle.objects.filter(name=DEMO_CYCLE_NAME, is_demo=True)
    Release.objects.filter(cycle__in=previous).delete()  # demo data only
    RegionResult.objects.filter(cycle__in=previous).delete()
    ScoreRun.objects.filter(cycle__in=previous).delete()
    reviews_demo.reset(previous)
    submissions_demo.reset(previous)
    previous.delete()
    cycle = services.create_cycle(
        year=DEMO_YEAR,
        name=DEMO_CYCLE_NAME,
        framework=framework,
        submissions_open=datetime.combine(
            today - timedelta(days=7), time(8), tzinfo=JAKARTA
        ),
        submissions_close=_at(today + timedelta(days=30)),
        reviews_close=_at(today + timedelta(days=60)),
        appeals_close=_at(today + timedelta(days=75)),
        region_codes=pilot_codes,
        is_demo=True,
    )

    accounts = [DemoAccount("admin", Role.ADMIN)]
    provinces = Province.objects.in_bulk(list(REVIEWER_PROVINCES))
    for number, province_code in enumerate(REVIEWER_PROVINCES, start=1):
        accounts.append(DemoAccount(f"reviewer{number}", Role.REVIEWER))
        account_services.create_user(
            username=f"reviewer{number}",
            password=password,
            role=Role.REVIEWER,
            home_province=provinces.get(province_code),
            is_demo=True,
        )
    admin = account_services.create_user(
        username="admin", password=password, role=Role.ADMIN, is_demo=True
    )
    officials = {}
    for region in Region.objects.filter(code__in=pilot_codes).order_by("code"):
        username = f"official-{region.code.replace('.', '')}"
        officials[region.code] = account_services.create_user(
            username=username,
            password=password,
            role=Role.OFFICIAL,
            region=region,
            is_demo=True,
        )
        accounts.append(DemoAccount(username, Role.OFFICIAL, region))
    submissions_demo.seed(
        cycle, officials, DEMO_YEAR, at=datetime.combine(today, time(9), tzinfo=JAKARTA)
    )
    reviews_demo.seed(cycle, admin)
    if reviews_demo.filled(cycle):
        scoring_services.publish(cycle=cycle, final=False, by=admin)
    return cycle, accounts
