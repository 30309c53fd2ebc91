"""A real Celery worker, consuming from Redis, reads uploads stored in PostgreSQL."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from submissions import services, tasks
from submissions.models import DocumentType, StoredFile
from tests.submissions.conftest import upload_of

pytestmark = [
    pytest.mark.requires_postgres,
    pytest.mark.requires_redis,
    pytest.mark.django_db(transaction=True),
]


def wait_until_final(file_id: int, seconds: float = 60) -> StoredFile:
    deadline = time.monotonic() + seconds
    while True:
        stored = StoredFile.objects.get(pk=file_id)
        if stored.is_final:
            return stored
        assert time.monotonic() < deadline, f"not processed in {seconds} s"
        time.sleep(0.2)


@pytest.fixture
def workspace(committed_data, cycle, official):
    return services.workspace_for(official, cycle)


def test_an_upload_is_read_by_a_real_worker_after_commit(
    redis_worker, workspace, official, masterplan_pdf
):
    version = services.upload_document(
        submission=workspace,
        user=official,
        uploaded=upload_of(masterplan_pdf),
        doc_type=DocumentType.MASTERPLAN,
    )

    stored = wait_until_final(version.file_id)

    assert stored.status == StoredFile.Status.DONE
    assert stored.page_count == 3
    assert stored.prescreen["vision_mission"] == [3]
    assert stored.pages.count() == 3


def test_lost_jobs_are_requeued_and_an_unreadable_file_is_flagged(
    redis_worker, workspace, official, masterplan_pdf
):
    version = services.upload_document(
        submission=workspace,
        user=official,
        uploaded=upload_of(masterplan_pdf),
        doc_type=DocumentType.MASTERPLAN,
    )
    wait_until_final(version.file_id)
    # As if the job had been lost and the file damaged on disk since.
    StoredFile.objects.filter(pk=version.file_id).update(
        status=StoredFile.Status.QUEUED,
        status_changed_at=timezone.now() - timedelta(hours=1),
    )
    with open(version.file.file.path, "wb") as damaged:
        damaged.write(b"%PDF-1.7\nnot a pdf at all")

    assert tasks.requeue_waiting_files() == 1

    stored = wait_until_final(version.file_id)
    assert stored.status == StoredFile.Status.NEEDS_ATTENTION
    assert stored.status_reason == StoredFile.Reason.UNREADABLE
    assert stored.attempts == 2
