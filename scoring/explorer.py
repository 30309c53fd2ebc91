"""Reads for the method page and the weights explorer (selectors).

The explorer's data come from a published release's content only (what the
release froze), plus region names; the attainable ranks depend on nothing
else, so the worker computes them once per release and weight ranges and they
are stored beside the release (scoring.attainable).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, NamedTuple

import numpy as np

from assessments.models import (
    Aspect,
    Band,
    Cycle,
    Dimension,
    FrameworkVersion,
    Indicator,
    ReadinessElement,
)
from regions.models import Region
from scoring import weights
from scoring.models import AttainableRanks, Release

# --------------------------------------------------------------------------
# The method page


def method_framework() -> FrameworkVersion | None:
    """The framework of the current cycle, else the latest loaded one."""
    cycle = Cycle.objects.select_related("framework").current()
    if cycle is not None:
        return cycle.framework
    return FrameworkVersion.objects.order_by("-loaded_at", "-pk").first()


def method_shares(framework: FrameworkVersion) -> dict[str, Any]:
    """Rows per dimension, readiness element, aspect and part: code, name,
    number of indicators and effective share of the index (0-1)."""
    indicators = list(
        Indicator.objects.filter(framework=framework).values(
            "code",
            "part",
            "aspect",
            "weight",
            "sub_dimension__dimension__code",
            "readiness__element__code",
        )
    )
    rows = [
        {
            "code": i["code"],
            "part": i["part"],
            "aspect": i["aspect"],
            "weight": float(i["weight"]),
            "dimension": i["sub_dimension__dimension__code"],
            "element": i["readiness__element__code"],
        }
        for i in indicators
    ]
    shares = weights.effective_shares(
        rows,
        {k: float(v) for k, v in framework.part_weights.items()},
        {k: float(v) for k, v in framework.aspect_weights.items()},
    )
    counts: dict[str, dict[str, int]] = {}
    for row in rows:
        for group in ("dimension", "element", "aspect", "part"):
            code = row[group] or ("blueprint" if group == "aspect" else "")
            counts.setdefault(group, {}).setdefault(code, 0)
            counts[group][code] += 1

    names = {
        "dimension": {
            d.code: d.name for d in Dimension.objects.filter(framework=framework)
        },
        "element": {
            e.code: e.name for e in ReadinessElement.objects.filter(framework=framework)
        },
        "aspect": dict(Aspect.choices) | {"blueprint": "Blueprint"},
        "part": {"blueprint": "Blueprint", "practice": "Practice"},
    }

    def table(group: str) -> list[dict[str, Any]]:
        out = [
            {
                "code": code,
                "name": str(names[group].get(code, code)),
                "indicators": counts[group].get(code, 0),
                "share": share,
                "percent": round(100 * share, 1),
            }
            for code, share in shares[group].items()
        ]
        return sorted(out, key=lambda r: -r["share"])

    tables = {group: table(group) for group in ("dimension", "element", "aspect")}
    tables["part"] = table("part")
    return {"tables": tables, "total": len(rows)}


# --------------------------------------------------------------------------
# The explorer


def _aspect_codes(content: dict[str, Any]) -> tuple[str, ...]:
    used = {
        spec["aspect"]
        for spec in content["framework"]["indicators"].values()
        if spec["part"] == "practice" and spec["aspect"]
    }
    return tuple(a for a in weights.ASPECTS if a in used) + tuple(
        sorted(used - set(weights.ASPECTS))
    )


def weight_ranges(release: Release) -> tuple[dict[str, Any], str]:
    """The ranges the framework allows, and where they come from: the release's
    framework, else the framework version's `weight_ranges`, else the default
    (each part weight +-20%, each aspect weight +-50%)."""
    framework = release.content["framework"]
    given = framework.get("weight_ranges")
    source = "release"
    if not given:
        version = FrameworkVersion.objects.filter(code=release.framework_code).first()
        given = getattr(version, "weight_ranges", None) if version else None
        source = "framework"
    if not given:
        given = weights.default_ranges(
            framework["part_weights"], framework["aspect_weights"]
        )
        source = "default"
    return given, source


def _components(release: Release, aspects: tuple[str, ...]) -> weights.Components:
    rows = [
        {
            "region": row["region"],
            "blueprint": row.get("blueprint"),
            "aspects": {
                a: row["details"].get(f"aspect:{a}")
                for a in aspects
                if row["details"].get(f"aspect:{a}") is not None
            },
            # The regions the release ranks (older releases: the complete).
            "complete": row.get("ranked", row["complete"]),
        }
        for row in release.content["regions"]
    ]
    return weights.Components.from_rows(rows, aspects)


def ranges_digest(ranges: dict[str, Any]) -> str:
    """What a release's attainable ranks are stored under, beside the release:
    a digest of the weight ranges they were computed within."""
    return hashlib.sha256(
        json.dumps(ranges, sort_keys=True, default=str).encode()
    ).hexdigest()[:16]


class Inputs(NamedTuple):
    """What the explorer recomputes from: the aspects in use, the normalised
    weight ranges (and where they come from), the components per region and
    which regions can be explored (ranked, every component present)."""

    aspects: tuple[str, ...]
    ranges: dict[str, Any]
    source: str
    components: weights.Components
    explorable: np.ndarray


def inputs_of(release: Release) -> Inputs:
    """Raises ValueError for ranges that do not fit the weights."""
    framework = release.content["framework"]
    aspects = _aspect_codes(release.content)
    given, source = weight_ranges(release)
    ranges = weights.normalise_ranges(
        given, framework["part_weights"], framework["aspect_weights"], aspects
    )
    components = _components(release, aspects)
    return Inputs(aspects, ranges, source, components, components.explorable(ranges))


def solve_attainable(found: Inputs) -> dict[str, list[int]]:
    """Best and worst attainable rank per explorable region code (one MILP per
    region and direction: slow, the worker's job; see scoring.attainable)."""
    components, explorable = found.components, found.explorable
    codes = [c for c, ok in zip(components.regions, explorable, strict=True) if ok]
    if not codes:
        return {}
    best, worst = weights.attainable_ranks(
        components.matrix()[explorable],
        weights.vertices(found.ranges, components.aspect_codes),
    )
    return {
        code: [int(b), int(w)] for code, b, w in zip(codes, best, worst, strict=True)
    }


def stored_attainable(release: Release, ranges: dict[str, Any]) -> dict | None:
    """The stored attainable ranks of the release within these ranges, or None
    while the worker has not computed them."""
    return (
        AttainableRanks.objects.filter(
            release=release, ranges_digest=ranges_digest(ranges)
        )
        .values_list("ranks", flat=True)
        .first()
    )


def explorer_data(release: Release) -> dict[str, Any]:
    """Everything the explorer page recomputes from, as JSON-ready data."""
    content = release.content
    framework = content["framework"]
    found = inputs_of(release)
    aspects, ranges, source = found.aspects, found.ranges, found.source
    components, explorable = found.components, found.explorable
    stored = stored_attainable(release, ranges)
    attainable = stored or {}
    names = dict(
        Region.objects.filter(code__in=components.regions).values_list("code", "name")
    )
    band_names = {
        band.code: band.name
        for band in Band.objects.filter(framework__code=release.framework_code)
    }
    regions = []
    for k, row in enumerate(content["regions"]):
        code = row["region"]
        reason = ""
        if not row["complete"]:
            reason = "incomplete"
        elif not explorable[k]:
            reason = "missing_component"
        regions.append(
            {
                "region": code,
                "name": names.get(code, code),
                "blueprint": _number(row.get("blueprint")),
                "aspects": [
                    _number(row["details"].get(f"aspect:{a}")) for a in aspects
                ],
                "complete": bool(row["complete"]),
                "explorable": bool(explorable[k]),
                "reason": reason,
                "official": {
                    "index": _number(row.get("index")),
                    "band": row.get("band") or None,
                    "rank": row["ranks"].get("rank_national"),
                },
                "attainable": attainable.get(code),
            }
        )
    return {
        "release": {
            "id": release.pk,
            "cycle": release.cycle_id,
            "number": release.number,
            "checksum": release.checksum,
        },
        "aspects": [
            {"code": a, "name": str(dict(Aspect.choices).get(a, a))} for a in aspects
        ],
        "weights": {
            "part": {p: float(framework["part_weights"][p]) for p in weights.PARTS},
            "aspect": {a: float(framework["aspect_weights"][a]) for a in aspects},
        },
        "ranges": {
            kind: {code: list(pair) for code, pair in ranges[kind].items()}
            for kind in ranges
        },
        "ranges_source": source,
        "bands": [
            [code, None if upper is None else float(upper)]
            for code, upper in framework["bands"]
        ],
        "band_names": band_names,
        "decimals": weights.INDEX_DECIMALS,
        # False while the worker computes the attainable ranks (then null).
        "attainable_ready": stored is not None,
        "regions": regions,
    }


def _number(value: Any) -> float | None:
    return None if value is None else float(value)
