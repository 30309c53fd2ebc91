"""What an archive holds (the models, in import order) and rows as plain dicts."""

from __future__ import annotations

import logging
import uuid
from datetime import date, datetime, time
from decimal import Decimal
from importlib.metadata import PackageNotFoundError, version
from typing import Any, cast

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import models
from django.db.models.fields.files import FieldFile
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
    BackupError,
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

# One logger for the package, named as when it was one module.
logger = logging.getLogger("backups.services")
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
            value = _target(related_model(field), value, maps)
        elif not isinstance(field, models.JSONField):
            value = field.to_python(value)
        setattr(obj, field.attname, value)
    return obj


def related_model(field: Any) -> type[models.Model]:
    """The model a relation field points at (a relation always has one here:
    the archived models do not use "self" or lazy references unresolved)."""
    return cast(type[models.Model], field.related_model)


def _target(model: type[models.Model], key: Any, maps: Maps) -> Any:
    if key is None or model in REFERENCE_MODELS:
        return key
    return maps[model][key]
