from __future__ import annotations

import zlib
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from accounts.models import Role
from accounts.services import create_user
from assessments import services as assessment_services
from assessments.models import Cycle, FrameworkVersion, Indicator
from regions.models import Region
from reviews.models import Answer, Review


def reviewers(count: int = 3) -> list[User]:
    return [
        create_user(username=f"scorer-{n}", password="pw-s-1", role=Role.REVIEWER)
        for n in range(1, count + 1)
    ]


def level_for(region: str, indicator: int, reviewer: int) -> int:
    return 1 + zlib.crc32(f"{region}:{indicator}:{reviewer}".encode()) % 5


def scored_cycle(
    region_codes: list[str],
    *,
    name: str = "Scored 2017",
    people: list[User] | None = None,
    year: int = 2017,
) -> Cycle:
    """A cycle whose regions each have a submitted review by each of `people`
    (default: three reviewers), every indicator answered (bulk-made: what the
    reviews app would have stored)."""
    now = timezone.now()
    cycle = assessment_services.create_cycle(
        year=year,
        name=name,
        framework=FrameworkVersion.objects.get(code="GM100SC-2017"),
        submissions_open=now - timedelta(days=1),
        submissions_close=now + timedelta(days=10),
        reviews_close=now + timedelta(days=20),
        appeals_close=now + timedelta(days=30),
        region_codes=region_codes,
    )
    if people is None:
        people = (
            list(User.objects.filter(username__startswith="scorer-").order_by("pk")[:3])
            or reviewers()
        )
    reviews = Review.objects.bulk_create(
        Review(
            cycle=cycle,
            region_id=code,
            reviewer=person,
            status=Review.Status.SUBMITTED,
            is_lead=n == 0,
        )
        for code in region_codes
        for n, person in enumerate(people)
    )
    indicators = list(
        Indicator.objects.filter(framework=cycle.framework).values_list("pk", flat=True)
    )
    Answer.objects.bulk_create(
        Answer(
            review=review,
            indicator_id=pk,
            level=level_for(review.region_id, pk, review.reviewer_id),
        )
        for review in reviews
        for pk in indicators
    )
    return cycle


def codes(count: int) -> list[str]:
    return list(Region.objects.order_by("code").values_list("code", flat=True)[:count])


@pytest.fixture
def small_cycle(db) -> Cycle:
    return scored_cycle(["36.71", "36.74", "32.73", "31.71", "35.78"])
