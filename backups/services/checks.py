"""Import, before anything is written: the archive's rows are consistent and fit
the target database."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import Group, Permission
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

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
    SHA256,
    ArchiveReader,
    BackupError,
    data_member,
    file_member,
)
from backups.services.rows import (
    FRAMEWORK_BOOKKEEPING,
    FRAMEWORK_MODELS,
    MODELS,
    REFERENCE_MODELS,
    Row,
    Rows,
    User,
    _dump_all,
    label,
    related_model,
)
from regions.models import Province, Region
from scoring.models import Release, ScoreRun
from scoring.services import checksum_of
from submissions.models import (
    StoredFile,
)


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
            target = related_model(field)
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
                    value = content(related_model(field), value)
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
    for owner, field in ((Group, "permissions"), (User, "user_permissions")):
        for row in rows[owner]:
            for key in row.get(field, []):
                if tuple(key) not in known:
                    problems.append(
                        _("Permission %(permission)s is missing: run migrate first.")
                        % {"permission": ".".join(map(str, key))}
                    )
    if problems:
        raise BackupError("\n".join(dict.fromkeys(problems)))
