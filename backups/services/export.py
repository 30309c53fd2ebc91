"""Export: a consistent snapshot of a cycle's rows and files, written to an archive."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import django
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.files.storage import Storage
from django.db import connection, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Profile
from assessments.models import (
    Band,
    Cycle,
    Dimension,
    FrameworkVersion,
    Indicator,
    MaturityLevel,
    ReadinessElement,
    ReadinessSubElement,
    RubricLevel,
    SubDimension,
)
from backups.archive import (
    FORMAT,
    FORMAT_VERSION,
    ArchiveWriter,
    BackupError,
    data_member,
    encode_rows,
    file_member,
)
from backups.services.rows import MODELS, Row, Rows, User, _dump_all, app_version, label
from reviews.models import (
    Answer,
    Appeal,
    ConflictOfInterest,
    Consensus,
    Review,
    ScoreChange,
)
from scoring.models import RegionResult, Release, ScoreRun
from scoring.services import checksum_of
from submissions.models import (
    Document,
    DocumentVersion,
    EvidenceItem,
    PageText,
    RevisionItem,
    RevisionRequest,
    StoredFile,
    Submission,
    SubmissionEvent,
)


@contextmanager
def _snapshot() -> Iterator[None]:
    """Read everything from one snapshot, so an export made while people work
    is consistent (PostgreSQL: a read-only repeatable-read transaction)."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"
                )
        yield


def _user_ids(model: type[models.Model], rows: list[Row]) -> set[int]:
    fields = [
        field.name
        for field in model._meta.concrete_fields
        if field.is_relation and field.related_model is User
    ]
    return {row[name] for row in rows for name in fields if row[name] is not None}


def collect(cycle: Cycle, *, passwords: bool = True) -> Rows:
    """The rows of everything the cycle's archive holds, by model."""
    framework = cycle.framework
    querysets: dict[type[models.Model], models.QuerySet] = {
        FrameworkVersion: FrameworkVersion.objects.filter(pk=framework.pk),
        MaturityLevel: MaturityLevel.objects.filter(framework=framework),
        Band: Band.objects.filter(framework=framework),
        Dimension: Dimension.objects.filter(framework=framework),
        SubDimension: SubDimension.objects.filter(dimension__framework=framework),
        ReadinessElement: ReadinessElement.objects.filter(framework=framework),
        ReadinessSubElement: ReadinessSubElement.objects.filter(
            element__framework=framework
        ),
        Indicator: Indicator.objects.filter(framework=framework),
        RubricLevel: RubricLevel.objects.filter(indicator__framework=framework),
        Cycle: Cycle.objects.filter(pk=cycle.pk),
        Submission: Submission.objects.filter(cycle=cycle),
        Document: Document.objects.filter(submission__cycle=cycle),
        DocumentVersion: DocumentVersion.objects.filter(
            document__submission__cycle=cycle
        ),
        EvidenceItem: EvidenceItem.objects.filter(submission__cycle=cycle),
        RevisionRequest: RevisionRequest.objects.filter(submission__cycle=cycle),
        RevisionItem: RevisionItem.objects.filter(request__submission__cycle=cycle),
        SubmissionEvent: SubmissionEvent.objects.filter(submission__cycle=cycle),
        Review: Review.objects.filter(cycle=cycle),
        Answer: Answer.objects.filter(review__cycle=cycle),
        Consensus: Consensus.objects.filter(cycle=cycle),
        Appeal: Appeal.objects.filter(submission__cycle=cycle),
        ScoreChange: ScoreChange.objects.filter(cycle=cycle),
        ScoreRun: ScoreRun.objects.filter(cycle=cycle),
        RegionResult: RegionResult.objects.filter(cycle=cycle),
        Release: Release.objects.filter(cycle=cycle),
    }
    files = StoredFile.objects.filter(
        Q(pk__in=querysets[DocumentVersion].values("file"))
        | Q(pk__in=querysets[EvidenceItem].values("file"))
        | Q(pk__in=querysets[Appeal].values("file"))
    )
    querysets[StoredFile] = files
    querysets[PageText] = PageText.objects.filter(file__in=files)
    rows: Rows = {model: _dump_all(qs) for model, qs in querysets.items()}

    for release in rows[Release]:
        if checksum_of(Release(content=release["content"])) != release["checksum"]:
            raise BackupError(
                _(
                    "Release %(number)s of %(cycle)s does not match its checksum: "
                    "the database was altered. No archive was written."
                )
                % {"number": release["number"], "cycle": cycle.name}
            )

    # The people: everyone the rows name, and the officials of the regions.
    regions = (
        set(cycle.regions.values_list("pk", flat=True))
        | {row["region"] for row in rows[Submission]}
        | {row["region"] for row in rows[Review]}
    )
    user_ids = set(
        Profile.objects.filter(region__in=regions).values_list("user", flat=True)
    )
    for model, model_rows in rows.items():
        user_ids |= _user_ids(model, model_rows)
    for run in rows[ScoreRun]:
        user_ids |= {item["reviewer"] for item in run["stats"].get("leniency", [])}
    users = User.objects.filter(pk__in=user_ids)
    rows[User] = _dump_all(users)
    if not passwords:
        for row in rows[User]:
            row["password"] = make_password(None)
    rows[Group] = _dump_all(Group.objects.filter(user__in=users).distinct())
    rows[Profile] = _dump_all(Profile.objects.filter(user__in=users))
    rows[ConflictOfInterest] = _dump_all(
        ConflictOfInterest.objects.filter(reviewer__in=users)
    )
    return rows


def export_cycle(
    cycle: Cycle, path: str | Path, *, overwrite: bool = False, passwords: bool = True
) -> dict[str, Any]:
    """Write the cycle's archive to `path`; returns its manifest.

    An existing file is refused unless `overwrite`. The archive is written
    beside `path` under a temporary name and moved into place when complete,
    so a failed export leaves nothing behind. `passwords=False` replaces the
    password hashes by unusable ones (people then set a new password).
    """
    path = Path(path)
    if path.is_dir():
        raise BackupError(
            _("%(path)s is a folder: give the archive's file name.") % {"path": path}
        )
    if path.exists() and not overwrite:
        raise BackupError(
            _("%(path)s already exists: give another name, or --force to replace it.")
            % {"path": path}
        )
    if not path.parent.is_dir():
        raise BackupError(
            _("The folder %(folder)s does not exist.") % {"folder": path.parent}
        )
    with _snapshot():
        cycle = Cycle.objects.select_related("framework").get(pk=cycle.pk)
        rows = collect(cycle, passwords=passwords)
    try:
        return _write(path, cycle, rows, passwords=passwords)
    except OSError as error:
        raise BackupError(
            _("%(path)s could not be written (%(error)s).")
            % {"path": path, "error": error}
        ) from error


def _write(path: Path, cycle: Cycle, rows: Rows, *, passwords: bool) -> dict[str, Any]:
    storage = StoredFile._meta.get_field("file").storage
    with ArchiveWriter(path) as writer:
        for model in MODELS:
            writer.write_bytes(data_member(label(model)), encode_rows(rows[model]))
        for row in rows[StoredFile]:
            _copy_stored_file(writer, storage, row)
        return writer.finish(
            {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "app_version": app_version(),
                "django_version": django.get_version(),
                "exported_at": timezone.now().isoformat(),
                "cycle": {"name": cycle.name, "year": cycle.year},
                "framework": cycle.framework.code,
                "passwords": passwords,
                "counts": {label(model): len(rows[model]) for model in MODELS},
                "releases": [
                    {
                        "number": row["number"],
                        "kind": row["kind"],
                        "checksum": row["checksum"],
                    }
                    for row in sorted(rows[Release], key=lambda r: r["number"])
                ],
            }
        )


def _copy_stored_file(writer: ArchiveWriter, storage: Storage, row: Row) -> None:
    try:
        source = storage.open(row["file"], "rb")
    except OSError as error:
        raise BackupError(
            _(
                "The stored file %(sha256)s (%(name)s) cannot be read from storage "
                "(%(error)s). No archive was written."
            )
            % {"sha256": row["sha256"], "name": row["file"], "error": error}
        ) from error
    with source:
        written = writer.write_stream(file_member(row["sha256"]), source)
    if written["sha256"] != row["sha256"]:
        raise BackupError(
            _(
                "The stored file %(sha256)s (%(name)s) no longer matches its "
                "SHA-256: it was altered in storage. No archive was written."
            )
            % {"sha256": row["sha256"], "name": row["file"]}
        )
