"""Uploads on S3-compatible object storage (issue 15), against moto's server on
loopback: through the real forms and downloads, with their permission checks."""

from __future__ import annotations

import pytest
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse

from smartcity.storage import StorageUrlError, media_storage
from submissions import services as submission_services
from submissions.models import DocumentVersion, StoredFile
from tests.backups.test_backups import small_cycle  # noqa: F401 (a fixture)
from tests.submissions import samples
from tests.submissions.conftest import sha256_of


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_local_volume_is_the_default():
    assert media_storage("") == {
        "BACKEND": "django.core.files.storage.FileSystemStorage"
    }


def test_a_storage_url_names_bucket_prefix_endpoint_and_region():
    entry = media_storage(
        "s3://media/smartcity?endpoint_url=https://s3.example:9000&region=ap-southeast-3"
    )
    assert entry["BACKEND"] == "storages.backends.s3.S3Storage"
    options = entry["OPTIONS"]
    assert options["bucket_name"] == "media"
    assert options["location"] == "smartcity"
    assert options["endpoint_url"] == "https://s3.example:9000"
    assert options["region_name"] == "ap-southeast-3"
    assert options["default_acl"] is None
    assert options["querystring_expire"] == 60


@pytest.mark.parametrize(
    "url",
    [
        "https://media.example/x",
        "s3://key:secret@media",
        "s3://media?endpoint=https://s3.example",
        "s3://media?addressing_style=sideways",
    ],
)
def test_an_unusable_storage_url_is_refused(url):
    with pytest.raises(StorageUrlError):
        media_storage(url)


def _upload(client, submission, path):
    with path.open("rb") as handle:
        return client.post(
            reverse("submissions:upload", args=[submission.pk]),
            {"doc_type": "masterplan", "title": "Masterplan 2017", "file": handle},
        )


@pytest.mark.django_db
def test_an_upload_lands_in_the_bucket_and_only_its_region_downloads_it(
    s3_media, submission, official, other_official, masterplan_pdf, media
):
    assert default_storage.__class__.__name__ == "S3Storage"
    response = _upload(logged_in(official), submission, masterplan_pdf)
    assert response.status_code == 302
    version = DocumentVersion.objects.select_related("file").get()
    stored = version.file
    assert stored.sha256 == sha256_of(masterplan_pdf)
    objects = s3_media.objects()
    assert list(objects) == [f"{s3_media.prefix}/{stored.file.name}"]
    assert (
        objects[f"{s3_media.prefix}/{stored.file.name}"] == masterplan_pdf.read_bytes()
    )
    assert not media.exists() or not any(media.rglob("*"))  # nothing on the volume
    # The worker's task (run on commit in production) reads it from the bucket.
    assert submission_services.process_stored_file(stored.pk).page_count > 0

    url = reverse("submissions:download", args=[submission.pk, version.pk])
    assert logged_in(other_official).get(url).status_code == 404
    download = logged_in(official).get(url)
    assert download.status_code == 200
    assert download["Content-Disposition"] == 'attachment; filename="masterplan.pdf"'
    assert download["Cache-Control"] == "private, no-store"
    assert b"".join(download.streaming_content) == masterplan_pdf.read_bytes()


@pytest.mark.django_db
def test_a_refused_upload_leaves_no_object(s3_media, submission, official, tmp_path):
    response = _upload(
        logged_in(official), submission, samples.password_pdf(tmp_path / "rahasia.pdf")
    )
    assert response.status_code == 400
    assert not StoredFile.objects.exists()
    assert s3_media.objects() == {}


@pytest.mark.django_db
def test_a_cycle_backup_reads_its_files_from_the_bucket(s3_media, tmp_path, request):
    import zipfile

    from backups.archive import file_member
    from tests.backups.test_backups import export

    cycle = request.getfixturevalue("small_cycle")  # uploads after s3_media is set
    (stored,) = StoredFile.objects.all()
    assert list(s3_media.objects()) == [f"{s3_media.prefix}/{stored.file.name}"]
    archive = export(cycle, tmp_path / "backup.zip")
    with zipfile.ZipFile(archive) as backup:
        data = backup.read(file_member(stored.sha256))
    assert data == next(iter(s3_media.objects().values()))
