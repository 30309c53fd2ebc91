from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments import framework_files
from assessments.framework_files import FrameworkFileError
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
from regions.models import ProgramMembership

FRAMEWORKS_DIR = Path(__file__).resolve().parent / "frameworks"
DEFAULT_FRAMEWORK = FRAMEWORKS_DIR / "gm100sc-2017.yaml"


@dataclass(frozen=True)
class FrameworkLoad:
    framework: FrameworkVersion
    outcome: str  # "created", "updated" or "unchanged"


def load_framework(*, path: Path) -> FrameworkLoad:
    """Create or update a framework version from its file, all or nothing.

    The same file loaded twice changes nothing. A locked version (results were
    published with it) is never changed: a different file under its code is
    refused, and the ministry makes a new version instead.
    """
    content = framework_files.read_framework(path)
    with transaction.atomic():
        framework = (
            FrameworkVersion.objects.select_for_update()
            .filter(code=content["code"])
            .first()
        )
        if framework is not None and framework.source_sha256 == content["sha256"]:
            return FrameworkLoad(framework, "unchanged")
        if framework is not None and framework.is_locked:
            raise FrameworkFileError(
                _(
                    "framework %s is locked because results were published with it; "
                    "give the changed file a new code to make a new version"
                )
                % framework.code
            )
        outcome = "created" if framework is None else "updated"
        framework = _save_version(framework or FrameworkVersion(), content)
        try:
            _replace_structure(framework, content)
        except ProtectedError:
            raise FrameworkFileError(
                _(
                    "framework %s is already used by reviews; give the changed file a "
                    "new code to make a new version"
                )
                % framework.code
            ) from None
    return FrameworkLoad(framework, outcome)


def _save_version(
    framework: FrameworkVersion, content: dict[str, Any]
) -> FrameworkVersion:
    framework.code = content["code"]
    framework.name_id, framework.name_en = content["name"]["id"], content["name"]["en"]
    framework.description_id = content["description"]["id"]
    framework.description_en = content["description"]["en"]
    for part, weight in content["part_weights"].items():
        setattr(framework, f"{part}_weight", weight)
    for aspect, weight in content["aspect_weights"].items():
        setattr(framework, f"{aspect}_weight", weight)
    framework.target_band = content["target_band"]
    framework.min_coverage = content["min_coverage"]
    framework.no_evidence_level = content["no_evidence_level"]
    framework.min_reviews = content["min_reviews"]
    framework.weight_ranges = content["weight_ranges"]
    framework.source_sha256 = content["sha256"]
    framework.loaded_at = timezone.now()
    framework.full_clean()
    framework.save()
    return framework


def _replace_structure(framework: FrameworkVersion, content: dict[str, Any]) -> None:
    framework.indicators.all().delete()
    SubDimension.objects.filter(dimension__framework=framework).delete()
    framework.dimensions.all().delete()
    ReadinessSubElement.objects.filter(element__framework=framework).delete()
    framework.readiness_elements.all().delete()
    framework.bands.all().delete()
    framework.levels.all().delete()

    MaturityLevel.objects.bulk_create(
        MaturityLevel(
            framework=framework, level=level, name_id=name["id"], name_en=name["en"]
        )
        for level, name in content["levels"].items()
    )
    Band.objects.bulk_create(
        Band(
            framework=framework,
            code=band["code"],
            order=band["order"],
            upper_bound=band["upper"],
            name_id=band["name"]["id"],
            name_en=band["name"]["en"],
        )
        for band in content["bands"]
    )
    sub_dimensions = _create_groups(
        framework, content["dimensions"], Dimension, SubDimension, "dimension"
    )
    sub_elements = _create_groups(
        framework,
        content["readiness_elements"],
        ReadinessElement,
        ReadinessSubElement,
        "element",
    )
    indicators = Indicator.objects.bulk_create(
        Indicator(
            framework=framework,
            code=row["code"],
            order=row["order"],
            part=row["part"],
            aspect=row["aspect"],
            sub_dimension=sub_dimensions[row["sub_dimension"]],
            readiness=sub_elements[row["readiness"]],
            weight=row["weight"],
            name_id=row["name"]["id"],
            name_en=row["name"]["en"],
            guidance_id=row["guidance"]["id"],
            guidance_en=row["guidance"]["en"],
        )
        for row in content["indicators"]
    )
    RubricLevel.objects.bulk_create(
        RubricLevel(
            indicator=indicator,
            level=level,
            descriptor_id=text["id"],
            descriptor_en=text["en"],
        )
        for indicator, row in zip(indicators, content["indicators"], strict=True)
        for level, text in row["rubric"].items()
    )


def _create_groups(
    framework: FrameworkVersion,
    groups: list[dict[str, Any]],
    group_model: type[Dimension] | type[ReadinessElement],
    member_model: type[SubDimension] | type[ReadinessSubElement],
    parent_field: str,
) -> dict[str, SubDimension | ReadinessSubElement]:
    """Create dimensions (or readiness elements) and their members; index members by code."""
    members = {}
    for group in groups:
        parent = group_model.objects.create(
            framework=framework,
            code=group["code"],
            order=group["order"],
            name_id=group["name"]["id"],
            name_en=group["name"]["en"],
        )
        for member in group["members"]:
            members[member["code"]] = member_model.objects.create(
                **{parent_field: parent},
                code=member["code"],
                order=member["order"],
                name_id=member["name"]["id"],
                name_en=member["name"]["en"],
            )
    return members


def lock_framework(*, framework: FrameworkVersion) -> None:
    """Freeze a version for good; called when results are published with it."""
    FrameworkVersion.objects.filter(pk=framework.pk, locked_at__isnull=True).update(
        locked_at=timezone.now()
    )


@transaction.atomic
def create_cycle(
    *,
    year: int,
    name: str,
    framework: FrameworkVersion,
    submissions_open: datetime,
    submissions_close: datetime,
    reviews_close: datetime,
    appeals_close: datetime,
    region_codes: list[str] | None = None,
    is_demo: bool = False,
) -> Cycle:
    """Create a cycle; its regions default to that year's cohort (not cancelled)."""
    cycle = Cycle(
        year=year,
        name=name,
        framework=framework,
        submissions_open=submissions_open,
        submissions_close=submissions_close,
        reviews_close=reviews_close,
        appeals_close=appeals_close,
        is_demo=is_demo,
    )
    cycle.full_clean()
    cycle.save()
    cycle.regions.set(
        cohort_region_codes(year) if region_codes is None else region_codes
    )
    return cycle


def cohort_region_codes(year: int) -> list[str]:
    """The regions of that year's cohort whose membership was not cancelled."""
    return list(
        ProgramMembership.objects.active()
        .filter(year=year)
        .order_by("region_id")
        .values_list("region_id", flat=True)
        .distinct()
    )
