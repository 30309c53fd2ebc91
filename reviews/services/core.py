"""Shared by the sections: part of reviews.services (see its docstring)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.contrib.auth.models import User
from django.utils import timezone
from django.utils.formats import date_format

from accounts.models import Role
from assessments.models import Cycle
from regions.models import Region
from reviews.models import Review


class ReviewError(Exception):
    """A request the review workflow refuses; `message` is for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class StaleReview(ReviewError):
    """The review changed since this copy was loaded (another tab or person)."""


def _when(moment: datetime) -> str:
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def _admins() -> Iterable[User]:
    return User.objects.filter(groups__name=Role.ADMIN, is_active=True)


def _officials(region: Region) -> Iterable[User]:
    return User.objects.filter(
        groups__name=Role.OFFICIAL, profile__region=region, is_active=True
    )


def _lead(cycle: Cycle, region: Region) -> list[User]:
    return [
        review.reviewer
        for review in Review.objects.filter(
            cycle=cycle, region=region, is_lead=True
        ).select_related("reviewer")
    ]
