"""Export one assessment cycle with everything it needs to an archive, and
restore it on another database with the same published scores.

An archive holds the cycle's framework version (all of it), the people
involved (their accounts with password hashes, roles and profiles), the cycle,
its submissions with every document, version, evidence item, revision and
audit event, the stored files they point at with their extracted text, the
reviews, answers, consensus levels, appeals and score changes, the score runs,
region results and releases. Not in it: API tokens, webhooks and their
deliveries, notifications, and the region registry (regions and provinces are
reference data: `load_regions` loads them, and the import checks they exist).

Rows are plain dicts, one JSON file per model; primary keys in the archive are
the source database's and are only used to connect the rows: the import gives
every row a new key and maps the references, so the target database need not
be empty. Existing accounts (same username), an identical framework version
(same code and content) and stored files with the same SHA-256 are reused
instead of being created again. See docs/backup.md.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, time
from decimal import Decimal
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import django
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import Storage
from django.db import DatabaseError, connection, models, transaction
from django.db.models import Q
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

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
    SHA256,
    ArchiveReader,
    ArchiveWriter,
    BackupError,
    data_member,
    encode_rows,
    file_member,
)
from regions.models import Province, Region
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
    random_storage_name,
)

__all__ = ["BackupError", "export_cycle", "find_cycle", "import_cycle"]

logger = logging.getLogger(__name__)
User = get_user_model()
Row = dict[str, Any]
Rows = dict[type[models.Model], list[Row]]
Maps = dict[type[models.Model], dict[Any, Any]]

FRAMEWORK_MODELS: tuple[type[models.Model], ...] = (
    FrameworkVersion,
    MaturityLevel,
    Band,
    Dimension,
    SubDimension,
    ReadinessElement,
    ReadinessSubElement,
    Indicator,
    RubricLevel,
)
# In the order of import: every model after the models it refers to.
MODELS: tuple[type[models.Model], ...] = (
    Group,
    User,
    Profile,
    *FRAMEWORK_MODELS,
    Cycle,
    StoredFile,
    PageText,
    Submission,
    Document,
    DocumentVersion,
    EvidenceItem,
    RevisionRequest,
    RevisionItem,
    SubmissionEvent,
    ConflictOfInterest,
    Review,
    Answer,
    Consensus,
    Appeal,
    ScoreChange,
    ScoreRun,
    RegionResult,
    Release,
)
# Reference data the target must hold already (`load_regions`); rows refer to
# them by their code, which is their primary key.
REFERENCE_MODELS: tuple[type[models.Model], ...] = (Region, Province)
# Left out of a framework comparison: when and from which file it was loaded.
FRAMEWORK_BOOKKEEPING = {"loaded_at", "locked_at", "source_sha256"}


def label(model: type[models.Model]) -> str:
    """The model's name in the archive, e.g. "reviews.answer"."""
    return model._meta.label_lower


def app_version() -> str:
    try:
        return version("smartcity")
    except PackageNotFoundError:
        return "unknown"


def find_cycle(value: str) -> Cycle:
    """The one cycle a command's `--cycle` names: a year ("2017") or a name."""
    cycles = list(Cycle.objects.named(value).order_by("name"))
    if not cycles:
        raise BackupError(
            _("No cycle matches “%(value)s”: give a year or a cycle's exact name.")
            % {"value": value}
        )
    if len(cycles) > 1:
        raise BackupError(
            _("Several cycles match “%(value)s” (%(names)s): give the cycle's name.")
            % {"value": value, "names": ", ".join(f"“{c.name}”" for c in cycles)}
        )
    return cycles[0]


# Rows -------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    """A field value as JSON: dates in ISO 8601 with microseconds, decimals as
    text (exact), files by their storage name; JSON field contents as they are."""
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, FieldFile):
        return value.name or ""
    return value


def dump(obj: models.Model) -> Row:
    """One row: "pk", then every concrete field by name (a relation as the
    related row's primary key), then many-to-many fields as lists of keys
    (permissions by natural key: codename, app label, model)."""
    row: Row = {"pk": obj.pk}
    for field in obj._meta.concrete_fields:
        if not field.primary_key:
            row[field.name] = _plain(field.value_from_object(obj))
    for field in obj._meta.many_to_many:
        related = getattr(obj, field.name).all()
        if field.related_model is Permission:
            row[field.name] = sorted(list(p.natural_key()) for p in related)
        else:
            row[field.name] = sorted(item.pk for item in related)
    return row


def _dump_all(queryset: models.QuerySet) -> list[Row]:
    model = queryset.model
    m2m = [field.name for field in model._meta.many_to_many]
    if model is User:
        m2m.append("user_permissions__content_type")
    if model is Group:
        m2m.append("permissions__content_type")
    return [dump(obj) for obj in queryset.order_by("pk").prefetch_related(*m2m)]


def build(model: type[models.Model], row: Row, maps: Maps) -> models.Model:
    """An unsaved instance from a row, its references mapped to the target's
    keys; fields the row lacks keep their defaults."""
    obj = model()
    for field in model._meta.concrete_fields:
        if field.primary_key or field.name not in row:
            continue
        value = row[field.name]
        if field.is_relation:
            value = _target(field.related_model, value, maps)
        elif not isinstance(field, models.JSONField):
            value = field.to_python(value)
        setattr(obj, field.attname, value)
    return obj


def _target(model: type[models.Model], key: Any, maps: Maps) -> Any:
    if key is None or model in REFERENCE_MODELS:
        return key
    return maps[model][key]


# Export -----------------------------------------------------------------------


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


# Import: checks before anything is written ------------------------------------


def _read(archive: ArchiveReader, manifest: dict[str, Any]) -> Rows:
    counts = manifest.get("counts") or {}
    rows: Rows = {}
    for model in MODELS:
        name = data_member(label(model))
        if name not in manifest["members"]:
            raise BackupError(
                _("The archive is incomplete: %(member)s is missing.")
                % {"member": name}
            )
        rows[model] = archive.read_rows(name)
        if counts.get(label(model)) != len(rows[model]):
            raise BackupError(
                _("%(member)s holds %(found)s rows; the manifest says %(expected)s.")
                % {
                    "member": name,
                    "found": len(rows[model]),
                    "expected": counts.get(label(model)),
                }
            )
    return rows


def _inconsistent(detail: str) -> BackupError:
    return BackupError(
        _("The archive is inconsistent: %(detail)s.") % {"detail": detail}
    )


def _check_rows(rows: Rows, manifest: dict[str, Any]) -> None:
    """The archive is whole: known fields only, one cycle and one framework,
    every reference to a row the archive holds, a file for every stored file,
    and every release matching its checksum."""
    keys: dict[type[models.Model], dict[Any, Row]] = {}
    for model, model_rows in rows.items():
        known = {"pk"} | {
            f.name
            for f in (*model._meta.concrete_fields, *model._meta.many_to_many)
            if not f.primary_key
        }
        for row in model_rows:
            unknown = sorted(set(row) - known)
            if unknown or "pk" not in row:
                raise BackupError(
                    _(
                        "The archive holds data this version of the application does "
                        "not know (%(model)s: %(fields)s); import it with the version "
                        "that made it (%(version)s)."
                    )
                    % {
                        "model": label(model),
                        "fields": ", ".join(unknown) or "pk",
                        "version": manifest.get("app_version"),
                    }
                )
        keys[model] = {row["pk"]: row for row in model_rows}
        if len(keys[model]) != len(model_rows):
            raise _inconsistent(_("%(model)s repeats a key") % {"model": label(model)})

    for model in (Cycle, FrameworkVersion):
        if len(rows[model]) != 1:
            raise _inconsistent(
                _("it must hold exactly one %(model)s") % {"model": label(model)}
            )
    cycle = rows[Cycle][0]
    if cycle["name"] != manifest.get("cycle", {}).get("name"):
        raise _inconsistent(_("the cycle is not the one the manifest names"))

    for model, model_rows in rows.items():
        relations = [
            f
            for f in model._meta.concrete_fields
            if f.is_relation and f.related_model not in REFERENCE_MODELS
        ]
        for field in relations:
            target = field.related_model
            if target not in keys:
                raise _inconsistent(
                    _("%(model)s refers to %(target)s, which archives do not hold")
                    % {"model": label(model), "target": label(target)}
                )
            for row in model_rows:
                value = row.get(field.name)
                if value is not None and value not in keys[target]:
                    raise _inconsistent(
                        _(
                            "%(model)s %(pk)s refers to %(target)s %(value)s, which "
                            "the archive does not hold"
                        )
                        % {
                            "model": label(model),
                            "pk": row["pk"],
                            "target": label(target),
                            "value": value,
                        }
                    )
    for row in rows[User]:
        missing = set(row.get("groups", [])) - set(keys[Group])
        if missing:
            raise _inconsistent(
                _("user %(user)s is in a group the archive does not hold")
                % {"user": row.get(User.USERNAME_FIELD)}
            )
    if len({row.get(User.USERNAME_FIELD) for row in rows[User]}) != len(rows[User]):
        raise _inconsistent(_("a username appears twice"))
    for run in rows[ScoreRun]:
        stats = run.get("stats") or {}
        if any(i.get("reviewer") not in keys[User] for i in stats.get("leniency", [])):
            raise _inconsistent(
                _("score run %(pk)s names a reviewer the archive does not hold")
                % {"pk": run["pk"]}
            )
        if any(
            i.get("indicator") not in keys[Indicator]
            for i in stats.get("agreement", [])
        ):
            raise _inconsistent(
                _("score run %(pk)s names an indicator the archive does not hold")
                % {"pk": run["pk"]}
            )
    for row in rows[StoredFile]:
        if not SHA256.match(str(row.get("sha256"))) or (
            file_member(row["sha256"]) not in manifest["members"]
        ):
            raise _inconsistent(
                _("stored file %(sha256)s has no file in the archive")
                % {"sha256": row.get("sha256")}
            )
    for row in rows[Release]:
        if checksum_of(Release(content=row["content"])) != row["checksum"]:
            raise _inconsistent(
                _("release %(number)s does not match its checksum")
                % {"number": row["number"]}
            )


def _referenced(rows: Rows, model: type[models.Model]) -> set[Any]:
    """Keys of `model` (regions or provinces) that the rows refer to."""
    found: set[Any] = set()
    for source, model_rows in rows.items():
        for field in (*source._meta.concrete_fields, *source._meta.many_to_many):
            if not field.is_relation or field.related_model is not model:
                continue
            for row in model_rows:
                value = row.get(field.name)
                if isinstance(value, list):
                    found.update(value)
                elif value is not None:
                    found.add(value)
    return found


def _missing_message(model: type[models.Model], codes: list[str]) -> str:
    listed = ", ".join(codes[:20]) + (" …" if len(codes) > 20 else "")
    if model is Region:
        return ngettext(
            "Run load_regions first: region %(codes)s is missing.",
            "Run load_regions first: regions %(codes)s are missing.",
            len(codes),
        ) % {"codes": listed}
    return ngettext(
        "Run load_regions first: province %(codes)s is missing.",
        "Run load_regions first: provinces %(codes)s are missing.",
        len(codes),
    ) % {"codes": listed}


def _canonical_decimal(value: Any) -> Any:
    if value is None:
        return None
    number = Decimal(str(value)).normalize()
    return format(number, "f")


def framework_fingerprint(rows: Rows) -> dict[str, list[str]]:
    """The framework's content without keys or load bookkeeping: each row with
    its references replaced by the referenced rows' content, per model, sorted.
    Two versions with equal fingerprints score the same."""
    index = {model: {row["pk"]: row for row in rows[model]} for model in rows}
    memo: dict[tuple[type[models.Model], Any], Row] = {}

    def content(model: type[models.Model], key: Any) -> Row:
        if (model, key) not in memo:
            row, result = index[model][key], {}
            for field in model._meta.concrete_fields:
                if field.primary_key or field.name in FRAMEWORK_BOOKKEEPING:
                    continue
                value = row.get(field.name)
                if field.is_relation and value is not None:
                    value = content(field.related_model, value)
                elif isinstance(field, models.DecimalField):
                    value = _canonical_decimal(value)
                result[field.name] = value
            memo[(model, key)] = result
        return memo[(model, key)]

    return {
        label(model): sorted(
            json.dumps(content(model, row["pk"]), sort_keys=True) for row in rows[model]
        )
        for model in FRAMEWORK_MODELS
    }


def _framework_rows(framework: FrameworkVersion) -> Rows:
    return {
        FrameworkVersion: _dump_all(FrameworkVersion.objects.filter(pk=framework.pk)),
        MaturityLevel: _dump_all(framework.levels.all()),
        Band: _dump_all(framework.bands.all()),
        Dimension: _dump_all(framework.dimensions.all()),
        SubDimension: _dump_all(
            SubDimension.objects.filter(dimension__framework=framework)
        ),
        ReadinessElement: _dump_all(framework.readiness_elements.all()),
        ReadinessSubElement: _dump_all(
            ReadinessSubElement.objects.filter(element__framework=framework)
        ),
        Indicator: _dump_all(framework.indicators.all()),
        RubricLevel: _dump_all(
            RubricLevel.objects.filter(indicator__framework=framework)
        ),
    }


def _check_database(rows: Rows) -> None:
    """What the target must (not) hold; every problem is reported at once."""
    problems: list[str] = []
    name = rows[Cycle][0]["name"]
    if Cycle.objects.filter(name=name).exists():
        problems.append(
            _(
                "Cycle “%(name)s” already exists on this database (was the archive "
                "imported before?)."
            )
            % {"name": name}
        )
    for model in (Region, Province):
        wanted = _referenced(rows, model)
        present = set(model.objects.filter(pk__in=wanted).values_list("pk", flat=True))
        if wanted - present:
            problems.append(_missing_message(model, sorted(wanted - present)))
    code = rows[FrameworkVersion][0]["code"]
    existing = FrameworkVersion.objects.filter(code=code).first()
    if existing is not None:
        ours = framework_fingerprint({m: rows[m] for m in FRAMEWORK_MODELS})
        theirs = framework_fingerprint(_framework_rows(existing))
        differing = [
            str(model._meta.verbose_name_plural)
            for model in FRAMEWORK_MODELS
            if ours[label(model)] != theirs[label(model)]
        ]
        if differing:
            problems.append(
                _(
                    "Framework version %(code)s on this database is not the one the "
                    "cycle was scored with (%(differing)s differ); the archive can "
                    "only be imported where that version is absent or identical."
                )
                % {"code": code, "differing": ", ".join(differing)}
            )
    known = {
        tuple(p.natural_key())
        for p in Permission.objects.select_related("content_type")
    }
    for model, field in ((Group, "permissions"), (User, "user_permissions")):
        for row in rows[model]:
            for key in row.get(field, []):
                if tuple(key) not in known:
                    problems.append(
                        _("Permission %(permission)s is missing: run migrate first.")
                        % {"permission": ".".join(map(str, key))}
                    )
    if problems:
        raise BackupError("\n".join(dict.fromkeys(problems)))


# Import: writing --------------------------------------------------------------


def _create(
    model: type[models.Model],
    rows: list[Row],
    maps: Maps,
    prepare: Callable[[Row, Maps], Row] | None = None,
) -> list[models.Model]:
    """Insert the rows as new rows (no save(), no signals); map their keys."""
    objs = [build(model, prepare(row, maps) if prepare else row, maps) for row in rows]
    model.objects.bulk_create(objs, batch_size=500)
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
        model.objects.bulk_update(objs, [f.name for f in stamped], batch_size=500)
    _create_m2m(model, rows, objs, maps)
    return objs


def _create_m2m(
    model: type[models.Model], rows: list[Row], objs: list[models.Model], maps: Maps
) -> None:
    for field in model._meta.many_to_many:
        through = field.remote_field.through
        source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
        links = []
        for row, obj in zip(rows, objs, strict=True):
            for key in row.get(field.name, []):
                if field.related_model is Permission:
                    key = Permission.objects.get_by_natural_key(*key).pk
                else:
                    key = _target(field.related_model, key, maps)
                links.append(through(**{f"{source}_id": obj.pk, f"{target}_id": key}))
        through.objects.bulk_create(links, batch_size=500)


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
    created = {row["pk"] for row in new}
    _create(Profile, [row for row in rows[Profile] if row["user"] in created], maps)


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
