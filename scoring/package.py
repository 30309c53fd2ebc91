"""A release as a Frictionless Data Package (zip): everything served comes
from the stored, immutable release content, never from today's database, so
the same release always yields the same package.

Resources: levels.csv (region x indicator x reviewer), results.csv, regions.csv
(the snapshot), indicators.csv (weights and mapping), weights.csv (parts and
aspects), bands.csv; plus release.json (the release's metadata and its full
canonical content, from which the checksum is recomputed).
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from typing import Any

from django.core.cache import cache as django_cache

from scoring.models import Release

NO_EVIDENCE = "no evidence"
ZIP_DATE = (2017, 1, 1, 0, 0, 0)  # fixed member dates: the same bytes every time


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def _type(values: list[Any]) -> str:
    present = [v for v in values if v is not None and v != ""]
    if present and all(isinstance(v, bool) for v in present):
        return "boolean"
    if present and all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        return "integer"

    def numeric(v: Any) -> bool:
        if isinstance(v, bool):
            return False
        if isinstance(v, (int, float)):
            return True
        try:
            float(str(v))
        except ValueError:
            return False
        return str(v).strip().lower() not in ("nan", "inf", "-inf", "infinity")

    if present and all(numeric(v) for v in present):
        return "number"
    return "string"


def _table(rows: list[dict[str, Any]], columns: list[str]) -> tuple[bytes, dict]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(column)) for column in columns])
    fields = [
        {"name": column, "type": _type([row.get(column) for row in rows])}
        for column in columns
    ]
    return buffer.getvalue().encode("utf-8"), {"fields": fields, "missingValues": [""]}


def result_rows(content: dict[str, Any]) -> list[dict[str, Any]]:
    """results.csv: every scalar of each region's result; dicts flattened to
    `<key>_<name>`, two-element lists (intervals) to `<key>_low`/`<key>_high`."""
    rows = []
    for region in content.get("regions", []):
        row: dict[str, Any] = {}
        for key, value in region.items():
            if key in ("levels", "details"):
                continue
            if key == "uncertainty":  # {group: {"interval": [lo, hi], "tie": ...}}
                for group, inner in value.items():
                    for name in ("interval", "tie"):
                        low, high = inner.get(name, [None, None])
                        row[f"{group}_{name}_low"], row[f"{group}_{name}_high"] = (
                            low,
                            high,
                        )
                continue
            if isinstance(value, dict):
                for name, inner in value.items():
                    if not isinstance(inner, (dict, list)):
                        row[f"{key}_{name}" if key != "ranks" else name] = inner
            elif isinstance(value, list):
                if len(value) == 2 and not any(
                    isinstance(v, (dict, list)) for v in value
                ):
                    row[f"{key}_low"], row[f"{key}_high"] = value
            else:
                row[key] = value
        rows.append(row)
    return rows


def level_rows(content: dict[str, Any]) -> list[dict[str, Any]]:
    """levels.csv: one row per region, indicator and reviewer (the reviewer's
    level, or "no evidence"), with the indicator's level and its source; for
    an old release without answers, one row per region and indicator."""
    levels = {
        (region["region"], code): value
        for region in content.get("regions", [])
        for code, value in region.get("levels", {}).items()
    }
    answers = (content.get("snapshot") or {}).get("answers")
    rows = []
    if answers is None:
        for (region, code), value in sorted(levels.items()):
            rows.append(
                {
                    "region": region,
                    "indicator": code,
                    "reviewer": None,
                    "reviewer_level": None,
                    "no_evidence": None,
                    "indicator_level": value.get("level"),
                    "source": value.get("source"),
                }
            )
        return rows
    for region, code, reviewer, level in answers:
        value = levels.get((region, code), {})
        rows.append(
            {
                "region": region,
                "indicator": code,
                "reviewer": reviewer,
                "reviewer_level": level,
                "no_evidence": level is None,
                "indicator_level": value.get("level"),
                "source": value.get("source"),
            }
        )
    return rows


def _columns(rows: list[dict[str, Any]], first: list[str]) -> list[str]:
    seen = list(first)
    for row in rows:
        for key in row:
            if key not in seen:
                seen.append(key)
    return seen


def build(release: Release) -> bytes:
    """The zip's bytes (deterministic for a release)."""
    from scoring.services import checksum_of

    content = release.content
    shot = content.get("snapshot") or {}
    framework = content.get("framework", {})
    mapping = {
        row["code"]: row for row in (shot.get("framework") or {}).get("indicators", [])
    }
    indicators = []
    for code, values in sorted(framework.get("indicators", {}).items()):
        row = {"code": code, **values}
        extra = mapping.get(code, {})
        for key in (
            "order",
            "dimension",
            "sub_dimension",
            "readiness_element",
            "readiness_sub_element",
            "name_id",
            "name_en",
        ):
            row[key] = extra.get(key)
        row["levels"] = " ".join(str(v) for v in extra.get("levels", [])) or None
        indicators.append(row)
    weights = [
        {"kind": "part", "code": k, "weight": v}
        for k, v in sorted(framework.get("part_weights", {}).items())
    ] + [
        {"kind": "aspect", "code": k, "weight": v}
        for k, v in sorted(framework.get("aspect_weights", {}).items())
    ]
    bands = [
        {"order": n, "code": code, "upper_bound": upper}
        for n, (code, upper) in enumerate(framework.get("bands", []), start=1)
    ]
    regions = [
        {
            **{k: v for k, v in row.items() if k != "memberships"},
            "memberships": json.dumps(row.get("memberships", []), sort_keys=True),
        }
        for row in shot.get("regions", [])
    ]
    tables = {
        "levels": (level_rows(content), ["region", "indicator", "reviewer"]),
        "results": (result_rows(content), ["region"]),
        "regions": (regions, ["region"]),
        "indicators": (indicators, ["code"]),
        "weights": (weights, ["kind", "code", "weight"]),
        "bands": (bands, ["order", "code", "upper_bound"]),
    }
    release_json = {
        "release": release.pk,
        "cycle": content.get("cycle"),
        "number": release.number,
        "kind": release.kind,
        "published_at": release.published_at.isoformat(),
        "framework_code": release.framework_code,
        "checksum": release.checksum,
        "checksum_recomputed": checksum_of(release),
        "alpha": content.get("alpha"),
        "content": content,
    }
    resources = [
        {
            "name": "release",
            "path": "release.json",
            "format": "json",
            "mediatype": "application/json",
            "description": "The release's metadata and its full content; the "
            "checksum is SHA-256 of the content's canonical JSON "
            "(docs/scoring.md, Verifying a release).",
        }
    ]
    files: dict[str, bytes] = {}
    for name, (rows, first) in tables.items():
        columns = _columns(rows, first)
        body, schema = _table(rows, columns)
        files[f"{name}.csv"] = body
        resources.append(
            {
                "name": name,
                "path": f"{name}.csv",
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": schema,
            }
        )
    descriptor = {
        "profile": "data-package",
        "name": f"smartcity-release-{release.pk}",
        "title": f"{content.get('cycle', {}).get('name', '')} #{release.number}",
        "version": str(release.number),
        "created": release.published_at.isoformat(),
        "resources": resources,
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        members = {
            "datapackage.json": json.dumps(descriptor, indent=2, ensure_ascii=False),
            "release.json": json.dumps(
                release_json, indent=1, sort_keys=True, ensure_ascii=False
            ),
        }
        for name, text in members.items():
            archive.writestr(zipfile.ZipInfo(name, ZIP_DATE), text.encode("utf-8"))
        for name, body in files.items():
            archive.writestr(zipfile.ZipInfo(name, ZIP_DATE), body)
    return out.getvalue()


def package_bytes(release: Release) -> bytes:
    """Built once per release, kept in the shared cache by id and checksum."""
    key = f"scoring:package:{release.pk}:{release.checksum}"
    found = django_cache.get(key)
    if found is None:
        found = build(release)
        django_cache.set(key, found, timeout=60 * 60 * 24 * 30)
    return found
