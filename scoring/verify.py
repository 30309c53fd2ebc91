"""Recompute a release from its Data Package alone (scoring/package.py) and say
which published numbers differ: `manage.py verify_release PACKAGE`.

Only the package is read: the answers (anonymous reviewers), the indicator
levels decided by consensus or appeal, the regions snapshot and the framework
are turned back into the frames `scoring.analytics.compute_cycle` takes, and
its result is formatted exactly as a release's content is (the region entries
of scoring.contract).
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import json
import zipfile
from collections.abc import Mapping
from typing import Any

import pandas as pd

from assessments.models import Cycle
from scoring import contract


def read_package(path: str) -> dict[str, Any]:
    with zipfile.ZipFile(path) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    tables = {
        name[: -len(".csv")]: list(csv.DictReader(io.StringIO(body.decode("utf-8"))))
        for name, body in files.items()
        if name.endswith(".csv")
    }
    return {"release": json.loads(files["release.json"]), "tables": tables}


def _number(text: str) -> float | None:
    return None if text in ("", None) else float(text)


def cycle_data(package: dict[str, Any]):
    """The package as the CycleData the scoring services compute from."""
    from scoring.services import CycleData

    tables = package["tables"]
    release = package["release"]
    framework = release["content"]["framework"]
    # compute_cycle takes numeric ids: an indicator is its framework order, a
    # reviewer its position among the sorted anonymous ids.
    number = {row["code"]: int(row["order"]) for row in tables["indicators"]}
    people = sorted({row["reviewer"] for row in tables["levels"] if row["reviewer"]})
    person = {name: n for n, name in enumerate(people, start=1)}
    answers = pd.DataFrame(
        [
            {
                "region": row["region"],
                "indicator": number[row["indicator"]],
                "reviewer": person[row["reviewer"]],
                "level": _number(row["reviewer_level"]),
            }
            for row in tables["levels"]
            if row["reviewer"]
        ],
        columns=["region", "indicator", "reviewer", "level"],
    )
    answers["level"] = answers["level"].astype("float64")
    decided = {}
    for row in tables["levels"]:
        if row["source"] in ("consensus", "appeal"):
            decided[(row["region"], row["indicator"])] = row
    consensus = pd.DataFrame(
        [
            {
                "region": r["region"],
                "indicator": number[r["indicator"]],
                "level": float(r["indicator_level"]),
            }
            for r in decided.values()
            if r["source"] == "consensus"
        ],
        columns=["region", "indicator", "level"],
    )
    appeals = pd.DataFrame(
        [
            {
                "region": r["region"],
                "indicator": number[r["indicator"]],
                "level": float(r["indicator_level"]),
                "decided_at": pd.Timestamp(release["published_at"]),
            }
            for r in decided.values()
            if r["source"] == "appeal"
        ],
        columns=["region", "indicator", "level", "decided_at"],
    )
    indicators = pd.DataFrame(
        [
            {
                "indicator": number[row["code"]],
                "part": row["part"],
                "aspect": row["aspect"],
                "sub_dimension": row["sub_dimension"],
                "dimension": row["dimension"],
                "element": row["readiness_element"],
                "weight": float(row["weight"]),
            }
            for row in tables["indicators"]
        ],
        columns=[
            "indicator",
            "part",
            "aspect",
            "sub_dimension",
            "dimension",
            "element",
            "weight",
        ],
    )
    snapshot = release["content"].get("snapshot") or {}
    region_rows = []
    for row in snapshot.get("regions", []):
        # As scoring.services.read counts cohorts: a region with an unconfirmed
        # active membership gets none; otherwise its first active year.
        active = [m for m in row["memberships"] if m["status"] != "cancelled"]
        certain = all(m["confirmed"] for m in active)
        region_rows.append(
            {
                "region": row["region"],
                "kind": row["kind"],
                "province": row["province"],
                "population": row["population"],
                "cohort_year": min(m["year"] for m in active)
                if active and certain
                else None,
            }
        )
    regions = pd.DataFrame(
        region_rows, columns=["region", "kind", "province", "population", "cohort_year"]
    )
    regions["cohort_year"] = regions["cohort_year"].astype("Int64")
    regions["population"] = regions["population"].astype("Int64")
    settings = (snapshot.get("framework") or {}).get("settings") or {}
    available = {
        "answers": answers,
        "consensus": consensus,
        "appeals": appeals,
        "indicators": indicators,
        "regions": regions,
        "part_weights": {k: float(v) for k, v in framework["part_weights"].items()},
        "aspect_weights": {k: float(v) for k, v in framework["aspect_weights"].items()},
        "bands": [
            (code, None if upper is None else float(upper))
            for code, upper in framework["bands"]
        ],
        "min_coverage": float(framework["min_coverage"]),
        "target_band": framework["target_band"],
        "target": snapshot.get("target", 100),
        **{k: v for k, v in settings.items() if v is not None},
    }
    names = {field.name for field in dataclasses.fields(CycleData)}
    return CycleData(**{k: v for k, v in available.items() if k in names})


def _flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, inner in value.items():
            out.update(_flatten(inner, f"{prefix}.{key}" if prefix else str(key)))
        return out
    if isinstance(value, list):
        out = {}
        for n, inner in enumerate(value):
            out.update(_flatten(inner, f"{prefix}[{n}]"))
        return out
    return {prefix: value}


def differences(package: dict[str, Any]) -> list[str]:
    """Every published number (and band, rank, level) that the recomputation
    does not reproduce, as "<where>: published X, recomputed Y"."""
    from scoring import services

    release = package["release"]
    content: contract.ReleaseContent = release["content"]
    out: list[str] = []
    canonical = services._canonical(content).encode()
    if hashlib.sha256(canonical).hexdigest() != release["checksum"]:
        out.append("checksum: the content's SHA-256 is not the published checksum")
    data = cycle_data(package)
    result = services.compute(data)
    cycle = Cycle(pk=content["cycle"]["id"], year=content["cycle"]["year"])
    codes = {int(row["order"]): row["code"] for row in package["tables"]["indicators"]}
    recomputed = services.region_entries(cycle, result, codes)
    published: dict[str, contract.RegionEntry] = {
        row["region"]: row for row in content["regions"]
    }
    again = {row["region"]: row for row in recomputed}
    for region in sorted(set(published) | set(again)):
        left = _flatten(published.get(region, {}))
        right = _flatten(again.get(region, {}))
        for key in sorted(set(left) | set(right)):
            if left.get(key) != right.get(key):
                out.append(
                    f"{region} {key}: published {left.get(key)!r}, "
                    f"recomputed {right.get(key)!r}"
                )
    alpha = services._float(result.alpha)
    if content.get("alpha") != alpha:
        out.append(f"alpha: published {content.get('alpha')!r}, recomputed {alpha!r}")
    # The tables must say what the content says.
    for row in package["tables"].get("results", []):
        entry: Mapping[str, Any] = published.get(row["region"]) or {}
        for key in ("index", "band", "coverage"):
            if key in row and (entry.get(key) or "") != row[key]:
                out.append(
                    f"results.csv {row['region']} {key}: {row[key]!r}, "
                    f"release content {entry.get(key)!r}"
                )
    return out
