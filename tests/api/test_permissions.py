"""Who gets what from API v1: role x endpoint -> status. Without credentials
401; outside the caller's scope 404; allowed to see but not to do, 403."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.models import Role
from accounts.services import create_user
from api import tokens

pytestmark = pytest.mark.django_db


def as_(user, scope: str = "write") -> Client:
    if user is None:
        return Client()
    _token, raw = tokens.issue(user=user, name="matrix", scope=scope)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


@pytest.fixture
def people(panel, official, other_official, admin_user, other_submission):
    outsider = create_user(username="rev-out", password="pw-x-1", role=Role.REVIEWER)
    return {
        "anonymous": None,
        "official": official,
        "other official": other_official,
        "lead reviewer": panel[0].reviewer,
        "unassigned reviewer": outsider,
        "admin": admin_user,
    }


def test_the_permission_matrix(people, panel, submission):
    review = panel[0]
    urls = {
        "own submission": f"/api/v1/submissions/{submission.pk}/",
        "assignments": "/api/v1/assignments/",
        "review": f"/api/v1/reviews/{review.pk}/",
        "regions": "/api/v1/regions/36.74/",
    }
    expected = {
        "anonymous": {
            "own submission": 401,
            "assignments": 401,
            "review": 401,
            "regions": 200,
        },
        "official": {
            "own submission": 200,
            "assignments": 200,
            "review": 404,
            "regions": 200,
        },
        "other official": {
            "own submission": 404,
            "assignments": 200,
            "review": 404,
            "regions": 200,
        },
        "lead reviewer": {
            "own submission": 200,
            "assignments": 200,
            "review": 200,
            "regions": 200,
        },
        "unassigned reviewer": {
            "own submission": 200,
            "assignments": 200,
            "review": 404,
            "regions": 200,
        },
        "admin": {
            "own submission": 200,
            "assignments": 200,
            "review": 200,
            "regions": 200,
        },
    }
    got = {
        who: {name: as_(user).get(url).status_code for name, url in urls.items()}
        for who, user in people.items()
    }
    assert got == expected


def test_only_the_regions_official_uploads(people, submission, masterplan_pdf):
    # The panel's submission is submitted, hence locked: its own official is
    # refused with 400 (the reason), everyone else before that.
    url = f"/api/v1/submissions/{submission.pk}/documents/"
    statuses = {}
    for who, user in people.items():
        with masterplan_pdf.open("rb") as handle:
            statuses[who] = (
                as_(user).post(url, {"file": handle, "kind": "masterplan"}).status_code
            )
    assert statuses == {
        "anonymous": 401,
        "official": 400,
        "other official": 404,
        "lead reviewer": 403,
        "unassigned reviewer": 403,
        "admin": 403,
    }
