"""API refusals give the real reason, in the request's language (Indonesian by
default): uploads over the cap or with over-long names, token and CSRF errors,
file refusals on the evidence endpoint under `file`."""

from __future__ import annotations

import io

import pytest
from django.conf import settings
from django.test import Client

from api import tokens
from assessments.models import Indicator
from submissions.models import DocumentVersion

pytestmark = pytest.mark.django_db


def bearer(user) -> Client:
    _token, raw = tokens.issue(user=user, name="test", scope="write")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def _fields(response) -> dict:
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["message"] == "Masukan tidak valid."
    return error["fields"]


def test_an_api_upload_over_the_cap_says_it_is_too_large(
    submission, official, masterplan_pdf, settings
):
    settings.UPLOAD_MAX_BYTES = 1024
    with masterplan_pdf.open("rb") as handle:
        response = bearer(official).post(
            f"/api/v1/submissions/{submission.pk}/documents/",
            {"file": handle, "kind": "masterplan"},
        )
    [message] = _fields(response)["file"]
    assert "lebih besar" in message or "MB" in message
    assert "Pilih berkas" not in message
    assert not DocumentVersion.objects.exists()


def test_an_api_upload_with_an_over_long_name_says_so(
    submission, official, masterplan_pdf
):
    # Not SimpleUploadedFile: it shortens the name to 255 characters itself.
    upload = io.BytesIO(masterplan_pdf.read_bytes())
    upload.name = "a" * 300 + ".pdf"
    response = bearer(official).post(
        f"/api/v1/submissions/{submission.pk}/documents/",
        {"file": upload, "kind": "masterplan"},
    )
    [message] = _fields(response)["file"]
    assert "255" in message
    assert not DocumentVersion.objects.exists()


def test_an_evidence_file_over_the_cap_is_reported_under_file(
    submission, official, masterplan_pdf, settings
):
    settings.UPLOAD_MAX_BYTES = 1024
    practice = Indicator.objects.filter(part="practice").values_list("code", flat=True)[
        0
    ]
    with masterplan_pdf.open("rb") as handle:
        response = bearer(official).post(
            f"/api/v1/submissions/{submission.pk}/evidence/",
            {
                "indicator": practice,
                "title": "Tangsel Ku",
                "file": handle,
            },
        )
    fields = _fields(response)
    assert "file" in fields, fields
    assert "non_field_errors" not in fields
    assert not submission.evidence.exists()


def test_a_made_up_token_is_refused_in_indonesian():
    response = Client(HTTP_AUTHORIZATION="Bearer sc_00000000_nope").get(
        "/api/v1/cycles/"
    )
    assert response.status_code == 401
    assert response.json()["error"]["message"] == (
        "Token tidak dikenal, kedaluwarsa, atau telah dicabut."
    )


def test_the_token_message_follows_the_language_switch():
    client = Client(HTTP_AUTHORIZATION="Bearer sc_00000000_nope")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    message = client.get("/api/v1/cycles/").json()["error"]["message"]
    assert message == "The token is unknown, expired or revoked."


def test_a_session_post_without_csrf_is_refused_in_indonesian(submission, official):
    client = Client(enforce_csrf_checks=True)
    client.force_login(official)
    response = client.post(
        f"/api/v1/submissions/{submission.pk}/evidence/",
        {"title": "x"},
        content_type="application/json",
    )
    assert response.status_code == 403
    error = response.json()["error"]
    assert error["code"] == "csrf_failed"
    assert error["message"].startswith("Pemeriksaan CSRF gagal")
    assert not submission.evidence.exists()


def test_a_ministry_upload_refusal_is_in_indonesian(submission, db):
    from accounts.models import Role
    from accounts.services import create_user

    staff = create_user(username="ministry-1", password="pw-m-1", role=Role.ADMIN)
    response = bearer(staff).post(
        f"/api/v1/submissions/{submission.pk}/documents/",
        {"kind": "masterplan"},
    )
    assert response.status_code == 403
    assert response.json()["error"]["message"] == (
        "Hanya petugas daerah yang bersangkutan yang dapat mengunggah dokumen."
    )
