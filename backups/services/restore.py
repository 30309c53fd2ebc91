"""Import: writing the rows with new keys, the files, and verifying the releases."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import cast

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import Storage
from django.db import DatabaseError, models, transaction
from django.utils.translation import gettext as _

from accounts.models import Profile
from assessments.models import (
    Cycle,
    FrameworkVersion,
    Indicator,
)
from backups.archive import (
    ArchiveReader,
    BackupError,
    file_member,
)
from backups.services.checks import _check_database, _check_rows, _read
from backups.services.rows import (
    FRAMEWORK_MODELS,
    MODELS,
    Maps,
    Row,
    Rows,
    User,
    _target,
    build,
    logger,
    related_model,
)
from reviews.models import (
    ConflictOfInterest,
)
from scoring.models import Release, ScoreRun
from scoring.services import checksum_of
from submissions.models import (
    Document,
    EvidenceItem,
    PageText,
    StoredFile,
    SubmissionEvent,
    random_storage_name,
)


def _create(
    model: type[models.Model],
    rows: list[Row],
    maps: Maps,
    prepare: Callable[[Row, Maps], Row] | None = None,
) -> list[models.Model]:
    """Insert the rows as new rows (no save(), no signals); map their keys."""
    objs = [build(model, prepare(row, maps) if prepare else row, maps) for row in rows]
    model._default_manager.bulk_create(objs, batch_size=500)
    if any(obj.pk is None for obj in objs):
        raise BackupError(
            _("This database does not return new keys; it cannot import archives.")
        )
    maps.setdefault(model, {}).update(
        {row["pk"]: obj.pk for row, obj in zip(rows, objs, strict=True)}
    )
    # bulk_create fills auto_now fields with the present moment: put back the
    # archived times.
    stamped = [
        field
        for field in model._meta.concrete_fields
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
    ]
    if stamped and objs:
        for row, obj in zip(rows, objs, strict=True):
            for field in stamped:
                if field.name in row:
                    setattr(obj, field.attname, field.to_python(row[field.name]))
        model._default_manager.bulk_update(
            objs, [f.name for f in stamped], batch_size=500
        )
    _create_m2m(model, rows, objs, maps)
    return objs


def _create_m2m(
    model: type[models.Model], rows: list[Row], objs: list[models.Model], maps: Maps
) -> None:
    for field in model._meta.many_to_many:
        through = cast(type[models.Model], field.remote_field.through)
        source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
        links = []
        for row, obj in zip(rows, objs, strict=True):
            for key in row.get(field.name, []):
                if field.related_model is Permission:
                    key = Permission.objects.get_by_natural_key(*key).pk
                else:
                    key = _target(related_model(field), key, maps)
                links.append(through(**{f"{source}_id": obj.pk, f"{target}_id": key}))
        through._default_manager.bulk_create(links, batch_size=500)


def _restore_people(rows: Rows, maps: Maps) -> None:
    """Groups by name; accounts by username: an existing account is kept as it
    is (password, roles, profile), a missing one is created with its password
    hash, groups, permissions and profile."""
    maps[Group] = {}
    for row in rows[Group]:
        group, created = Group.objects.get_or_create(name=row["name"])
        if created:
            group.permissions.set(
                [Permission.objects.get_by_natural_key(*k) for k in row["permissions"]]
            )
        maps[Group][row["pk"]] = group.pk
    username = User.USERNAME_FIELD
    existing = dict(
        User.objects.filter(
            **{f"{username}__in": [row[username] for row in rows[User]]}
        ).values_list(username, "pk")
    )
    new = [row for row in rows[User] if row[username] not in existing]
    maps[User] = {
        row["pk"]: existing[row[username]]
        for row in rows[User]
        if row[username] in existing
    }
    _create(User, new, maps)
    if existing:
        logger.info("import: kept %s existing accounts", len(existing))
    new_users = {row["pk"] for row in new}
    _create(Profile, [row for row in rows[Profile] if row["user"] in new_users], maps)


def _restore_framework(rows: Rows, maps: Maps) -> None:
    """An identical version already here is used (and locked if the archive's
    was); else the archive's version is created with all its parts."""
    archived = rows[FrameworkVersion][0]
    existing = FrameworkVersion.objects.filter(code=archived["code"]).first()
    if existing is None:
        for model in FRAMEWORK_MODELS:
            _create(model, rows[model], maps)
        return
    maps[FrameworkVersion] = {archived["pk"]: existing.pk}
    by_code = dict(existing.indicators.values_list("code", "pk"))
    maps[Indicator] = {row["pk"]: by_code[row["code"]] for row in rows[Indicator]}
    if archived["locked_at"] and existing.locked_at is None:
        FrameworkVersion.objects.filter(pk=existing.pk).update(
            locked_at=FrameworkVersion._meta.get_field("locked_at").to_python(
                archived["locked_at"]
            )
        )


def _restore_files(
    rows: Rows,
    maps: Maps,
    archive: ArchiveReader,
    storage: Storage,
    written: list[str],
) -> None:
    """Stored files already here (same SHA-256) are used; the others are copied
    from the archive under new random names (recorded in `written`, for removal
    if the import fails), with their extracted page text."""
    existing = dict(
        StoredFile.objects.filter(
            sha256__in=[row["sha256"] for row in rows[StoredFile]]
        ).values_list("sha256", "pk")
    )
    maps[StoredFile] = {
        row["pk"]: existing[row["sha256"]]
        for row in rows[StoredFile]
        if row["sha256"] in existing
    }
    new = [row for row in rows[StoredFile] if row["sha256"] not in existing]
    names = {}
    for row in new:
        with archive.open(file_member(row["sha256"])) as source:
            name = storage.save(random_storage_name(StoredFile(), ""), File(source))
        written.append(name)
        names[row["pk"]] = name
    _create(StoredFile, [{**row, "file": names[row["pk"]]} for row in new], maps)
    created = {row["pk"] for row in new}
    _create(PageText, [row for row in rows[PageText] if row["file"] in created], maps)


def _event_detail(row: Row, maps: Maps) -> Row:
    """An upload's or evidence event's detail names the document or evidence
    item by key: point it at the new row."""
    detail = dict(row.get("detail") or {})
    for key, model in (("document", Document), ("evidence", EvidenceItem)):
        if detail.get(key) in maps.get(model, {}):
            detail[key] = maps[model][detail[key]]
    return {**row, "detail": detail}


def _run_stats(row: Row, maps: Maps) -> Row:
    """A run's statistics name indicators and reviewers by key: map them."""
    stats = dict(row.get("stats") or {})
    if "agreement" in stats:
        stats["agreement"] = [
            {**item, "indicator": maps[Indicator][item["indicator"]]}
            for item in stats["agreement"]
        ]
    if "leniency" in stats:
        stats["leniency"] = [
            {**item, "reviewer": maps[User][item["reviewer"]]}
            for item in stats["leniency"]
        ]
    return {**row, "stats": stats}


def _new_conflicts(rows: list[Row], maps: Maps) -> list[Row]:
    """Conflicts of interest the target does not record yet."""
    known = set(
        ConflictOfInterest.objects.filter(
            reviewer__in=[maps[User][row["reviewer"]] for row in rows]
        ).values_list("reviewer", "region")
    )
    return [
        row for row in rows if (maps[User][row["reviewer"]], row["region"]) not in known
    ]


PREPARE: dict[type[models.Model], Callable[[Row, Maps], Row]] = {
    SubmissionEvent: _event_detail,
    ScoreRun: _run_stats,
}


def _restore(
    rows: Rows, archive: ArchiveReader, storage: Storage, written: list[str]
) -> Cycle:
    maps: Maps = {}
    _restore_people(rows, maps)
    _restore_framework(rows, maps)
    _create(Cycle, rows[Cycle], maps)
    _restore_files(rows, maps, archive, storage, written)
    done = {Group, User, Profile, *FRAMEWORK_MODELS, Cycle, StoredFile, PageText}
    for model in MODELS:
        if model in done:
            continue
        model_rows = rows[model]
        if model is ConflictOfInterest:
            model_rows = _new_conflicts(model_rows, maps)
        _create(model, model_rows, maps, PREPARE.get(model))
    return Cycle.objects.get(pk=maps[Cycle][rows[Cycle][0]["pk"]])


def _verify_releases(cycle: Cycle, rows: Rows) -> None:
    """Every release reads back from the database with its archived checksum."""
    expected = {row["number"]: row["checksum"] for row in rows[Release]}
    restored = {r.number: r for r in Release.objects.filter(cycle=cycle)}
    for number, checksum in sorted(expected.items()):
        release = restored.get(number)
        found = checksum_of(release) if release is not None else None
        if release is None or found != checksum or release.checksum != checksum:
            raise BackupError(
                _(
                    "Release %(number)s does not reproduce its checksum after the "
                    "import (%(expected)s expected, %(found)s found); nothing was "
                    "imported."
                )
                % {"number": number, "expected": checksum, "found": found}
            )
    if len(restored) != len(expected):
        raise BackupError(
            _("The cycle has other releases than the archive; nothing was imported.")
        )


def _remove(storage: Storage, names: list[str]) -> None:
    for name in names:
        try:
            storage.delete(name)
        except OSError:
            logger.exception("import: could not remove %s after a failure", name)


def import_cycle(path: str | Path) -> Cycle:
    """Restore a cycle from an archive made by `export_cycle`; returns it.

    The whole archive is checked first (manifest, every member's SHA-256,
    every file named after its SHA-256, the rows complete and consistent, the
    releases matching their checksums) and then the database (the cycle not
    there yet, its regions there, its framework absent or identical); any
    problem refuses the import with a message and changes nothing. The rows
    are written in one transaction; files copied to storage are removed again
    if it fails. Before it commits, every release is read back and must give
    its archived checksum.
    """
    storage = StoredFile._meta.get_field("file").storage
    with ArchiveReader(Path(path)) as archive:
        manifest = archive.verify()
        rows = _read(archive, manifest)
        _check_rows(rows, manifest)
        _check_database(rows)
        written: list[str] = []
        try:
            with transaction.atomic():
                try:
                    cycle = _restore(rows, archive, storage, written)
                except (DatabaseError, OSError, ValidationError) as error:
                    raise BackupError(
                        _("The import failed and was undone: %(error)s")
                        % {"error": error}
                    ) from error
                _verify_releases(cycle, rows)
        except BaseException:
            _remove(storage, written)
            raise
    logger.info(
        "import: cycle %s restored from %s (%s files written)",
        cycle.name,
        path,
        len(written),
    )
    return cycle
