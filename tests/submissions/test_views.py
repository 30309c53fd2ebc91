from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from submissions import services
from submissions.models import (
    DocumentType,
    DocumentVersion,
    StoredFile,
    Submission,
)
from tests.submissions import samples
from tests.submissions.conftest import sha256_of, stored_files, upload_of

pytestmark = pytest.mark.django_db


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def filled(submission, official, masterplan_pdf, cycle, tmp_path):
    """A submission with a processed masterplan and one evidence item with a file."""
    from assessments.models import Indicator, Part

    version = services.upload_document(
        submission=submission,
        user=official,
        uploaded=upload_of(masterplan_pdf),
        doc_type=DocumentType.MASTERPLAN,
    )
    services.process_stored_file(version.file_id)
    indicator = Indicator.objects.filter(
        framework=cycle.framework, part=Part.PRACTICE
    ).first()
    item = services.save_evidence(
        submission=submission,
        user=official,
        fields={
            "indicator": indicator,
            "title": "Aplikasi layanan",
            "description": "",
            "responsible_unit": "Diskominfo",
            "period_start": "2017-01-01",
            "period_end": "2017-12-31",
            "output_value": None,
            "outcome_value": None,
            "unit": "",
            "link": "",
            "is_quick_win": True,
        },
        uploaded=upload_of(samples.good_pdf(tmp_path / "bukti.pdf", pages=["Bukti"])),
    )
    return submission, version, item


def urls_of(submission: Submission, version: DocumentVersion, item) -> dict[str, str]:
    pk = submission.pk
    return {
        "detail": reverse("submissions:detail", args=[pk]),
        "upload": reverse("submissions:upload", args=[pk]),
        "document": reverse("submissions:document", args=[pk, version.document_id]),
        "download": reverse("submissions:download", args=[pk, version.pk]),
        "status": reverse("submissions:status", args=[pk, version.pk]),
        "page": reverse("submissions:page", args=[pk, version.pk, 1]),
        "evidence_new": reverse("submissions:evidence_new", args=[pk]),
        "confirm_submit": reverse("submissions:confirm_submit", args=[pk]),
        "evidence_edit": reverse("submissions:evidence_edit", args=[pk, item.pk]),
        "evidence_download": reverse(
            "submissions:evidence_download", args=[pk, item.pk]
        ),
    }


READ_URLS = {"detail", "document", "download", "status", "page", "evidence_download"}
EDIT_URLS = {"upload", "evidence_new", "evidence_edit", "confirm_submit"}


def test_another_regions_official_gets_404_on_every_workspace_url(
    filled, other_official
):
    client = logged_in(other_official)
    for name, url in urls_of(*filled).items():
        assert client.get(url).status_code == 404, name
        assert client.post(url).status_code in (404, 405), name
    submit = reverse("submissions:submit", args=[filled[0].pk])
    assert client.post(submit).status_code == 404
    assert filled[0].events.filter(actor=other_official).count() == 0


def test_visitors_are_sent_to_log_in(filled):
    client = Client()
    for name, url in urls_of(*filled).items():
        response = client.get(url)
        assert response.status_code == 302, name
        assert response.url.startswith(reverse("login")), name


def test_ministry_staff_read_every_submission_but_change_nothing(
    filled, reviewer, admin_user
):
    for user in (reviewer, admin_user):
        client = logged_in(user)
        for name, url in urls_of(*filled).items():
            expected = 200 if name in READ_URLS else 403
            assert client.get(url).status_code == expected, (user, name)
        submit = reverse("submissions:submit", args=[filled[0].pk])
        assert client.post(submit).status_code == 403


def test_the_official_reads_and_changes_their_own_workspace(filled, official):
    client = logged_in(official)
    for name, url in urls_of(*filled).items():
        assert client.get(url).status_code == 200, name


def test_an_official_lands_in_their_workspace(submission, official, other_official):
    response = logged_in(official).get(reverse("submissions:workspace"))
    assert response.url == reverse("submissions:detail", args=[submission.pk])


def test_an_official_of_a_region_outside_the_cycle_is_told_so(cycle, db):
    from accounts.models import Role
    from accounts.services import create_user
    from regions.models import Region

    outsider = create_user(
        username="official-1101",
        password="pw",
        role=Role.OFFICIAL,
        region=Region.objects.get(code="11.01"),
    )
    response = logged_in(outsider).get(reverse("submissions:workspace"))
    assert response.status_code == 200
    assert not Submission.objects.filter(region_id="11.01").exists()


def test_the_ministry_list_costs_the_same_queries_for_more_submissions(
    cycle, reviewer, submission, queries_of, other_submission
):
    client = logged_in(reviewer)
    url = reverse("submissions:workspace")
    few = queries_of(lambda: client.get(url))
    cycle.regions.add(*["36.01", "36.02", "36.03", "36.04"])
    for code in ["36.01", "36.02", "36.03"]:
        Submission.objects.create(cycle=cycle, region_id=code)

    assert queries_of(lambda: client.get(url)) == few
    assert client.get(url).content.decode().count("status-draft") == 5


def test_the_workspace_costs_the_same_queries_for_more_documents(
    filled, official, tmp_path, queries_of
):
    submission, _version, _item = filled
    client = logged_in(official)
    url = reverse("submissions:detail", args=[submission.pk])
    few = queries_of(lambda: client.get(url))
    for number in range(3):
        services.upload_document(
            submission=submission,
            user=official,
            uploaded=upload_of(
                samples.good_pdf(
                    tmp_path / f"a{number}.pdf", pages=[f"Lampiran {number}"]
                )
            ),
            doc_type=DocumentType.ANNEX,
        )
    assert queries_of(lambda: client.get(url)) == few
    assert "a2.pdf" in client.get(url).content.decode()


def test_uploading_through_the_form_shows_the_document(
    submission, official, masterplan_pdf, english_messages
):
    client = logged_in(official)
    with masterplan_pdf.open("rb") as handle:
        response = client.post(
            reverse("submissions:upload", args=[submission.pk]),
            {"doc_type": "masterplan", "title": "Masterplan 2017", "file": handle},
        )
    version = DocumentVersion.objects.get()
    assert response.url == reverse(
        "submissions:document", args=[submission.pk, version.document_id]
    )
    assert version.file.sha256 == sha256_of(masterplan_pdf)


def test_a_refused_upload_says_why_in_indonesian(submission, official, tmp_path, media):
    client = logged_in(official)
    path = samples.password_pdf(tmp_path / "rahasia.pdf")
    with path.open("rb") as handle:
        response = client.post(
            reverse("submissions:upload", args=[submission.pk]),
            {"doc_type": "masterplan", "file": handle},
        )
    assert response.status_code == 400
    assert "dilindungi kata sandi" in response.content.decode()
    assert not StoredFile.objects.exists()
    assert stored_files(media) == []


def test_an_oversized_upload_is_dropped_while_it_streams(
    submission, official, tmp_path, settings, media, english
):
    settings.UPLOAD_MAX_BYTES = 64 * 1024
    big = samples.large_pdf(tmp_path / "big.pdf", 512 * 1024)
    english.force_login(official)
    with big.open("rb") as handle:
        response = english.post(
            reverse("submissions:upload", args=[submission.pk]),
            {"doc_type": "masterplan", "file": handle},
        )
    assert response.status_code == 400
    assert "larger than 0 MB" in response.content.decode()
    assert os.listdir(settings.FILE_UPLOAD_TEMP_DIR) == []  # temp file removed
    assert not StoredFile.objects.exists()
    assert stored_files(media) == []


def multipart(filename: bytes, content: bytes) -> tuple[bytes, str]:
    """A hand-made body: the test client would clean the file name itself."""
    boundary = "smartcityboundary"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="doc_type"\r\n\r\n'
        f"masterplan\r\n--{boundary}\r\n".encode()
        + b'Content-Disposition: form-data; name="file"; filename="'
        + filename
        + b'"\r\nContent-Type: application/pdf\r\n\r\n'
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


@pytest.mark.parametrize(
    ("raw_name", "shown"),
    [
        (b"../../x.pdf", "x.pdf"),
        (b"..\\..\\rencana.pdf", "rencana.pdf"),
        (b"a\x00b.pdf", "ab.pdf"),
    ],
)
def test_a_path_or_nul_in_the_file_name_never_reaches_the_disk(
    submission, official, masterplan_pdf, media, tmp_path, raw_name, shown
):
    body, content_type = multipart(raw_name, masterplan_pdf.read_bytes())
    client = logged_in(official)
    response = client.generic(
        "POST",
        reverse("submissions:upload", args=[submission.pk]),
        body,
        content_type=content_type,
    )
    assert response.status_code == 302
    version = DocumentVersion.objects.get()
    assert version.original_name == shown
    (on_disk,) = stored_files(media)
    assert on_disk.resolve().is_relative_to(Path(media).resolve())
    assert not (tmp_path / "x.pdf").exists()


def test_a_300_character_name_is_refused_not_shortened(
    submission, official, masterplan_pdf, media, english
):
    body, content_type = multipart(b"n" * 296 + b".pdf", masterplan_pdf.read_bytes())
    english.force_login(official)
    response = english.generic(
        "POST",
        reverse("submissions:upload", args=[submission.pk]),
        body,
        content_type=content_type,
    )
    assert response.status_code == 400
    assert "file name is not acceptable" in response.content.decode()
    assert not StoredFile.objects.exists()
    assert stored_files(media) == []


def test_downloads_are_attachments_that_browsers_do_not_sniff(
    filled, official, masterplan_pdf
):
    submission, version, _item = filled
    response = logged_in(official).get(
        reverse("submissions:download", args=[submission.pk, version.pk])
    )
    assert response["Content-Disposition"] == 'attachment; filename="masterplan.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content) == masterplan_pdf.read_bytes()


def test_the_prescreen_links_to_the_pages_where_parts_were_found(filled, official):
    submission, version, _item = filled
    html = (
        logged_in(official)
        .get(reverse("submissions:detail", args=[submission.pk]))
        .content.decode()
    )
    page_two = reverse("submissions:page", args=[submission.pk, version.pk, 2])
    assert f'href="{page_two}"' in html
    page = logged_in(official).get(page_two).content.decode()
    assert "Analisis Kondisi Saat Ini" in page


def test_submitting_from_the_workspace(filled, official):
    submission = filled[0]
    response = logged_in(official).post(
        reverse("submissions:submit", args=[submission.pk]), follow=True
    )
    submission.refresh_from_db()
    assert submission.status == Submission.Status.SUBMITTED
    html = response.content.decode()
    assert "Berhasil diajukan" in html
    assert "Pengajuan terkunci" in html


def test_a_user_without_a_role_sees_no_workspace(filled, db):
    from django.contrib.auth.models import User

    nobody = User.objects.create_user("nobody", password="pw-nobody-1")
    client = logged_in(nobody)
    assert client.get(reverse("submissions:workspace")).status_code == 404
    for name, url in urls_of(*filled).items():
        assert client.get(url).status_code == 404, name


def evidence_post(indicator, **changes) -> dict:
    return {
        "indicator": indicator.pk,
        "title": "Command center kota",
        "description": "Pemantauan layanan kota terpadu.",
        "responsible_unit": "Dinas Komunikasi dan Informatika",
        "period_start": "2017-01-01",
        "period_end": "2017-12-31",
        "output_value": "24",
        "outcome_value": "",
        "unit": "jam layanan per hari",
        "link": "tangerangselatankota.go.id/command-center",
    } | changes


def test_an_official_adds_evidence_with_a_file_through_the_form(
    submission, official, cycle, tmp_path
):
    from assessments.models import Indicator, Part

    indicator = Indicator.objects.filter(
        framework=cycle.framework, part=Part.PRACTICE
    ).last()
    report = samples.good_docx(tmp_path / "laporan.docx", paragraphs=["Laporan"])
    with report.open("rb") as handle:
        response = logged_in(official).post(
            reverse("submissions:evidence_new", args=[submission.pk]),
            evidence_post(indicator, file=handle),
        )
    assert response.status_code == 302
    item = submission.evidence.get()
    assert item.link == "https://tangerangselatankota.go.id/command-center"
    assert (item.file.kind, item.file_name) == ("docx", "laporan.docx")
    assert str(item.output_value) == "24.00"


def test_evidence_with_a_refused_file_or_a_blueprint_indicator_changes_nothing(
    submission, official, cycle, tmp_path, media
):
    from assessments.models import Indicator, Part

    practice = Indicator.objects.filter(
        framework=cycle.framework, part=Part.PRACTICE
    ).first()
    blueprint = Indicator.objects.filter(
        framework=cycle.framework, part=Part.BLUEPRINT
    ).first()
    client = logged_in(official)
    url = reverse("submissions:evidence_new", args=[submission.pk])
    bomb = samples.zip_bomb_docx(tmp_path / "bom.docx")
    with bomb.open("rb") as handle:
        response = client.post(url, evidence_post(practice, file=handle))
    assert response.status_code == 400
    assert "tidak aman" in response.content.decode()
    response = client.post(url, evidence_post(blueprint))
    assert response.status_code == 400  # not offered, so not a valid choice
    response = client.post(url, evidence_post(practice, period_end="2016-01-01"))
    assert response.status_code == 400
    assert not submission.evidence.exists()
    assert not StoredFile.objects.exists()
    assert stored_files(media) == []
