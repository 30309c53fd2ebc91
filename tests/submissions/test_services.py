from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from assessments.models import Indicator, Part
from submissions import services
from submissions.models import (
    Document,
    DocumentType,
    DocumentVersion,
    EvidenceItem,
    PageText,
    StoredFile,
    Submission,
    SubmissionEvent,
)
from tests.submissions import samples
from tests.submissions.conftest import sha256_of, stored_files, upload_of

# Messages are matched in English; the Indonesian ones are tested in test_views.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_messages")]
Status = Submission.Status


class NamedUpload(ContentFile):
    """A file whose name is kept as given (Django's UploadedFile shortens it)."""

    def __init__(self, content: bytes, name: str) -> None:
        super().__init__(content)
        self.name = name


def upload(submission, user, path: Path, **kwargs) -> DocumentVersion:
    kwargs.setdefault("doc_type", DocumentType.MASTERPLAN)
    return services.upload_document(
        submission=submission, user=user, uploaded=upload_of(path), **kwargs
    )


def practice_indicators(cycle, count: int = 2) -> list[Indicator]:
    return list(
        Indicator.objects.filter(framework=cycle.framework, part=Part.PRACTICE)[:count]
    )


def evidence_fields(indicator: Indicator, **changes) -> dict:
    fields = {
        "indicator": indicator,
        "title": "Layanan perizinan daring",
        "description": "",
        "responsible_unit": "Dinas Komunikasi dan Informatika",
        "period_start": timezone.localdate().replace(month=1, day=1),
        "period_end": timezone.localdate().replace(month=12, day=31),
        "output_value": None,
        "outcome_value": None,
        "unit": "",
        "link": "https://tangerangselatankota.go.id/perizinan",
        "is_quick_win": False,
    }
    return fields | changes


def test_an_upload_makes_a_document_with_its_first_version_and_queues_reading(
    submission, official, masterplan_pdf, media, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        version = upload(submission, official, masterplan_pdf, title="Masterplan")

    assert (version.number, version.document.title) == (1, "Masterplan")
    assert version.original_name == "masterplan.pdf"
    stored = version.file
    assert stored.kind == "pdf"
    assert stored.status == StoredFile.Status.QUEUED
    assert stored.sha256 == sha256_of(masterplan_pdf)
    assert stored.size == masterplan_pdf.stat().st_size
    # Stored under a random name without extension, inside MEDIA_ROOT.
    (on_disk,) = stored_files(media)
    assert on_disk.name != "masterplan.pdf"
    assert on_disk.suffix == ""
    assert on_disk.read_bytes() == masterplan_pdf.read_bytes()
    assert len(callbacks) == 1  # the processing job, enqueued after commit
    event = SubmissionEvent.objects.get(action=SubmissionEvent.Action.UPLOADED)
    assert (event.actor, event.detail["version"]) == (official, 1)


def test_a_new_upload_of_a_document_is_a_new_version_and_keeps_the_old_one(
    submission, official, masterplan_pdf, tmp_path
):
    first = upload(submission, official, masterplan_pdf)
    revised = samples.good_pdf(tmp_path / "v2.pdf", pages=["Revisi", "Visi dan Misi"])

    second = upload(submission, official, revised, document=first.document)

    assert second.number == 2
    assert second.document == first.document
    assert list(first.document.versions.values_list("number", flat=True)) == [2, 1]
    assert StoredFile.objects.count() == 2


def test_identical_bytes_are_recognised_and_not_stored_twice(
    submission, other_submission, official, other_official, masterplan_pdf, media
):
    upload(submission, official, masterplan_pdf)

    with pytest.raises(services.SubmissionError, match="identical to version 1"):
        upload(submission, official, masterplan_pdf, doc_type=DocumentType.ANNEX)
    assert DocumentVersion.objects.count() == 1

    # Another region uploading the same bytes gets its own version, same storage.
    upload(other_submission, other_official, masterplan_pdf)
    assert DocumentVersion.objects.count() == 2
    assert StoredFile.objects.count() == 1
    assert len(stored_files(media)) == 1


BAD_FILES = [
    ("exe_renamed_pdf", "setup.pdf", "Only PDF and DOCX"),
    ("exe_pdf_polyglot", "polyglot.pdf", "Only PDF and DOCX"),
    ("truncated_pdf", "cut.pdf", "damaged"),
    ("pdf_without_pages", "nopages.pdf", "damaged"),
    ("password_pdf", "secret.pdf", "password-protected: upload an unprotected copy"),
    ("empty_file", "empty.pdf", "The file is empty"),
    ("html_renamed_pdf", "page.pdf", "Only PDF and DOCX"),
    ("zip_bomb_docx", "bomb.docx", "unsafe"),
    ("too_many_entries_docx", "many.docx", "unsafe"),
    ("docx_with_external_entity", "xxe.docx", "unsafe"),
    ("docx_billion_laughs", "laughs.docx", "unsafe"),
    ("docx_with_malformed_xml", "malformed.docx", "damaged"),
    ("zip_without_document_xml", "nodoc.docx", "damaged"),
    ("broken_zip_docx", "broken.docx", "damaged"),
    ("pdf_renamed_docx", "plan.docx", "Only PDF and DOCX"),
    ("good_pdf", "plan.pdf.exe", "Only PDF and DOCX"),
]


@pytest.mark.parametrize(("builder", "name", "reason"), BAD_FILES)
def test_a_bad_file_is_refused_with_its_reason_and_leaves_nothing(
    submission, official, tmp_path, media, builder, name, reason, english_messages
):
    path = getattr(samples, builder)(tmp_path / name)
    events = SubmissionEvent.objects.count()

    with pytest.raises(services.SubmissionError, match=reason):
        upload(submission, official, path)

    assert not Document.objects.exists()
    assert not StoredFile.objects.exists()
    assert SubmissionEvent.objects.count() == events
    assert stored_files(media) == []


@pytest.mark.parametrize("name", ["x" * 296 + ".pdf", "...", "\x00\x01"])
def test_an_unusable_name_is_refused(
    submission, official, masterplan_pdf, media, name, english_messages
):
    with pytest.raises(services.SubmissionError, match="file name"):
        services.upload_document(
            submission=submission,
            user=official,
            uploaded=NamedUpload(masterplan_pdf.read_bytes(), name),
            doc_type=DocumentType.MASTERPLAN,
        )
    assert not StoredFile.objects.exists()
    assert stored_files(media) == []


def test_a_file_over_the_size_cap_is_refused(
    submission, official, masterplan_pdf, settings, media, english_messages
):
    settings.UPLOAD_MAX_BYTES = 1000

    with pytest.raises(services.SubmissionError, match="larger than 0 MB"):
        upload(submission, official, masterplan_pdf)
    assert stored_files(media) == []


def test_only_the_regions_own_officials_upload(
    submission, other_official, reviewer, masterplan_pdf
):
    for user in (other_official, reviewer):
        with pytest.raises(services.SubmissionError):
            upload(submission, user, masterplan_pdf)
    assert not DocumentVersion.objects.exists()


def test_submitting_locks_the_submission_and_is_audited(
    submission, official, masterplan_pdf
):
    with pytest.raises(services.SubmissionError, match="masterplan"):
        services.submit(submission=submission, user=official)
    upload(submission, official, masterplan_pdf)

    services.submit(submission=submission, user=official)

    submission.refresh_from_db()
    assert submission.status == Status.SUBMITTED
    assert submission.submitted_at
    assert not submission.edit_scope().anything
    with pytest.raises(services.SubmissionError, match="cannot be changed"):
        upload(
            submission,
            official,
            samples.good_pdf(masterplan_pdf.with_name("b.pdf"), pages=["B"]),
        )
    event = submission.events.get(action=SubmissionEvent.Action.TRANSITION)
    assert (event.actor, event.from_status, event.to_status) == (
        official,
        Status.DRAFT,
        Status.SUBMITTED,
    )


def test_nothing_is_submitted_or_changed_after_the_deadline(
    submission, official, masterplan_pdf, cycle
):
    upload(submission, official, masterplan_pdf)
    cycle.submissions_open = timezone.now() - timedelta(days=5)
    cycle.submissions_close = timezone.now() - timedelta(minutes=1)
    cycle.save()

    with pytest.raises(services.SubmissionError, match="deadline"):
        services.submit(submission=submission, user=official)
    with pytest.raises(services.SubmissionError, match="not open"):
        upload(
            submission,
            official,
            samples.good_pdf(masterplan_pdf.with_name("c.pdf"), pages=["C"]),
        )
    submission.refresh_from_db()
    assert submission.status == Status.DRAFT
    assert DocumentVersion.objects.count() == 1  # what was uploaded is kept


def test_evidence_is_saved_with_its_file_and_changes_are_audited(
    submission, official, cycle, tmp_path
):
    indicator = practice_indicators(cycle, 1)[0]
    attachment = samples.good_pdf(tmp_path / "sk.pdf", pages=["Surat Keputusan"])

    item = services.save_evidence(
        submission=submission,
        user=official,
        fields=evidence_fields(indicator, output_value=12, unit="layanan"),
        uploaded=upload_of(attachment),
    )
    services.save_evidence(
        submission=submission,
        user=official,
        fields=evidence_fields(indicator, title="Layanan perizinan terpadu"),
        item=item,
    )

    item.refresh_from_db()
    assert item.title == "Layanan perizinan terpadu"
    assert item.file.sha256 == sha256_of(attachment)  # kept when no new file
    changed = submission.events.get(action=SubmissionEvent.Action.EVIDENCE_CHANGED)
    assert changed.detail["before"]["title"] == "Layanan perizinan daring"


def test_evidence_needs_a_practice_indicator_and_a_link_or_file(
    submission, official, cycle
):
    blueprint = Indicator.objects.filter(
        framework=cycle.framework, part=Part.BLUEPRINT
    ).first()
    with pytest.raises(services.SubmissionError):
        services.save_evidence(
            submission=submission, user=official, fields=evidence_fields(blueprint)
        )
    practice = practice_indicators(cycle, 1)[0]
    with pytest.raises(services.SubmissionError):
        services.save_evidence(
            submission=submission,
            user=official,
            fields=evidence_fields(practice, link=""),
        )
    assert not EvidenceItem.objects.exists()


def test_a_revision_request_reopens_only_the_parts_concerned(
    submission, official, reviewer, cycle, masterplan_pdf
):
    upload(submission, official, masterplan_pdf)
    concerned, untouched = practice_indicators(cycle, 2)
    item = services.save_evidence(
        submission=submission, user=official, fields=evidence_fields(untouched)
    )
    services.submit(submission=submission, user=official)
    services.start_review(submission=submission, user=reviewer)

    services.reopen_for_revision(
        submission=submission,
        user=reviewer,
        items=[(concerned, "Lampirkan SK tim pelaksana.")],
    )

    submission.refresh_from_db()
    scope = submission.edit_scope()
    assert submission.status == Status.REVISION_REQUESTED
    assert not scope.documents
    assert scope.allows_indicator(concerned.pk)
    assert not scope.allows_indicator(untouched.pk)
    with pytest.raises(services.SubmissionError):
        services.save_evidence(
            submission=submission,
            user=official,
            fields=evidence_fields(untouched, title="changed"),
            item=item,
        )
    with pytest.raises(services.SubmissionError):
        upload(
            submission,
            official,
            samples.good_pdf(masterplan_pdf.with_name("d.pdf"), pages=["D"]),
        )
    services.save_evidence(
        submission=submission, user=official, fields=evidence_fields(concerned)
    )

    services.submit(submission=submission, user=official)  # resubmits

    submission.refresh_from_db()
    assert submission.status == Status.RESUBMITTED
    assert submission.open_revision() is None
    transitions = list(
        submission.events.filter(action=SubmissionEvent.Action.TRANSITION).values_list(
            "from_status", "to_status", "actor__username"
        )
    )
    assert transitions == [
        (Status.DRAFT, Status.SUBMITTED, "official-3674"),
        (Status.SUBMITTED, Status.UNDER_REVIEW, "reviewer-a"),
        (Status.UNDER_REVIEW, Status.REVISION_REQUESTED, "reviewer-a"),
        (Status.REVISION_REQUESTED, Status.RESUBMITTED, "official-3674"),
    ]
    reason = submission.events.get(to_status=Status.REVISION_REQUESTED).reason
    assert reason == f"{concerned.code}: Lampirkan SK tim pelaksana."


def test_a_blueprint_indicator_in_a_revision_reopens_the_documents(
    submission, official, reviewer, cycle, masterplan_pdf, tmp_path
):
    version = upload(submission, official, masterplan_pdf)
    services.submit(submission=submission, user=official)
    services.start_review(submission=submission, user=reviewer)
    blueprint = Indicator.objects.filter(
        framework=cycle.framework, part=Part.BLUEPRINT
    ).first()
    services.reopen_for_revision(
        submission=submission, user=reviewer, items=[(blueprint, "Peta jalan kurang.")]
    )
    submission.refresh_from_db()

    revised = samples.good_pdf(tmp_path / "v2.pdf", pages=["Peta Jalan (Roadmap)"])
    assert upload(submission, official, revised, document=version.document).number == 2
    assert not submission.edit_scope().evidence


def test_illegal_transitions_are_refused(submission, official, reviewer):
    with pytest.raises(services.SubmissionError):
        services.start_review(submission=submission, user=reviewer)
    submission.refresh_from_db()
    assert submission.status == Status.DRAFT


def test_processing_reads_pages_and_prescreens_and_is_idempotent(
    submission, official, masterplan_pdf
):
    version = upload(submission, official, masterplan_pdf)

    stored = services.process_stored_file(version.file_id)

    assert stored.status == StoredFile.Status.DONE
    assert stored.page_count == 3
    assert stored.prescreen["baseline"] == [2]
    assert stored.prescreen["vision_mission"] == [3]
    assert stored.prescreen["budget"] == []
    assert list(
        PageText.objects.filter(file=stored).values_list("number", flat=True)
    ) == [1, 2, 3]
    assert services.process_stored_file(version.file_id).attempts == 1  # left as it is


def test_a_file_without_text_needs_attention_with_a_reason(
    submission, official, tmp_path
):
    blank = samples.good_pdf(tmp_path / "scan.pdf", pages=["", ""])
    version = upload(submission, official, blank)

    stored = services.process_stored_file(version.file_id)

    assert stored.status == StoredFile.Status.NEEDS_ATTENTION
    assert stored.status_reason == StoredFile.Reason.NO_TEXT


def test_an_unreadable_file_needs_attention_instead_of_failing(
    submission, official, masterplan_pdf
):
    version = upload(submission, official, masterplan_pdf)
    path = Path(version.file.file.path)
    path.write_bytes(b"%PDF-1.4 garbage")  # damaged on disk after the checks

    stored = services.process_stored_file(version.file_id)

    assert stored.status == StoredFile.Status.NEEDS_ATTENTION
    assert stored.status_reason == StoredFile.Reason.UNREADABLE
    assert stored.status_detail


def test_files_whose_job_was_lost_are_found_for_requeueing(
    submission, official, masterplan_pdf
):
    version = upload(submission, official, masterplan_pdf)
    StoredFile.objects.filter(pk=version.file_id).update(
        status_changed_at=timezone.now() - timedelta(hours=1)
    )

    assert services.waiting_file_ids(older_than_seconds=600) == [version.file_id]
    services.process_stored_file(version.file_id)
    assert services.waiting_file_ids(older_than_seconds=0) == []


def test_a_docx_masterplan_is_read_page_by_page(submission, official, tmp_path):
    from demo.documents import masterplan_docx

    path = tmp_path / "Masterplan.docx"
    path.write_bytes(masterplan_docx("Kota Tangerang Selatan", 2017))
    version = upload(submission, official, path)

    stored = services.process_stored_file(version.file_id)

    assert stored.kind == "docx"
    assert stored.status == StoredFile.Status.DONE
    assert stored.page_count > 10
    assert all(stored.prescreen.values())  # every expected part found
