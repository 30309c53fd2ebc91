from __future__ import annotations

import pytest

from accounts.models import Role
from accounts.services import create_user
from notifications.models import Kind, Notification

REGION = "Kota Tangerang Selatan"
CYCLE = "Siklus 2017"
# 10:00 UTC is 17:00 in Jakarta (the site's time zone).
DUE = "2017-12-20T10:00:00+00:00"

PARAMS = {
    Kind.ASSIGNED: {"region": REGION, "cycle": CYCLE},
    Kind.REVISION_REQUESTED: {
        "region": REGION,
        "cycle": CYCLE,
        "indicators": ["BP-GOV-01", "PR-ECO-02"],
        "due": DUE,
    },
    Kind.REVIEWS_COMPLETE: {"region": REGION, "cycle": CYCLE, "flagged": 2},
    Kind.APPEAL_FILED: {"region": REGION, "cycle": CYCLE, "indicator": "PR-ECO-02"},
    Kind.APPEAL_DECIDED: {
        "region": REGION,
        "cycle": CYCLE,
        "indicator": "PR-ECO-02",
        "outcome": "upheld",
    },
}


def make(user, kind: str = Kind.ASSIGNED, **fields) -> Notification:
    """A notification row as `notify` writes it, without queueing an e-mail."""
    fields.setdefault("params", PARAMS[kind])
    return Notification.objects.create(user=user, kind=kind, **fields)


@pytest.fixture
def reviewer(db):
    return create_user(
        username="reviewer-n",
        password="pw-reviewer",
        role=Role.REVIEWER,
        email="reviewer@example.go.id",
    )


@pytest.fixture
def admin_user(db):
    return create_user(
        username="admin-n",
        password="pw-admin",
        role=Role.ADMIN,
        email="admin@example.go.id",
    )
