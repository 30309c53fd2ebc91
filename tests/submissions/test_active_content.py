"""Active content in uploads is refused everywhere a file comes in (issue 13)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from assessments.models import Indicator, Part
from submissions.file_checks import FileKind, Refusal, UploadRefused, check_file
from submissions.models import DocumentVersion, EvidenceItem, StoredFile
from tests.api.test_workspace import EVIDENCE, bearer
from tests.submissions import active_corpus as corpus
from tests.submissions.conftest import stored_files
from tests.submissions.test_views import evidence_post, logged_in

# (builder, file name, the `found` key, what the Indonesian reason names)
HOSTILE = {
    "pdf_open_action_javascript": (
        corpus.pdf_open_action_javascript,
        "a.pdf",
        "javascript",
        "JavaScript",
    ),
    "pdf_names_javascript": (
        corpus.pdf_names_javascript,
        "a.pdf",
        "javascript",
        "JavaScript",
    ),
    "pdf_launch": (
        corpus.pdf_launch,
        "a.pdf",
        "launch",
        "aksi /Launch yang menjalankan program",
    ),
    "pdf_page_submit_form": (
        corpus.pdf_page_additional_action,
        "a.pdf",
        "submit_form",
        "aksi /SubmitForm",
    ),
    "pdf_embedded_executable": (
        corpus.pdf_with_embedded_executable,
        "a.pdf",
        "embedded_program",
        "program atau skrip tersemat",
    ),
    "html_before_pdf_header": (
        corpus.html_before_pdf_header,
        "a.pdf",
        "markup_before_header",
        "markah HTML sebelum kepala PDF",
    ),
    "html_in_pdf_header": (
        corpus.html_in_pdf_header,
        "a.pdf",
        "markup_in_header",
        "markah HTML di dalam kepala PDF",
    ),
    "macro_docm_renamed": (
        corpus.macro_docm_renamed,
        "a.docx",
        "macros",
        "makro (VBA)",
    ),
    "macro_content_type": (
        corpus.macro_content_type_only,
        "a.docx",
        "macros",
        "makro (VBA)",
    ),
    "remote_template": (
        corpus.remote_template_docx,
        "a.docx",
        "remote_template",
        "tautan ke templat jarak jauh",
    ),
    "file_share_ole_object": (
        corpus.file_share_ole_docx,
        "a.docx",
        "ole_object",
        "objek OLE",
    ),
    "embedded_executable": (
        corpus.embedded_executable_docx,
        "a.docx",
        "embedded_program",
        "program atau skrip tersemat",
    ),
    "zip_entry_traversal": (
        corpus.traversal_docx,
        "a.docx",
        "path_outside",
        "entri zip dengan jalur ke luar berkas",
    ),
}


@pytest.mark.parametrize("kind", HOSTILE)
def test_check_file_refuses_each_kind_of_active_content_naming_it(kind, tmp_path: Path):
    build, name, found, _phrase = HOSTILE[kind]
    path = build(tmp_path / name)
    with pytest.raises(UploadRefused) as refused:
        check_file(path, name)
    assert refused.value.code is Refusal.UNSAFE
    assert refused.value.found == found


def test_every_found_key_has_a_translated_phrase():
    from submissions.active_content import FOUND_KINDS
    from submissions.services import FOUND_PHRASES

    assert set(FOUND_PHRASES) == FOUND_KINDS


@pytest.mark.parametrize(
    "entry", ["/etc/passwd", "\\windows\\x.xml", "C:/x.xml", "word/../../x.xml"]
)
def test_absolute_and_drive_letter_zip_entries_are_refused(entry, tmp_path: Path):
    path = corpus.traversal_docx(tmp_path / "a.docx", entry)
    with pytest.raises(UploadRefused) as refused:
        check_file(path, "a.docx")
    assert refused.value.found == "path_outside"


@pytest.mark.parametrize(
    "target",
    [
        "file://evil-share/payload.exe",
        "\\\\evil-share\\payload.exe",
        "C:\\Windows\\System32\\calc.exe",
        "ms-msdt:/id PCWDiagnostic",
        "javascript:alert(1)",
        "payload.docm",
    ],
)
def test_hyperlinks_to_files_shares_and_protocol_handlers_are_refused(
    target, tmp_path: Path
):
    path = corpus.hyperlink_docx(tmp_path / "a.docx", target)
    with pytest.raises(UploadRefused) as refused:
        check_file(path, "a.docx")
    assert refused.value.found == "outside_link"


@pytest.mark.parametrize(
    "target", ["https://tangerangselatankota.go.id/", "mailto:diskominfo@x.go.id"]
)
def test_hyperlinks_to_web_pages_and_mail_addresses_are_kept(target, tmp_path):
    path = corpus.hyperlink_docx(tmp_path / "a.docx", target)
    assert check_file(path, "a.docx") is FileKind.DOCX


def test_a_docx_with_an_image_a_hyperlink_and_a_spreadsheet_is_kept(tmp_path: Path):
    assert check_file(corpus.legitimate_docx(tmp_path / "a.docx"), "a.docx") is (
        FileKind.DOCX
    )


def test_a_pdf_with_a_web_link_is_kept(tmp_path: Path):
    assert check_file(corpus.pdf_with_uri_link(tmp_path / "a.pdf"), "a.pdf") is (
        FileKind.PDF
    )


def _practice(cycle) -> Indicator:
    return (
        Indicator.objects.filter(framework=cycle.framework, part=Part.PRACTICE)
        .order_by("order")
        .first()
    )


def _post(channel: str, submission, official, cycle, path: Path, language=""):
    """Upload `path` through one of the four ways in; the refusal's text."""
    with path.open("rb") as handle:
        client = logged_in(official) if channel.startswith("form") else bearer(official)
        if language:  # the language switch
            client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        if channel == "form_document":
            response = client.post(
                reverse("submissions:upload", args=[submission.pk]),
                {"doc_type": "masterplan", "file": handle},
            )
            return response.status_code, response.content.decode()
        if channel == "form_evidence":
            response = client.post(
                reverse("submissions:evidence_new", args=[submission.pk]),
                evidence_post(_practice(cycle), file=handle),
            )
            return response.status_code, response.content.decode()
        if channel == "api_document":
            url = f"/api/v1/submissions/{submission.pk}/documents/"
            data = {"file": handle, "kind": "masterplan"}
        else:
            url = f"/api/v1/submissions/{submission.pk}/evidence/"
            data = {**EVIDENCE, "indicator": _practice(cycle).code, "file": handle}
        response = client.post(url, data)
        return response.status_code, str(response.json()["error"]["fields"]["file"])


CHANNELS = ["form_document", "form_evidence", "api_document", "api_evidence"]


@pytest.mark.django_db
@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize("kind", HOSTILE)
def test_active_content_is_refused_through_forms_and_api_and_nothing_is_stored(
    kind, channel, submission, official, cycle, tmp_path, media
):
    from django.core.cache import cache

    cache.clear()  # the API throttle
    build, name, _found, phrase = HOSTILE[kind]
    path = build(tmp_path / name)
    status, text = _post(channel, submission, official, cycle, path)
    assert status == 400
    assert f"Berkas ditolak karena berisi {phrase}" in text
    assert not StoredFile.objects.exists()
    assert not DocumentVersion.objects.exists()
    assert not EvidenceItem.objects.exists()
    assert stored_files(media) == []


ENGLISH = {
    "pdf_open_action_javascript": "JavaScript",
    "macro_docm_renamed": "macros (VBA)",
    "remote_template": "a link to a remote template",
}


@pytest.mark.django_db
@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize("kind", ENGLISH)
def test_the_refusal_names_what_was_found_in_english_under_the_switch(
    kind, channel, submission, official, cycle, tmp_path, media
):
    from django.core.cache import cache

    cache.clear()  # the API throttle
    build, name, _found, phrase = HOSTILE[kind]
    status, text = _post(
        channel, submission, official, cycle, build(tmp_path / name), "en"
    )
    assert status == 400
    assert f"The file was refused because it contains {ENGLISH[kind]}." in text
    assert phrase not in text or phrase == ENGLISH[kind]
    assert "Berkas ditolak" not in text
    assert not StoredFile.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("channel", CHANNELS)
def test_legitimate_files_with_links_and_embeds_are_accepted_everywhere(
    channel, submission, official, cycle, tmp_path
):
    from django.core.cache import cache

    cache.clear()
    for path in (
        corpus.legitimate_docx(tmp_path / "rencana.docx"),
        corpus.pdf_with_uri_link(tmp_path / "rencana.pdf"),
    ):
        with path.open("rb") as handle:
            if channel.startswith("form"):
                url = reverse(
                    "submissions:upload"
                    if channel == "form_document"
                    else "submissions:evidence_new",
                    args=[submission.pk],
                )
                data = (
                    {"doc_type": "masterplan", "file": handle}
                    if channel == "form_document"
                    else evidence_post(_practice(cycle), file=handle)
                )
                response = logged_in(official).post(url, data)
                assert response.status_code == 302, response.content.decode()[:500]
            else:
                url = f"/api/v1/submissions/{submission.pk}/" + (
                    "documents/" if channel == "api_document" else "evidence/"
                )
                data = (
                    {"file": handle, "kind": "masterplan"}
                    if channel == "api_document"
                    else {
                        **EVIDENCE,
                        "indicator": _practice(cycle).code,
                        "file": handle,
                    }
                )
                response = bearer(official).post(url, data)
                assert response.status_code == 201, response.content
    assert StoredFile.objects.count() == 2
