"""Backup and restore of a cycle: `export_cycle` then `import_cycle` on an empty
database gives the same published scores (same checksums), documents and
accounts; a damaged, repeated or unfit archive is refused and changes nothing.

The round trips empty the database with `flush` (so they are transactional
tests) and reload the reference data as `load_regions`/`load_framework` would.
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from accounts.services import create_user
from api.models import ApiToken
from assessments import services as assessment_services
from assessments.models import Cycle, FrameworkVersion, Indicator, Part
from backups import services
from backups.archive import MANIFEST, BackupError
from notifications.models import Webhook
from notifications.webhooks import new_secret
from regions import services as region_services
from regions.models import ProgramMembership, Region
from reviews import services as review_services
from reviews.models import (
    Answer,
    Appeal,
    ConflictOfInterest,
    Consensus,
    Review,
    ScoreChange,
)
from reviews.services import AnswerInput
from scoring import services as scoring_services
from scoring.models import RegionResult, Release, ScoreRun
from submissions import services as submission_services
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
from tests.conftest import MASTERPLAN_PAGES, TANGERANG, TANGSEL
from tests.reviews.conftest import make_reviewer
from tests.scoring.conftest import scored_cycle
from tests.submissions import samples
from tests.submissions.conftest import upload_of

pytestmark = pytest.mark.usefixtures("english_messages", "tasks_in_place")
transactional = pytest.mark.django_db(transaction=True)

CYCLE_NAME = "Siklus 2017"
PASSWORDS = {
    "admin-a": "pw-admin-1",
    "official-3674": "pw-official-1",
    "official-3671": "pw-official-2",
    "rev-1": "pw-reviewer-1",
    "rev-2": "pw-reviewer-1",
    "rev-3": "pw-reviewer-1",
}


@pytest.fixture
def tasks_in_place(monkeypatch: pytest.MonkeyPatch) -> None:
    """Background jobs run in place when their transaction commits (files are
    read, scores computed, e-mails sent) instead of waiting in Redis for a
    worker. Celery's eager mode is not used: it opens the broker connection
    pool, which later tests with a real worker on another Redis database need
    to open themselves."""
    from notifications.tasks import deliver_webhook, send_email
    from scoring.tasks import recompute_cycle
    from submissions.tasks import process_file

    for task in (deliver_webhook, send_email, recompute_cycle, process_file):

        def in_place(*args: Any, _task: Any = task, **kwargs: Any) -> Any:
            return _task.apply(args, kwargs)

        def apply_async(
            args: Any = (), kwargs: Any = None, _task: Any = task, **options: Any
        ) -> Any:
            return _task.apply(args, kwargs)

        monkeypatch.setattr(task, "delay", in_place)
        monkeypatch.setattr(task, "apply_async", apply_async)


# A realistic cycle ------------------------------------------------------------


@dataclass
class Built:
    cycle: Cycle
    official: User
    lead: User
    admin: User


def build_cycle(folder: Path) -> Built:
    """Kota Tangerang Selatan's whole cycle: a masterplan in two versions, a
    regulation, practice evidence with a file, a revision and a resubmission,
    three submitted reviews citing a document, a consensus, a declared
    conflict, a provisional release, an upheld appeal with a file, a score run
    and the final release. Kota Tangerang takes part with a draft."""
    now = timezone.now()
    cycle = assessment_services.create_cycle(
        year=2017,
        name=CYCLE_NAME,
        framework=FrameworkVersion.objects.get(code="GM100SC-2017"),
        submissions_open=now - timedelta(days=1),
        submissions_close=now + timedelta(days=10),
        reviews_close=now + timedelta(days=20),
        appeals_close=now + timedelta(days=30),
        region_codes=[TANGSEL, TANGERANG],
    )
    tangsel = Region.objects.get(code=TANGSEL)
    admin = create_user(
        username="admin-a", password=PASSWORDS["admin-a"], role=Role.ADMIN
    )
    official = create_user(
        username="official-3674",
        password=PASSWORDS["official-3674"],
        role=Role.OFFICIAL,
        region=tangsel,
        email="diskominfo@tangerangselatankota.go.id",
    )
    other = create_user(
        username="official-3671",
        password=PASSWORDS["official-3671"],
        role=Role.OFFICIAL,
        region=Region.objects.get(code=TANGERANG),
    )
    submission_services.workspace_for(other, cycle)
    submission = submission_services.workspace_for(official, cycle)

    masterplan = submission_services.upload_document(
        submission=submission,
        user=official,
        uploaded=upload_of(
            samples.good_pdf(folder / "masterplan.pdf", pages=MASTERPLAN_PAGES)
        ),
        doc_type=DocumentType.MASTERPLAN,
    )
    submission_services.upload_document(
        submission=submission,
        user=official,
        uploaded=upload_of(
            samples.good_pdf(
                folder / "masterplan-v2.pdf", pages=[*MASTERPLAN_PAGES, "Roadmap"]
            )
        ),
        document=masterplan.document,
    )
    submission_services.upload_document(
        submission=submission,
        user=official,
        uploaded=upload_of(
            samples.good_docx(folder / "perwal.docx", ["Peraturan Wali Kota 2017"])
        ),
        doc_type=DocumentType.REGULATION,
    )
    practice = list(
        Indicator.objects.filter(
            framework=cycle.framework, part=Part.PRACTICE
        ).order_by("order")
    )
    evidence = {
        "title": "Tangsel Command Center",
        "responsible_unit": "Diskominfo",
        "period_start": date(2017, 1, 1),
        "period_end": date(2017, 12, 31),
        "output_value": "12.50",
        "unit": "layanan",
    }
    submission_services.save_evidence(
        submission=submission,
        user=official,
        fields={**evidence, "indicator": practice[0]},
        uploaded=upload_of(
            samples.good_docx(folder / "laporan.docx", ["Laporan Command Center"])
        ),
    )
    submission_services.submit(submission=submission, user=official)

    reviewers = [
        make_reviewer(f"rev-{n}", province)
        for n, province in enumerate(["31", "32", "33"], start=1)
    ]
    reviews = [
        review_services.assign(cycle=cycle, region=tangsel, reviewer=r, by=admin)
        for r in reviewers
    ]
    submission.refresh_from_db()
    review_services.request_revision(
        submission=submission,
        by=reviewers[0],
        items=[(practice[1], "Lampirkan data layanan 2017.")],
    )
    submission_services.save_evidence(
        submission=submission,
        user=official,
        fields={
            **evidence,
            "title": "Data layanan 2017",
            "indicator": practice[1],
            "link": "https://tangerangselatankota.go.id/data",
        },
    )
    submission_services.submit(submission=submission, user=official)

    indicators = list(
        Indicator.objects.filter(framework=cycle.framework).order_by("order")
    )
    for n, review in enumerate(reviews):
        answers = {
            indicator.pk: AnswerInput(level=1 + (i + n) % 5)
            for i, indicator in enumerate(indicators)
        }
        answers[indicators[0].pk] = AnswerInput(
            level=[1, 3, 5][n],
            comment="Lihat halaman 2.",
            cited_version=masterplan.pk,
            cited_page=2,
        )
        answers[indicators[1].pk] = AnswerInput(no_evidence=True)
        saved = review_services.save_answers(
            review=review, user=review.reviewer, version=0, answers=answers
        )
        review_services.submit_review(
            review=saved, user=saved.reviewer, version=saved.version
        )
    lead = reviewers[0]
    review_services.record_consensus(
        cycle=cycle,
        region=tangsel,
        indicator=indicators[0],
        level=3,
        rationale="Disepakati dalam rapat panel.",
        by=lead,
    )
    review_services.declare_conflict(
        reviewer=reviewers[1],
        region=Region.objects.get(code="32.73"),
        reason="Pernah bekerja di Pemkot Bandung.",
    )
    scoring_services.publish(cycle=cycle, final=False, by=admin)

    Cycle.objects.filter(pk=cycle.pk).update(
        submissions_open=now - timedelta(days=40),
        submissions_close=now - timedelta(days=30),
        reviews_close=now - timedelta(hours=1),
        appeals_close=now + timedelta(days=10),
    )
    submission.refresh_from_db()
    appeal = review_services.file_appeal(
        submission=submission,
        user=official,
        indicator=indicators[2],
        reason="Dokumen Perwal sudah ditetapkan.",
        uploaded=upload_of(samples.good_pdf(folder / "sanggahan.pdf", ["Sanggahan"])),
    )
    review_services.decide_appeal(
        appeal=appeal, by=lead, upheld=True, rationale="Terbukti.", new_level=4
    )
    scoring_services.recompute_now(cycle, reason="before the final release")
    scoring_services.publish(cycle=cycle, final=True, by=admin)
    cycle.refresh_from_db()
    return Built(cycle=cycle, official=official, lead=lead, admin=admin)


# What a restore must reproduce ------------------------------------------------


def facts(cycle: Cycle) -> dict[str, Any]:
    """The cycle as people see it, without database keys."""
    cycle = Cycle.objects.get(name=cycle.name)
    users = dict(User.objects.values_list("pk", "username"))
    codes = dict(Indicator.objects.values_list("pk", "code"))
    return {
        "cycle": (
            cycle.year,
            cycle.framework.code,
            cycle.submissions_open,
            cycle.appeals_close,
            cycle.created_at,
            sorted(cycle.regions.values_list("pk", flat=True)),
        ),
        "releases": [
            (r.number, r.kind, r.checksum, r.published_at, r.published_by.username)
            for r in Release.objects.filter(cycle=cycle).order_by("number")
        ],
        "submissions": sorted(
            Submission.objects.filter(cycle=cycle).values_list(
                "region", "status", "submitted_at", "updated_at"
            )
        ),
        "versions": sorted(
            (
                v.document.title,
                v.document.doc_type,
                v.number,
                v.original_name,
                v.file.sha256,
                v.uploaded_by.username,
                v.uploaded_at,
            )
            for v in DocumentVersion.objects.filter(
                document__submission__cycle=cycle
            ).select_related("document", "file", "uploaded_by")
        ),
        "evidence": sorted(
            (e.title, codes[e.indicator_id], e.file.sha256 if e.file else None)
            for e in EvidenceItem.objects.filter(submission__cycle=cycle)
        ),
        "events": sorted(
            (
                e.at,
                e.action,
                users.get(e.actor_id),
                e.to_status,
                e.detail.get("title"),
            )
            for e in SubmissionEvent.objects.filter(submission__cycle=cycle)
        ),
        "answers": sorted(
            (
                a.review.reviewer.username,
                codes[a.indicator_id],
                a.level,
                a.no_evidence,
                a.cited_version.number if a.cited_version else None,
            )
            for a in Answer.objects.filter(review__cycle=cycle).select_related(
                "review__reviewer", "cited_version"
            )
        ),
        "consensus": sorted(
            Consensus.objects.filter(cycle=cycle).values_list(
                "region", "indicator__code", "level", "decided_by__username"
            )
        ),
        "appeals": sorted(
            Appeal.objects.filter(submission__cycle=cycle).values_list(
                "indicator__code", "status", "new_level", "file__sha256"
            )
        ),
        "score_changes": sorted(
            ScoreChange.objects.filter(cycle=cycle).values_list(
                "at", "source", "indicator__code", "actor__username", "new_value"
            )
        ),
        "results": sorted(
            RegionResult.objects.filter(cycle=cycle).values_list(
                "region", "index", "band", "rank_national"
            )
        ),
        "runs": sorted(
            (
                run.status,
                run.requested_at,
                sorted(users[i["reviewer"]] for i in run.stats.get("leniency", [])),
                sorted(codes[i["indicator"]] for i in run.stats.get("agreement", [])),
            )
            for run in ScoreRun.objects.filter(cycle=cycle)
        ),
        "conflicts": sorted(
            ConflictOfInterest.objects.values_list("reviewer__username", "region")
        ),
        "roles": sorted(
            User.objects.filter(username__in=PASSWORDS).values_list(
                "username", "groups__name", "profile__region", "profile__home_province"
            )
        ),
    }


def log_in(username: str, password: str) -> User | None:
    """Authenticate as the login page does (django-axes wants the request)."""
    return authenticate(
        RequestFactory().post("/accounts/login/"), username=username, password=password
    )


def stored_bytes() -> dict[str, bytes]:
    result = {}
    for stored in StoredFile.objects.all():
        with stored.file.open("rb") as handle:
            result[stored.sha256] = handle.read()
    return result


def empty_database(media: Path, *, framework: bool = True) -> None:
    """Everything gone, uploads too; then the reference data a deployment loads."""
    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(media, ignore_errors=True)
    region_services.load_registry(files=region_services.RegistryFiles())
    if framework:
        assessment_services.load_framework(path=assessment_services.DEFAULT_FRAMEWORK)
    assert not Cycle.objects.exists()
    assert not User.objects.exists()


def export(cycle: Cycle, path: Path, *args: str) -> Path:
    out = io.StringIO()
    call_command("export_cycle", "--cycle", cycle.name, str(path), *args, stdout=out)
    assert str(path) in out.getvalue()
    return path


def restore(path: Path) -> str:
    out = io.StringIO()
    call_command("import_cycle", str(path), stdout=out)
    return out.getvalue()


def state() -> dict[str, Any]:
    """Row counts of everything an import writes, and the files in storage."""
    counts = {services.label(model): model.objects.count() for model in services.MODELS}
    media = Path(StoredFile._meta.get_field("file").storage.location)
    files = sorted(str(p) for p in media.rglob("*") if p.is_file())
    return {"counts": counts, "files": files}


def rewrite(
    archive: Path, out: Path, member: str, change: Callable[[bytes], bytes]
) -> Path:
    """A copy of the archive with one member's bytes changed (a valid zip)."""
    with (
        zipfile.ZipFile(archive) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            data = source.read(info.filename)
            target.writestr(
                info.filename, change(data) if info.filename == member else data
            )
    return out


# Round trips ------------------------------------------------------------------


@transactional
def test_a_cycle_restored_on_an_empty_database_is_the_same_cycle(
    committed_data, tmp_path, media
):
    built = build_cycle(tmp_path)
    before = facts(built.cycle)
    files_before = stored_bytes()
    final = Release.objects.get(cycle=built.cycle, kind=Release.Kind.FINAL)
    contents = {r.number: r.content for r in Release.objects.all()}
    assert len(before["releases"]) == 2
    assert (
        len(before["answers"])
        == 3 * Indicator.objects.filter(framework=built.cycle.framework).count()
    )
    assert len(files_before) == 5  # two masterplans, perwal, evidence, appeal
    assert PageText.objects.exists()
    archive = export(built.cycle, tmp_path / "siklus-2017.zip")

    empty_database(media)
    output = restore(archive)

    cycle = Cycle.objects.get(name=CYCLE_NAME)
    assert f"Imported cycle “{CYCLE_NAME}”" in output
    assert final.checksum in output
    # The same published scores: each release's content reads back with the
    # same checksum, byte for byte.
    for release in Release.objects.filter(cycle=cycle):
        assert scoring_services.checksum_of(release) == release.checksum
        assert release.content == contents[release.number]
    assert facts(cycle) == before
    # The restored rows recompute to the published scores.
    data = scoring_services.read(cycle)
    fresh = scoring_services.release_content(
        cycle, data, scoring_services.compute(data)
    )
    assert fresh["regions"] == final.content["regions"]
    assert cycle.framework.is_locked

    # Documents: the same bytes, downloadable by the official with the old password.
    assert stored_bytes() == files_before
    for sha256, data in files_before.items():
        assert hashlib.sha256(data).hexdigest() == sha256
    client = Client()
    logged_in = client.post(
        reverse("login"),
        {"username": "official-3674", "password": PASSWORDS["official-3674"]},
    )
    assert logged_in.status_code == 302
    version = DocumentVersion.objects.get(document__submission__cycle=cycle, number=2)
    response = client.get(
        reverse(
            "submissions:download",
            args=[version.document.submission_id, version.pk],
        )
    )
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == files_before[version.file.sha256]
    for username, password in PASSWORDS.items():
        assert log_in(username, password) is not None
    # An upload event points at the restored document.
    upload = SubmissionEvent.objects.filter(
        submission__cycle=cycle, action=SubmissionEvent.Action.UPLOADED
    ).first()
    assert (
        Document.objects.get(pk=upload.detail["document"]).title
        == (upload.detail["title"])
    )
    assert Document.objects.get(pk=upload.detail["document"]).submission.cycle == cycle

    # The same archive a second time: refused, nothing changes.
    unchanged = state()
    with pytest.raises(CommandError, match="already exists on this database"):
        restore(archive)
    assert state() == unchanged


@transactional
def test_the_framework_comes_from_the_archive_when_the_database_lacks_it(
    committed_data, tmp_path, media
):
    built = build_cycle(tmp_path)
    before = facts(built.cycle)
    archive = export(built.cycle, tmp_path / "backup.zip", "--without-passwords")

    empty_database(media, framework=False)
    assert not FrameworkVersion.objects.exists()
    restore(archive)

    cycle = Cycle.objects.get(name=CYCLE_NAME)
    assert facts(cycle) == before
    assert cycle.framework.is_locked
    assert cycle.framework.indicators.count() == (
        Indicator.objects.filter(framework=cycle.framework).count()
    )
    # The framework file now loads over it as "unchanged": the same content.
    again = assessment_services.load_framework(
        path=assessment_services.DEFAULT_FRAMEWORK
    )
    assert again.outcome == "unchanged"
    # Without passwords: the accounts exist but need a new password.
    official = User.objects.get(username="official-3674")
    assert not official.has_usable_password()
    assert log_in("official-3674", "pw-official-1") is None


@transactional
def test_an_import_maps_keys_and_keeps_existing_accounts(
    committed_data, tmp_path, media
):
    """The target holds another cycle, whose rows took the keys the archive's
    rows had, and its own account named official-3674."""
    empty_database(media)  # keys start at 1 on both sides: they collide
    built = build_cycle(tmp_path)
    before = facts(built.cycle)
    old_keys = {
        Cycle: [built.cycle.pk],
        User: list(User.objects.values_list("pk", flat=True)),
        Answer: list(Answer.objects.values_list("pk", flat=True)),
    }
    archive = export(built.cycle, tmp_path / "backup.zip")

    empty_database(media)
    other = scored_cycle([TANGSEL, "32.73"], name="Another 2017")
    scoring_services.publish(cycle=other, final=True)
    kept = create_user(
        username="official-3674",
        password="a-new-password-1",
        role=Role.OFFICIAL,
        region=Region.objects.get(code=TANGSEL),
    )
    other_release = Release.objects.get(cycle=other)
    other_answers = Answer.objects.filter(review__cycle=other).count()
    for model, keys in old_keys.items():
        assert model.objects.filter(pk__in=keys).exists()  # taken by the other data
    restore(archive)

    cycle = Cycle.objects.get(name=CYCLE_NAME)
    assert cycle.pk != built.cycle.pk
    assert facts(cycle) == before
    assert Release.objects.get(pk=other_release.pk).checksum == other_release.checksum
    assert Answer.objects.filter(review__cycle=other).count() == other_answers
    # The existing account was used as it was, password included.
    assert User.objects.filter(username="official-3674").count() == 1
    assert log_in("official-3674", "a-new-password-1") == kept
    assert log_in("official-3674", PASSWORDS["official-3674"]) is None
    assert DocumentVersion.objects.filter(
        document__submission__cycle=cycle, uploaded_by=kept
    ).exists()


# Refusals ---------------------------------------------------------------------


@transactional
def test_a_missing_region_is_reported_and_nothing_is_imported(
    committed_data, tmp_path, media
):
    built = build_cycle(tmp_path)
    archive = export(built.cycle, tmp_path / "backup.zip")
    empty_database(media)
    ProgramMembership.objects.filter(region=TANGERANG).delete()
    Region.objects.filter(code=TANGERANG).delete()

    unchanged = state()
    with pytest.raises(
        CommandError, match=r"Run load_regions first: region 36\.71 is missing\."
    ):
        restore(archive)
    assert state() == unchanged


@transactional
def test_a_different_framework_under_the_same_code_is_refused(
    committed_data, tmp_path, media
):
    built = build_cycle(tmp_path)
    archive = export(built.cycle, tmp_path / "backup.zip")
    empty_database(media)
    indicator = Indicator.objects.order_by("order").first()
    indicator.weight += 1
    indicator.save()

    unchanged = state()
    with pytest.raises(CommandError) as refused:
        restore(archive)
    assert "Framework version GM100SC-2017 on this database is not the one" in str(
        refused.value
    )
    assert "indicators" in str(refused.value)
    assert state() == unchanged


@transactional
def test_a_failed_import_is_undone_and_leaves_no_files(
    committed_data, tmp_path, media, monkeypatch
):
    """If a release does not read back with its checksum the import fails:
    the rows are rolled back and the files it wrote removed."""
    built = build_cycle(tmp_path)
    archive = export(built.cycle, tmp_path / "backup.zip")
    empty_database(media)
    real = services.checksum_of

    def drifting(release: Release) -> str:
        return real(release) if release.pk is None else "0" * 64

    monkeypatch.setattr(services.restore, "checksum_of", drifting)
    unchanged = state()
    with pytest.raises(CommandError, match="does not reproduce its checksum"):
        restore(archive)
    assert state() == unchanged
    assert not StoredFile.objects.exists()


# Without emptying the database -------------------------------------------------


@pytest.fixture
def small_cycle(cycle, submission, official, masterplan_pdf, admin_user) -> Cycle:
    """The `cycle` fixture with a masterplan and a final release."""
    submission_services.upload_document(
        submission=submission,
        user=official,
        uploaded=upload_of(masterplan_pdf),
        doc_type=DocumentType.MASTERPLAN,
    )
    reviewer = create_user(username="rev-x", password="pw-r-1", role=Role.REVIEWER)
    review = Review.objects.create(
        cycle=cycle, region_id=TANGSEL, reviewer=reviewer, status="submitted"
    )
    Answer.objects.bulk_create(
        Answer(review=review, indicator=indicator, level=3)
        for indicator in Indicator.objects.filter(framework=cycle.framework)
    )
    scoring_services.publish(cycle=cycle, final=True, by=admin_user)
    return cycle


def test_the_manifest_lists_every_member_and_no_secrets_are_exported(
    small_cycle, official, tmp_path
):
    ApiToken.objects.create(
        user=official,
        name="SIMDA",
        prefix="sc_abcdef",
        digest="d" * 64,
        scope=ApiToken.Scope.WRITE,
        expires_at=timezone.now() + timedelta(days=30),
    )
    secret = new_secret()
    Webhook.objects.create(
        url="https://example.go.id/hook", events=["release.published"], secret=secret
    )
    archive = export(small_cycle, tmp_path / "backup.zip")

    assert archive.stat().st_mode & 0o077 == 0  # owner only: it holds hashes
    with zipfile.ZipFile(archive) as opened:
        manifest = json.loads(opened.read(MANIFEST))
        names = set(opened.namelist())
        everything = b"".join(opened.read(name) for name in names)
    assert manifest["format"] == "smartcity-cycle-backup"
    assert manifest["format_version"] == 1
    assert manifest["cycle"] == {"name": small_cycle.name, "year": 2017}
    assert manifest["framework"] == "GM100SC-2017"
    assert manifest["app_version"]
    assert names == {MANIFEST, *manifest["members"]}
    stored = StoredFile.objects.get()
    assert f"files/{stored.sha256}" in names
    assert manifest["counts"]["reviews.answer"] == Answer.objects.count()
    assert manifest["releases"] == [
        {
            "number": 1,
            "kind": "final",
            "checksum": Release.objects.get().checksum,
        }
    ]
    assert not any(name.startswith("data/api.") for name in names)
    assert not any("notification" in name for name in names)
    assert secret.encode() not in everything
    assert b"d" * 64 not in everything
    assert b"sc_abcdef" not in everything
    assert official.password.encode() in everything  # so people can log in


def test_a_tampered_archive_is_refused_and_changes_nothing(small_cycle, tmp_path):
    archive = export(small_cycle, tmp_path / "backup.zip")
    unchanged = state()

    forged = rewrite(
        archive,
        tmp_path / "forged.zip",
        "data/reviews.answer.json",
        lambda data: data.replace(b'"level": 3', b'"level": 4', 1),
    )
    with pytest.raises(CommandError, match=r"reviews\.answer\.json in the archive is"):
        restore(forged)

    sha256 = StoredFile.objects.get().sha256
    swapped = rewrite(
        archive,
        tmp_path / "swapped.zip",
        f"files/{sha256}",
        lambda data: data[:100] + bytes([data[100] ^ 1]) + data[101:],
    )
    with pytest.raises(CommandError, match="damaged or was altered"):
        restore(swapped)

    # One byte flipped inside the zip itself, in the stored file's data.
    raw = bytearray(archive.read_bytes())
    with zipfile.ZipFile(archive) as opened:
        info = opened.getinfo(f"files/{sha256}")
    offset = info.header_offset + 30 + len(info.filename) + 40
    raw[offset] ^= 0xFF
    flipped = tmp_path / "flipped.zip"
    flipped.write_bytes(bytes(raw))
    with pytest.raises(CommandError, match="damaged or was altered"):
        restore(flipped)

    not_a_zip = tmp_path / "notes.zip"
    not_a_zip.write_text("not an archive")
    with pytest.raises(CommandError, match="is not a readable backup archive"):
        restore(not_a_zip)
    without_manifest = tmp_path / "without-manifest.zip"
    with zipfile.ZipFile(without_manifest, "w") as opened:
        opened.writestr("data/auth.user.json", "[]")
    with pytest.raises(CommandError, match=r"has no manifest\.json"):
        restore(without_manifest)
    assert state() == unchanged


def test_an_archive_of_another_format_version_is_refused(small_cycle, tmp_path):
    archive = export(small_cycle, tmp_path / "backup.zip")

    def future(data: bytes) -> bytes:
        return json.dumps({**json.loads(data), "format_version": 2}).encode()

    later = rewrite(archive, tmp_path / "v2.zip", MANIFEST, future)
    with pytest.raises(CommandError, match="format version 2 is not supported"):
        restore(later)


def test_the_same_archive_is_refused_where_the_cycle_exists(small_cycle, tmp_path):
    archive = export(small_cycle, tmp_path / "backup.zip")
    unchanged = state()
    with pytest.raises(BackupError, match="already exists on this database"):
        services.import_cycle(archive)
    assert state() == unchanged


def test_an_unknown_or_ambiguous_cycle_is_a_clear_command_error(cycle, tmp_path):
    out = tmp_path / "backup.zip"
    with pytest.raises(CommandError, match="No cycle matches “1999”"):
        call_command("export_cycle", "--cycle", "1999", str(out))
    with pytest.raises(CommandError, match="No cycle matches “Siklus lain”"):
        call_command("export_cycle", "--cycle", "Siklus lain", str(out))
    scored_cycle([TANGSEL], name="Another 2017")
    with pytest.raises(CommandError, match="Several cycles match “2017”"):
        call_command("export_cycle", "--cycle", "2017", str(out))
    assert not out.exists()


def test_an_existing_file_is_replaced_only_with_force(small_cycle, tmp_path):
    out = tmp_path / "backup.zip"
    out.write_text("keep me")
    with pytest.raises(CommandError, match="already exists"):
        export(small_cycle, out)
    assert out.read_text() == "keep me"
    export(small_cycle, out, "--force")
    assert zipfile.is_zipfile(out)
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".partial") == []


def test_a_stored_file_altered_or_missing_in_storage_fails_the_export_cleanly(
    small_cycle, tmp_path
):
    stored = StoredFile.objects.get()
    out = tmp_path / "backup.zip"
    Path(stored.file.path).write_bytes(b"%PDF-1.4 something else")
    with pytest.raises(CommandError, match="no longer matches its SHA-256"):
        export(small_cycle, out)
    Path(stored.file.path).unlink()
    with pytest.raises(CommandError, match="cannot be read from storage"):
        export(small_cycle, out)
    assert list(tmp_path.glob("*backup.zip*")) == []
