"""What a release keeps beyond its results, so that it can be read and
verified without today's database: the regions as they were at publication,
the framework's full mapping, and every reviewer's answers under a stable
anonymous id.

A region's province is the one it belonged to in the cycle's year (a
province formed later, such as Papua Tengah in 2022, counts as the province it
was formed from: Mimika was in Papua in 2017), with today's beside it as
`province_now`; that is what the release's province ranks were computed from.
The registry keeps no history of population (one `population`, without a
year), so the snapshot records it as the registry says at publication. Once
recorded, none of it changes, whatever the registry says later.
"""

from __future__ import annotations

import hashlib
import hmac
import math
from decimal import Decimal
from typing import Any

from django.conf import settings

from assessments.models import Cycle, Indicator, RubricLevel
from regions.models import ProgramMembership, Province, Region

SNAPSHOT_VERSION = 2  # 2: province as of the cycle's year, province_now


def reviewer_id(cycle_id: int, user_id: int) -> str:
    """A reviewer's anonymous id in a cycle's releases: the first 16 hex digits
    of HMAC-SHA256(SECRET_KEY, "<cycle>:<user>"). Stable across the cycle's
    releases (so an unchanged cycle republishes the same content), different
    across cycles, and not reversible without the server's secret."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"{cycle_id}:{user_id}".encode(), hashlib.sha256
    ).hexdigest()
    return f"r-{digest[:16]}"


def _number(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return str(Decimal(str(value)).normalize())


def regions_snapshot(codes: list[str], year: int) -> list[dict[str, Any]]:
    """Each region as the registry describes it, its province as of `year`
    (see the module note)."""
    then = Province.objects.as_of(year)
    province_names = dict(Province.objects.values_list("code", "name"))
    memberships: dict[str, list[dict[str, Any]]] = {}
    for region_id, year, status, confirmed in (
        ProgramMembership.objects.filter(region__in=codes)
        .order_by("region_id", "year")
        .values_list("region_id", "year", "status", "confirmed")
    ):
        memberships.setdefault(region_id, []).append(
            {"year": year, "status": status, "confirmed": bool(confirmed)}
        )
    rows = []
    for region in Region.objects.filter(code__in=codes).order_by("code"):
        counted = [
            m["year"]
            for m in memberships.get(region.code, [])
            if m["status"] != ProgramMembership.Status.CANCELLED
        ]
        rows.append(
            {
                "region": region.code,
                "name": region.name,
                "kind": region.kind,
                "province": then.get(region.province_id, region.province_id),
                "province_name": province_names[
                    then.get(region.province_id, region.province_id)
                ],
                "province_now": region.province_id,
                "population": region.population,
                "population_year": None,  # the registry does not record it
                "cohort_year": min(counted) if counted else None,
                "memberships": memberships.get(region.code, []),
            }
        )
    return rows


def framework_snapshot(cycle: Cycle) -> dict[str, Any]:
    """Every indicator with its full mapping and rubric levels, and the bands."""
    framework = cycle.framework
    levels: dict[int, list[int]] = {}
    for indicator_id, level in RubricLevel.objects.filter(
        indicator__framework=framework
    ).values_list("indicator_id", "level"):
        levels.setdefault(indicator_id, []).append(level)
    indicators = []
    for indicator in (
        Indicator.objects.filter(framework=framework)
        .select_related("sub_dimension__dimension", "readiness__element")
        .order_by("order")
    ):
        indicators.append(
            {
                "code": indicator.code,
                "order": indicator.order,
                "name_id": indicator.name_id,
                "name_en": indicator.name_en,
                "part": indicator.part,
                "aspect": indicator.aspect,
                "weight": _number(indicator.weight),
                "sub_dimension": indicator.sub_dimension.code,
                "dimension": indicator.sub_dimension.dimension.code,
                "readiness_sub_element": indicator.readiness.code,
                "readiness_element": indicator.readiness.element.code,
                "levels": sorted(levels.get(indicator.pk, [])),
            }
        )
    return {
        "code": framework.code,
        "settings": {
            name: getattr(framework, name, None)
            for name in ("no_evidence_level", "min_reviews", "weight_ranges")
        },
        "indicators": indicators,
        "bands": [
            {"code": code, "upper_bound": _number(upper)}
            for code, upper in framework.bands.order_by("order").values_list(
                "code", "upper_bound"
            )
        ],
    }


def answers_snapshot(cycle: Cycle, answers: Any) -> list[list[Any]]:
    """The submitted answers as [region, indicator code, reviewer id, level],
    level None for "no evidence"; sorted, so the content is canonical."""
    codes = dict(
        Indicator.objects.filter(framework=cycle.framework).values_list("pk", "code")
    )
    rows = [
        [
            record["region"],
            codes[int(record["indicator"])],
            reviewer_id(cycle.pk, int(record["reviewer"])),
            _number(record["level"]),
        ]
        for record in answers.to_dict("records")
    ]
    return sorted(rows, key=lambda row: (row[0], row[1], row[2]))


def snapshot(cycle: Cycle, data: Any) -> dict[str, Any]:
    """The `snapshot` key of a release's content."""
    codes = sorted(str(code) for code in data.regions["region"])
    return {
        "version": SNAPSHOT_VERSION,
        "regions": regions_snapshot(codes, cycle.year),
        "framework": framework_snapshot(cycle),
        "answers": answers_snapshot(cycle, data.answers),
        "target": data.target,
    }


def region_attributes(content: dict[str, Any]) -> dict[str, dict[str, Any]] | None:
    """A release's regions as they were at publication, by code; None for an
    old release without a snapshot (the caller then reads the registry)."""
    shot = content.get("snapshot") if isinstance(content, dict) else None
    if not shot:
        return None
    return {row["region"]: row for row in shot.get("regions", [])}
