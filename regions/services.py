from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from django.db import models, transaction
from django.utils.translation import gettext as _

from regions import registry_files
from regions.models import Program, ProgramMembership, Province, Region

DATA_DIR = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class RegistryFiles:
    regions: Path = DATA_DIR / "regions.csv"
    region_locations: Path = DATA_DIR / "region_locations.csv"
    province_locations: Path = DATA_DIR / "province_locations.csv"
    province_formations: Path = DATA_DIR / "province_formations.csv"
    programs: Path = DATA_DIR / "programs.csv"
    cohorts: Path = DATA_DIR / "cohorts.csv"


@dataclass
class SyncCount:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0


@dataclass
class RegistryReport:
    provinces: SyncCount = field(default_factory=SyncCount)
    regions: SyncCount = field(default_factory=SyncCount)
    programs: SyncCount = field(default_factory=SyncCount)
    memberships: SyncCount = field(default_factory=SyncCount)


def load_registry(
    *, files: RegistryFiles, program_code: str = "GM100SC"
) -> RegistryReport:
    """Bring the registry in line with the files, all or nothing.

    Every file is read and checked before the first write; a bad file raises
    RegistryFileError and the database is left as it was. Loading the same files
    twice changes nothing. Memberships of `program_code` that the cohort file no
    longer lists are deleted; provinces and regions are never deleted, because
    cycles and submissions point at them.
    """
    province_rows, region_rows = registry_files.read_regions(files.regions)
    region_index = {row.code: row for row in region_rows}
    province_index = {row.code: row for row in province_rows}
    region_locations = {
        row.code: row
        for row in registry_files.read_locations(
            files.region_locations, set(region_index)
        )
    }
    province_locations = {
        row.code: row
        for row in registry_files.read_locations(
            files.province_locations, set(province_index)
        )
    }
    formations = {
        row.code: row
        for row in registry_files.read_formations(
            files.province_formations, {row.code: row.name for row in province_rows}
        )
    }
    program_rows = registry_files.read_programs(files.programs)
    if program_code not in {row.code for row in program_rows}:
        raise registry_files.RegistryFileError(
            files.programs, None, _("program %s is not in the file") % program_code
        )
    membership_rows = registry_files.read_cohorts(files.cohorts, region_index)

    report = RegistryReport()
    with transaction.atomic():
        report.provinces = _sync(
            Province,
            {
                row.code: {
                    "name": row.name,
                    **_location(province_locations.get(row.code)),
                    **_formation(formations.get(row.code)),
                }
                for row in province_rows
            },
        )
        report.regions = _sync(
            Region,
            {
                row.code: {
                    "name": row.name,
                    "kind": row.kind,
                    "province_id": row.province_code,
                    **_location(region_locations.get(row.code)),
                }
                for row in region_rows
            },
        )
        report.programs = _sync(
            Program,
            {
                row.code: {k: v for k, v in asdict(row).items() if k != "code"}
                for row in program_rows
            },
        )
        report.memberships = _sync_memberships(program_code, membership_rows)
    return report


def _formation(row: registry_files.FormationRow | None) -> dict[str, Any]:
    if row is None:
        return {"formed_in": None, "formed_from_id": None, "formed_by": ""}
    return {
        "formed_in": row.formed_in,
        "formed_from_id": row.formed_from,
        "formed_by": row.law,
    }


def _location(row: registry_files.LocationRow | None) -> dict[str, Any]:
    if row is None:
        return {}
    fields = asdict(row)
    del fields["code"]
    return fields


def _sync(model: type[models.Model], wanted: dict[str, dict[str, Any]]) -> SyncCount:
    """Create and update rows keyed by primary key; never delete."""
    count = SyncCount()
    existing = model.objects.in_bulk(list(wanted))
    to_create, to_update, changed_fields = [], [], set()
    for pk, values in wanted.items():
        instance = existing.get(pk)
        if instance is None:
            to_create.append(model(pk=pk, **values))
            continue
        changes = {
            name: value
            for name, value in values.items()
            if getattr(instance, name) != value
        }
        if changes:
            for name, value in changes.items():
                setattr(instance, name, value)
            changed_fields.update(changes)
            to_update.append(instance)
        else:
            count.unchanged += 1
    model.objects.bulk_create(to_create)
    if to_update:
        model.objects.bulk_update(to_update, sorted(changed_fields))
    count.created, count.updated = len(to_create), len(to_update)
    return count


def _sync_memberships(
    program_code: str, rows: list[registry_files.MembershipRow]
) -> SyncCount:
    count = SyncCount()
    existing = {
        (membership.year, membership.region_id): membership
        for membership in ProgramMembership.objects.filter(program_id=program_code)
    }
    to_create, to_update = [], []
    fields = ("status", "confirmed", "name_in_source", "source", "note")
    for row in rows:
        membership = existing.pop((row.year, row.code), None)
        if membership is None:
            to_create.append(
                ProgramMembership(
                    program_id=program_code,
                    region_id=row.code,
                    year=row.year,
                    **{name: getattr(row, name) for name in fields},
                )
            )
        elif any(getattr(membership, name) != getattr(row, name) for name in fields):
            for name in fields:
                setattr(membership, name, getattr(row, name))
            to_update.append(membership)
        else:
            count.unchanged += 1
    ProgramMembership.objects.bulk_create(to_create)
    ProgramMembership.objects.bulk_update(to_update, fields)
    stale = [membership.pk for membership in existing.values()]
    ProgramMembership.objects.filter(pk__in=stale).delete()
    count.created, count.updated, count.deleted = (
        len(to_create),
        len(to_update),
        len(stale),
    )
    return count
