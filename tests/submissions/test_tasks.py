"""The reading job's own behaviour, run in-process."""

from pathlib import Path

import pytest

from submissions import services, tasks
from submissions.models import DocumentType, StoredFile
from tests.submissions.conftest import upload_of


@pytest.mark.django_db
def test_a_file_store_that_stays_away_is_retried_then_flagged(
    submission, official, masterplan_pdf, celery_retries_in_process
):
    version = services.upload_document(
        submission=submission,
        user=official,
        uploaded=upload_of(masterplan_pdf),
        doc_type=DocumentType.MASTERPLAN,
    )
    Path(version.file.file.path).unlink()  # as if the storage were unmounted

    # In-process: each retry runs at once instead of after its backoff.
    result = tasks.process_file.apply(args=[version.file_id], throw=False)

    assert result.get() == StoredFile.Status.NEEDS_ATTENTION
    stored = StoredFile.objects.get(pk=version.file_id)
    assert stored.status_reason == StoredFile.Reason.UNAVAILABLE
    assert stored.attempts == tasks.process_file.max_retries + 1
