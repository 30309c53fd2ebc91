from __future__ import annotations

import pytest

from accounts.models import Role
from accounts.services import create_user
from regions.models import Province
from reviews import services
from submissions import services as submission_services
from submissions.models import DocumentType
from tests.submissions.conftest import upload_of


def make_reviewer(username: str, province: str | None = "31"):
    return create_user(
        username=username,
        password="pw-reviewer-1",
        role=Role.REVIEWER,
        home_province=Province.objects.get(code=province) if province else None,
    )


@pytest.fixture
def submitted(submission, official, masterplan_pdf):
    """Kota Tangerang Selatan's submission with a read masterplan, submitted."""
    version = submission_services.upload_document(
        submission=submission,
        user=official,
        uploaded=upload_of(masterplan_pdf),
        doc_type=DocumentType.MASTERPLAN,
    )
    submission_services.process_stored_file(version.file_id)
    submission_services.submit(submission=submission, user=official)
    submission.refresh_from_db()
    return submission


@pytest.fixture
def panel(submitted, admin_user):
    """Three reviewers assigned to Kota Tangerang Selatan; the first leads."""
    reviewers = [
        make_reviewer(f"rev-{n}", province)
        for n, province in enumerate(["31", "32", "33"], start=1)
    ]
    return [
        services.assign(
            cycle=submitted.cycle,
            region=submitted.region,
            reviewer=reviewer,
            by=admin_user,
        )
        for reviewer in reviewers
    ]


def pilot_cycle():
    """A cycle of the 25 confirmed 2017 pilot regions, open for reviews."""
    from datetime import timedelta

    from django.utils import timezone

    from assessments.models import FrameworkVersion
    from assessments.services import create_cycle
    from regions.models import ProgramMembership

    now = timezone.now()
    return create_cycle(
        year=2017,
        name="Pilot 2017",
        framework=FrameworkVersion.objects.get(code="GM100SC-2017"),
        submissions_open=now - timedelta(days=1),
        submissions_close=now + timedelta(days=10),
        reviews_close=now + timedelta(days=20),
        appeals_close=now + timedelta(days=30),
        region_codes=list(
            ProgramMembership.objects.active()
            .filter(year=2017, confirmed=True)
            .values_list("region_id", flat=True)
        ),
    )
