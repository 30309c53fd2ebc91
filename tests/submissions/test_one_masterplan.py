"""A submission has one masterplan (issue 17): a second masterplan upload is
that document's next version, not a second masterplan document."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from submissions.models import Document, DocumentType, DocumentVersion
from tests.api.test_workspace import bearer
from tests.conftest import MASTERPLAN_PAGES
from tests.submissions import samples
from tests.submissions.test_views import logged_in

pytestmark = pytest.mark.django_db


def _upload(client, submission, path, doc_type="masterplan"):
    with path.open("rb") as handle:
        return client.post(
            reverse("submissions:upload", args=[submission.pk]),
            {"doc_type": doc_type, "file": handle, "title": "Masterplan baru"},
        )


def test_a_second_masterplan_upload_becomes_its_next_version(
    submission, official, masterplan_pdf, tmp_path, media
):
    client = logged_in(official)
    newer = samples.good_pdf(
        tmp_path / "masterplan-v2.pdf", [*MASTERPLAN_PAGES, "Lampiran"]
    )
    assert _upload(client, submission, masterplan_pdf).status_code == 302

    response = _upload(client, submission, newer)

    assert response.status_code == 302
    masterplans = Document.objects.filter(
        submission=submission, doc_type=DocumentType.MASTERPLAN
    )
    assert masterplans.count() == 1
    assert response.url == reverse(
        "submissions:document", args=[submission.pk, masterplans.get().pk]
    )
    versions = DocumentVersion.objects.filter(document=masterplans.get())
    assert sorted(versions.values_list("number", flat=True)) == [1, 2]
    assert versions.get(number=2).original_name == "masterplan-v2.pdf"
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert any(
        "sudah memiliki masterplan" in text and "versi 2" in text for text in texts
    )


def test_other_document_types_may_be_many(
    submission, official, masterplan_pdf, tmp_path, media
):
    client = logged_in(official)
    other = samples.good_pdf(tmp_path / "perwal.pdf", ["Peraturan Wali Kota"])
    assert _upload(client, submission, masterplan_pdf, "regulation").status_code == 302
    assert _upload(client, submission, other, "regulation").status_code == 302
    assert Document.objects.filter(submission=submission).count() == 2


def test_through_the_api_too(submission, official, masterplan_pdf, tmp_path, media):
    from django.core.cache import cache

    cache.clear()
    client = bearer(official)
    newer = samples.good_pdf(tmp_path / "v2.pdf", ["Masterplan revisi"])
    url = f"/api/v1/submissions/{submission.pk}/documents/"
    for path in (masterplan_pdf, newer):
        with path.open("rb") as handle:
            response = client.post(url, {"file": handle, "kind": "masterplan"})
        assert response.status_code == 201, response.content
    masterplan = Document.objects.get(submission=submission)
    assert masterplan.versions.count() == 2
