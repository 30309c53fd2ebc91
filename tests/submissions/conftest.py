from __future__ import annotations

import hashlib
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import Role
from accounts.services import create_user
from assessments import services as assessment_services
from assessments.models import Cycle, FrameworkVersion
from regions.models import Region
from submissions import services
from submissions.models import Submission
from tests.submissions import samples

TANGSEL, TANGERANG = "36.74", "36.71"
MASTERPLAN_PAGES = [
    "Masterplan Smart City Kota Tangerang Selatan",
    "BAB II Analisis Kondisi Saat Ini",
    "Visi dan Misi",
]


@pytest.fixture(autouse=True)
def media(settings, tmp_path: Path) -> Path:
    """Uploads and their temporary files go to this test's own folders."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "upload-tmp")
    (tmp_path / "upload-tmp").mkdir()
    return settings.MEDIA_ROOT


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.fixture
def cycle(db) -> Cycle:
    now = timezone.now()
    return assessment_services.create_cycle(
        year=2017,
        name="Test cycle 2017",
        framework=FrameworkVersion.objects.get(code="GM100SC-2017"),
        submissions_open=now - timedelta(days=1),
        submissions_close=now + timedelta(days=10),
        reviews_close=now + timedelta(days=20),
        appeals_close=now + timedelta(days=30),
        region_codes=[TANGSEL, TANGERANG],
    )


@pytest.fixture
def other_official(db):
    return create_user(
        username="official-3671",
        password="pw-official-2",
        role=Role.OFFICIAL,
        region=Region.objects.get(code=TANGERANG),
    )


@pytest.fixture
def reviewer(db):
    return create_user(username="reviewer-a", password="pw-r", role=Role.REVIEWER)


@pytest.fixture
def admin_user(db):
    return create_user(username="admin-a", password="pw-a", role=Role.ADMIN)


@pytest.fixture
def submission(cycle, official) -> Submission:
    return services.workspace_for(official, cycle)


@pytest.fixture
def other_submission(cycle, other_official) -> Submission:
    return services.workspace_for(other_official, cycle)


def upload_of(path: Path, name: str | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name or path.name, path.read_bytes())


@pytest.fixture
def masterplan_pdf(tmp_path: Path) -> Path:
    return samples.good_pdf(tmp_path / "masterplan.pdf", pages=MASTERPLAN_PAGES)
