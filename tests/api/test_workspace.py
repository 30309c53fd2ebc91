"""Signed-in API clients: tokens, an official's upload, reviewers' scope."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from api import tokens
from api.models import ApiToken
from assessments.models import Indicator
from submissions.models import DocumentVersion
from tests.reviews.conftest import make_reviewer

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()


def bearer(user, scope: str = "write") -> Client:
    _token, raw = tokens.issue(user=user, name="test", scope=scope)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_an_officials_token_uploads_a_masterplan(submission, official, masterplan_pdf):
    client = bearer(official)
    listed = client.get("/api/v1/submissions/").json()
    assert [s["region"] for s in listed["results"]] == ["36.74"]

    with masterplan_pdf.open("rb") as handle:
        response = client.post(
            f"/api/v1/submissions/{submission.pk}/documents/",
            {"file": handle, "kind": "masterplan", "title": "Masterplan 2017"},
        )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["kind"] == "masterplan"
    version = body["versions"][0]
    assert version["download_url"].endswith(
        f"/api/v1/submissions/{submission.pk}/versions/"
        f"{DocumentVersion.objects.get().pk}/download/"
    )
    download = client.get(version["download_url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == masterplan_pdf.read_bytes()


def test_a_bad_file_through_the_api_is_a_400_with_the_reason(
    submission, official, tmp_path, english_messages
):
    from tests.submissions import samples

    bad = samples.password_pdf(tmp_path / "x.pdf")
    with bad.open("rb") as handle:
        response = bearer(official).post(
            f"/api/v1/submissions/{submission.pk}/documents/",
            {"file": handle, "kind": "masterplan"},
        )
    assert response.status_code == 400
    assert "dilindungi kata sandi" in response.json()["error"]["fields"]["file"][0]
    assert not DocumentVersion.objects.exists()


def test_a_read_token_cannot_write(submission, official, masterplan_pdf):
    with masterplan_pdf.open("rb") as handle:
        response = bearer(official, "read").post(
            f"/api/v1/submissions/{submission.pk}/documents/",
            {"file": handle, "kind": "masterplan"},
        )
    assert response.status_code == 403
    assert not DocumentVersion.objects.exists()


def test_another_regions_submission_answers_404(
    submission, other_official, masterplan_pdf
):
    client = bearer(other_official)
    assert client.get(f"/api/v1/submissions/{submission.pk}/").status_code == 404
    with masterplan_pdf.open("rb") as handle:
        response = client.post(
            f"/api/v1/submissions/{submission.pk}/documents/",
            {"file": handle, "kind": "masterplan"},
        )
    assert response.status_code == 404


def test_expired_revoked_and_made_up_tokens_are_refused(official):
    token, raw = tokens.issue(user=official, name="t", scope="read")
    assert (
        Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
        .get("/api/v1/submissions/")
        .status_code
        == 200
    )
    ApiToken.objects.filter(pk=token.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert (
        Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
        .get("/api/v1/submissions/")
        .status_code
        == 401
    )
    _token, other = tokens.issue(user=official, name="u", scope="read")
    tokens.revoke(_token)
    assert (
        Client(HTTP_AUTHORIZATION=f"Bearer {other}")
        .get("/api/v1/submissions/")
        .status_code
        == 401
    )
    assert (
        Client(HTTP_AUTHORIZATION="Bearer sc_00000000_nope")
        .get("/api/v1/cycles/")
        .status_code
        == 401
    )
    assert ApiToken.objects.get(pk=token.pk).digest != raw  # only the hash is stored


def test_the_command_prints_a_token_once(official, capsys):
    call_command("issue_token", "official-3674", "--scope", "write", "--days", "7")
    raw = capsys.readouterr().out.strip()
    assert raw.startswith("sc_")
    assert tokens.check(raw).scope == "write"


def test_a_reviewer_sees_only_assigned_regions_and_a_stale_version_is_409(
    panel, other_submission
):
    review = panel[0]
    client = bearer(review.reviewer)
    assignments = client.get("/api/v1/assignments/").json()["results"]
    assert [a["region"] for a in assignments] == ["36.74"]
    assert client.get(f"/api/v1/reviews/{panel[1].pk}/").status_code == 404

    code = Indicator.objects.filter(framework=review.cycle.framework).first().code
    saved = client.put(
        f"/api/v1/reviews/{review.pk}/",
        {"version": 0, "answers": {code: {"level": 4}}},
        content_type="application/json",
    )
    assert saved.status_code == 200, saved.content
    assert saved.json()["version"] == 1
    stale = client.put(
        f"/api/v1/reviews/{review.pk}/",
        {"version": 0, "answers": {code: {"level": 1}}},
        content_type="application/json",
    )
    assert stale.status_code == 409
    assert stale.json()["error"]["code"] == "stale"
    assert (
        client.get(f"/api/v1/reviews/{review.pk}/").json()["answers"][code]["level"]
        == 4
    )


def test_tokens_page_shows_a_new_token_once(official):
    client = Client()
    client.force_login(official)
    page = client.post("/api/tokens/", {"name": "SIMDA", "scope": "read", "days": 30})
    assert page["Cache-Control"] == "no-store"
    token = ApiToken.objects.get()
    assert f"sc_{token.prefix}_" in page.content.decode()
    listing = client.get("/api/tokens/").content.decode()
    assert listing.count(f"sc_{token.prefix}_") == 1  # only the prefix, not the secret
    client.post(f"/api/tokens/{token.pk}/revoke/")
    assert ApiToken.objects.get().revoked_at is not None
    make_reviewer("someone")


def _practice_code() -> str:
    return (
        Indicator.objects.filter(framework__code="GM100SC-2017", part="practice")
        .order_by("order")
        .values_list("code", flat=True)
        .first()
    )


EVIDENCE = {
    "title": "Aplikasi Tangsel Ku",
    "responsible_unit": "Diskominfo",
    "period_start": "2017-01-01",
    "period_end": "2017-12-31",
    "output_value": "12",
    "unit": "layanan",
    "is_quick_win": "true",
}


def test_an_official_adds_evidence_with_a_file_and_downloads_it(
    submission, official, masterplan_pdf
):
    client = bearer(official)
    with masterplan_pdf.open("rb") as handle:
        response = client.post(
            f"/api/v1/submissions/{submission.pk}/evidence/",
            {**EVIDENCE, "indicator": _practice_code(), "file": handle},
        )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["indicator"] == _practice_code()
    assert body["is_quick_win"] is True
    assert body["output_value"] == "12.00"
    download = client.get(body["download_url"])
    assert b"".join(download.streaming_content) == masterplan_pdf.read_bytes()

    listed = client.get(f"/api/v1/submissions/{submission.pk}/").json()
    assert [e["id"] for e in listed["evidence"]] == [body["id"]]

    changed = client.put(
        f"/api/v1/submissions/{submission.pk}/evidence/{body['id']}/",
        {**EVIDENCE, "indicator": _practice_code(), "title": "Tangsel Ku 2.0"},
        content_type="application/json",
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["title"] == "Tangsel Ku 2.0"
    assert changed.json()["download_url"]  # the file stays


def test_bad_evidence_is_a_400_and_changes_nothing(submission, official):
    client = bearer(official)
    url = f"/api/v1/submissions/{submission.pk}/evidence/"
    blueprint = Indicator.objects.filter(part="blueprint").values_list(
        "code", flat=True
    )[0]
    cases = [
        (
            {**EVIDENCE, "indicator": _practice_code()},
            "non_field_errors",
        ),  # no link/file
        ({**EVIDENCE, "indicator": blueprint, "link": "https://x.go.id"}, "indicator"),
        ({**EVIDENCE, "indicator": "NOPE", "link": "https://x.go.id"}, "indicator"),
        (
            {
                **EVIDENCE,
                "indicator": _practice_code(),
                "link": "https://x.go.id",
                "period_end": "2016-01-01",
            },
            "period_end",
        ),
    ]
    for data, field in cases:
        response = client.post(url, data, content_type="application/json")
        assert response.status_code == 400, (data, response.content)
        assert field in response.json()["error"]["fields"], response.json()
    assert not submission.evidence.exists()


def test_evidence_is_out_of_reach_for_another_region_and_read_tokens(
    submission, official, other_official
):
    data = {**EVIDENCE, "indicator": _practice_code(), "link": "https://x.go.id"}
    url = f"/api/v1/submissions/{submission.pk}/evidence/"
    assert (
        bearer(other_official)
        .post(url, data, content_type="application/json")
        .status_code
        == 404
    )
    assert (
        bearer(official, "read")
        .post(url, data, content_type="application/json")
        .status_code
        == 403
    )
    assert not submission.evidence.exists()
