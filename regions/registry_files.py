"""Reading and checking the registry CSV files (see regions/data/README.md).

Every reader returns plain rows or raises RegistryFileError naming the file, the
line and the reason, so a malformed file is refused before anything is written.
No Django models here: the loader in services.py writes what these return.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.utils.translation import gettext as _

REGION_CODE = re.compile(r"^\d{2}\.\d{2}$")
PROVINCE_CODE = re.compile(r"^\d{2}$")
# Indonesia lies within these bounds; anything outside is a typo.
LATITUDE_RANGE = (Decimal("-11.5"), Decimal("6.5"))
LONGITUDE_RANGE = (Decimal("94.5"), Decimal("141.5"))
STATUSES = ("selected", "mou_signed", "masterplan_completed", "cancelled")


class RegistryFileError(ValueError):
    def __init__(self, path: Path, line: int | None, reason: str) -> None:
        self.path, self.line, self.reason = path, line, reason
        where = (
            _("%(file)s, line %(line)d") % {"file": path.name, "line": line}
            if line
            else path.name
        )
        super().__init__(f"{where}: {reason}")


@dataclass(frozen=True)
class ProvinceRow:
    code: str
    name: str


@dataclass(frozen=True)
class RegionRow:
    code: str
    name: str
    kind: str
    province_code: str


@dataclass(frozen=True)
class LocationRow:
    code: str
    capital: str
    latitude: Decimal | None
    longitude: Decimal | None
    area_km2: Decimal | None
    population: int | None


@dataclass(frozen=True)
class FormationRow:
    code: str
    formed_in: int
    formed_from: str
    law: str


@dataclass(frozen=True)
class ProgramRow:
    code: str
    name_id: str
    name_en: str
    start_year: int
    target_year: int
    target_regions: int
    source: str


@dataclass(frozen=True)
class MembershipRow:
    year: int
    code: str
    status: str
    confirmed: bool
    name_in_source: str
    source: str
    note: str


def _records(
    path: Path, required: tuple[str, ...]
) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line number, row) for each record, with surrounding spaces stripped."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise RegistryFileError(path, None, _("file not found")) from None
    except UnicodeDecodeError:
        raise RegistryFileError(path, None, _("not UTF-8 text")) from None
    reader = csv.DictReader(text.splitlines(keepends=True), strict=True)
    header = reader.fieldnames or []
    missing = [column for column in required if column not in header]
    if missing:
        raise RegistryFileError(
            path, 1, _("missing column(s): %s") % ", ".join(missing)
        )
    try:
        for row in reader:
            if None in row or any(value is None for value in row.values()):
                raise RegistryFileError(
                    path,
                    reader.line_num,
                    _("expected %(expected)d fields") % {"expected": len(header)},
                )
            yield reader.line_num, {key: value.strip() for key, value in row.items()}
    except csv.Error as error:
        raise RegistryFileError(path, reader.line_num, str(error)) from None


def _require(path: Path, line: int, row: dict[str, str], *columns: str) -> None:
    for column in columns:
        if not row[column]:
            raise RegistryFileError(path, line, _("%s is empty") % column)


def _decimal(path: Path, line: int, row: dict[str, str], column: str) -> Decimal | None:
    if not row[column]:
        return None
    try:
        value = Decimal(row[column])
    except InvalidOperation:
        raise RegistryFileError(
            path,
            line,
            _("%(column)s is not a number: %(value)r")
            % {"column": column, "value": row[column]},
        ) from None
    if not value.is_finite():
        raise RegistryFileError(path, line, _("%s is not a number") % column)
    return value


def _integer(path: Path, line: int, row: dict[str, str], column: str) -> int:
    try:
        return int(row[column])
    except ValueError:
        raise RegistryFileError(
            path,
            line,
            _("%(column)s is not a whole number: %(value)r")
            % {"column": column, "value": row[column]},
        ) from None


def read_regions(path: Path) -> tuple[list[ProvinceRow], list[RegionRow]]:
    provinces: dict[str, ProvinceRow] = {}
    regions: dict[str, RegionRow] = {}
    columns = ("code", "name", "kind", "province_code", "province_name")
    for line, row in _records(path, columns):
        _require(path, line, row, *columns)
        code, province_code = row["code"], row["province_code"]
        if not REGION_CODE.match(code):
            raise RegistryFileError(
                path, line, _("code %r is not a Kemendagri code like 36.74") % code
            )
        if not PROVINCE_CODE.match(province_code) or code[:2] != province_code:
            raise RegistryFileError(
                path,
                line,
                _("province_code %(province)r does not match code %(code)s")
                % {"province": province_code, "code": code},
            )
        if row["kind"] not in ("kota", "kabupaten"):
            raise RegistryFileError(
                path, line, _("kind must be kota or kabupaten, not %r") % row["kind"]
            )
        if code in regions:
            raise RegistryFileError(path, line, _("code %s appears twice") % code)
        known = provinces.setdefault(
            province_code, ProvinceRow(province_code, row["province_name"])
        )
        if known.name != row["province_name"]:
            raise RegistryFileError(
                path,
                line,
                _("province %(code)s is named both %(first)r and %(second)r")
                % {
                    "code": province_code,
                    "first": known.name,
                    "second": row["province_name"],
                },
            )
        regions[code] = RegionRow(code, row["name"], row["kind"], province_code)
    if not regions:
        raise RegistryFileError(path, None, _("no regions in the file"))
    return list(provinces.values()), list(regions.values())


def read_locations(path: Path, known_codes: set[str]) -> list[LocationRow]:
    """Capital, location, area and population per code (region or province file)."""
    rows: dict[str, LocationRow] = {}
    columns = ("code", "capital", "latitude", "longitude", "area_km2", "population")
    for line, row in _records(path, columns):
        code = row["code"]
        if code not in known_codes:
            raise RegistryFileError(path, line, _("unknown code %r") % code)
        if code in rows:
            raise RegistryFileError(path, line, _("code %s appears twice") % code)
        latitude = _decimal(path, line, row, "latitude")
        longitude = _decimal(path, line, row, "longitude")
        if (
            latitude is not None
            and not LATITUDE_RANGE[0] <= latitude <= LATITUDE_RANGE[1]
        ):
            raise RegistryFileError(
                path, line, _("latitude %s is outside Indonesia") % latitude
            )
        if longitude is not None and not (
            LONGITUDE_RANGE[0] <= longitude <= LONGITUDE_RANGE[1]
        ):
            raise RegistryFileError(
                path, line, _("longitude %s is outside Indonesia") % longitude
            )
        area = _decimal(path, line, row, "area_km2")
        if area is not None and area <= 0:
            raise RegistryFileError(path, line, _("area_km2 must be positive"))
        population = (
            _integer(path, line, row, "population") if row["population"] else None
        )
        if population is not None and population < 0:
            raise RegistryFileError(path, line, _("population must not be negative"))
        rows[code] = LocationRow(
            code, row["capital"], latitude, longitude, area, population
        )
    return list(rows.values())


def read_formations(path: Path, provinces: dict[str, str]) -> list[FormationRow]:
    """Provinces formed from another one, with the year of their law: a region
    of such a province belonged to the province it was formed from before that
    year (docs/scoring.md, "Provinsi pada tahun siklus"). `provinces`: code ->
    name from the region file; a name given here must match it."""
    rows: dict[str, FormationRow] = {}
    columns = ("code", "name", "formed_in", "formed_from", "law")
    for line, row in _records(path, columns):
        _require(path, line, row, *columns)
        code, parent = row["code"], row["formed_from"]
        for column, value in (("code", code), ("formed_from", parent)):
            if value not in provinces:
                raise RegistryFileError(
                    path,
                    line,
                    _("%(column)s %(code)r is not a province of the region file")
                    % {"column": column, "code": value},
                )
        if row["name"] != provinces[code]:
            raise RegistryFileError(
                path,
                line,
                _("province %(code)s is named %(name)r in the region file")
                % {"code": code, "name": provinces[code]},
            )
        if parent == code:
            raise RegistryFileError(
                path, line, _("province %s cannot be formed from itself") % code
            )
        year = _integer(path, line, row, "formed_in")
        if not 1945 <= year <= 2100:
            raise RegistryFileError(path, line, _("formed_in %d is not a year") % year)
        if code in rows:
            raise RegistryFileError(path, line, _("code %s appears twice") % code)
        rows[code] = FormationRow(code, year, parent, row["law"])
    # A parent is older than its child: otherwise the chain could loop.
    for line, row in enumerate(rows.values(), start=2):
        parent = rows.get(row.formed_from)
        if parent is not None and parent.formed_in >= row.formed_in:
            raise RegistryFileError(
                path,
                line,
                _(
                    "province %(code)s is formed in %(year)d from %(parent)s, formed in %(parent_year)d or later"
                )
                % {
                    "code": row.code,
                    "year": row.formed_in,
                    "parent": parent.code,
                    "parent_year": parent.formed_in,
                },
            )
    return list(rows.values())


def read_programs(path: Path) -> list[ProgramRow]:
    rows: dict[str, ProgramRow] = {}
    columns = (
        "code",
        "name_id",
        "name_en",
        "start_year",
        "target_year",
        "target_regions",
        "source",
    )
    for line, row in _records(path, columns):
        _require(path, line, row, "code", "name_id", "name_en")
        program = ProgramRow(
            code=row["code"],
            name_id=row["name_id"],
            name_en=row["name_en"],
            start_year=_integer(path, line, row, "start_year"),
            target_year=_integer(path, line, row, "target_year"),
            target_regions=_integer(path, line, row, "target_regions"),
            source=row["source"],
        )
        if program.target_year < program.start_year:
            raise RegistryFileError(path, line, _("target_year is before start_year"))
        if program.target_regions <= 0:
            raise RegistryFileError(path, line, _("target_regions must be positive"))
        if program.code in rows:
            raise RegistryFileError(
                path, line, _("code %s appears twice") % program.code
            )
        rows[program.code] = program
    if not rows:
        raise RegistryFileError(path, None, _("no programs in the file"))
    return list(rows.values())


def read_cohorts(path: Path, regions: dict[str, RegionRow]) -> list[MembershipRow]:
    """Memberships per year. `status` and `confirmed` are optional columns: the
    shared research file lacks them (see regions/data/README.md)."""
    rows: dict[tuple[int, str], MembershipRow] = {}
    columns = (
        "batch_year",
        "name_in_source",
        "code",
        "kind",
        "province_code",
        "source",
        "note",
    )
    for line, row in _records(path, columns):
        _require(path, line, row, "batch_year", "name_in_source", "code", "source")
        year = _integer(path, line, row, "batch_year")
        if not 2000 <= year <= 2100:
            raise RegistryFileError(path, line, _("batch_year %d is not a year") % year)
        code = row["code"]
        region = regions.get(code)
        if region is None:
            raise RegistryFileError(
                path, line, _("region code %r is not in the region file") % code
            )
        if row["kind"] != region.kind:
            raise RegistryFileError(
                path,
                line,
                _("kind %(kind)r does not match the registry (%(code)s is a %(real)s)")
                % {"kind": row["kind"], "code": code, "real": region.kind},
            )
        if row["province_code"] != region.province_code:
            raise RegistryFileError(
                path,
                line,
                _("province_code %r does not match the region code")
                % row["province_code"],
            )
        status = row.get("status") or "selected"
        if status not in STATUSES:
            raise RegistryFileError(
                path,
                line,
                _("status must be one of %(choices)s, not %(value)r")
                % {"choices": ", ".join(STATUSES), "value": status},
            )
        confirmed_text = row.get("confirmed") or (
            "no" if row["note"].upper().startswith("UNCERTAIN") else "yes"
        )
        if confirmed_text not in ("yes", "no"):
            raise RegistryFileError(
                path, line, _("confirmed must be yes or no, not %r") % confirmed_text
            )
        if (year, code) in rows:
            raise RegistryFileError(
                path,
                line,
                _("%(code)s is listed twice for %(year)d")
                % {"code": code, "year": year},
            )
        rows[(year, code)] = MembershipRow(
            year=year,
            code=code,
            status=status,
            confirmed=confirmed_text == "yes",
            name_in_source=row["name_in_source"],
            source=row["source"],
            note=row["note"],
        )
    return list(rows.values())
