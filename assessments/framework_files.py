"""Reading and checking a framework file (YAML), before anything is written.

The format is documented in assessments/frameworks/README.md. `read_framework`
returns the checked content as plain data, or raises FrameworkFileError with a
message that names the problem and where it is ("indicator BP-GOV-01: rubric
level 3 has no English text").
"""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from django.utils.translation import gettext as _

PARTS = ("blueprint", "practice")
ASPECTS = ("baseline", "output", "outcome", "impact", "quick_win")
LEVELS = (1, 2, 3, 4, 5)
LANGUAGES = ("id", "en")
MAX_FILE_BYTES = 2 * 1024 * 1024


class FrameworkFileError(ValueError):
    pass


def read_framework(path: Path) -> dict[str, Any]:
    """Parse and check the file; return its content with a `sha256` of it."""
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise FrameworkFileError(_("%s: file is larger than 2 MB") % path.name)
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FrameworkFileError(_("%s: file not found") % path) from None
    except UnicodeDecodeError:
        raise FrameworkFileError(_("%s: not UTF-8 text") % path.name) from None
    try:
        content = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = _(" at line %d") % (mark.line + 1) if mark else ""
        raise FrameworkFileError(
            _("%(file)s: not valid YAML%(where)s") % {"file": path.name, "where": where}
        ) from None
    if not isinstance(content, dict):
        raise FrameworkFileError(_("%s: expected a mapping at the top") % path.name)
    framework = _check(content)
    canonical = json.dumps(content, sort_keys=True, default=str, ensure_ascii=False)
    framework["sha256"] = hashlib.sha256(canonical.encode()).hexdigest()
    return framework


def _check(content: dict[str, Any]) -> dict[str, Any]:
    code = _text(content, "code", "framework")
    framework: dict[str, Any] = {
        "code": code,
        "name": _names(content, "name", "framework"),
        "description": _names(content, "description", "framework", required=False),
        "part_weights": _weights(content, "part_weights", PARTS),
        "aspect_weights": _weights(content, "aspect_weights", ASPECTS),
        "levels": _levels(content),
        "bands": _bands(content),
        "min_coverage": _number(content, "min_coverage", "framework"),
    }
    if not 0 <= framework["min_coverage"] <= 1:
        raise FrameworkFileError(_("min_coverage must be between 0 and 1"))
    band_codes = [band["code"] for band in framework["bands"]]
    target = _text(content, "target_band", "framework")
    if target not in band_codes:
        raise FrameworkFileError(
            _("target_band %(target)r is not one of the bands (%(bands)s)")
            % {"target": target, "bands": ", ".join(band_codes)}
        )
    framework["target_band"] = target
    framework["no_evidence_level"] = _no_evidence_level(content)
    framework["min_reviews"] = _min_reviews(content)
    framework["weight_ranges"] = _weight_ranges(content, framework)
    framework["dimensions"] = _groups(content, "dimensions", "sub_dimensions")
    framework["readiness_elements"] = _groups(
        content, "readiness_elements", "sub_elements"
    )
    framework["indicators"] = _indicators(content, framework)
    return framework


def _text(mapping: dict[str, Any], key: str, owner: str) -> str:
    value = mapping.get(key)
    if (
        not isinstance(value, str | int)
        or isinstance(value, bool)
        or not str(value).strip()
    ):
        raise FrameworkFileError(
            _("%(owner)s: %(key)s is missing") % {"owner": owner, "key": key}
        )
    return str(value).strip()


def _names(
    mapping: dict[str, Any],
    key: str | int,
    owner: str,
    *,
    required: bool = True,
    label: str | None = None,
) -> dict[str, str]:
    """The {id, en} pair under `key`; `label` names it in messages (default: key)."""
    label = label or str(key)
    value = mapping.get(key)
    if value is None and not required:
        return {"id": "", "en": ""}
    if not isinstance(value, dict):
        raise FrameworkFileError(
            _("%(owner)s: %(key)s needs an Indonesian (id) and an English (en) text")
            % {"owner": owner, "key": label}
        )
    names = {}
    for language, language_name in (("id", _("Indonesian")), ("en", _("English"))):
        text = value.get(language)
        if not isinstance(text, str) or not text.strip():
            raise FrameworkFileError(
                _("%(owner)s: %(key)s has no %(language)s text")
                % {"owner": owner, "key": label, "language": language_name}
            )
        names[language] = text.strip()
    return names


def _number(mapping: dict[str, Any], key: str, owner: str) -> Decimal:
    value = mapping.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise FrameworkFileError(
            _("%(owner)s: %(key)s must be a number") % {"owner": owner, "key": key}
        )
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise FrameworkFileError(
            _("%(owner)s: %(key)s must be a number") % {"owner": owner, "key": key}
        ) from None
    if not number.is_finite():
        raise FrameworkFileError(
            _("%(owner)s: %(key)s must be a number") % {"owner": owner, "key": key}
        )
    return number


def _positive(mapping: dict[str, Any], key: str, owner: str) -> Decimal:
    number = _number(mapping, key, owner)
    if number <= 0:
        raise FrameworkFileError(
            _("%(owner)s: %(key)s must be positive, not %(value)s")
            % {"owner": owner, "key": key, "value": number}
        )
    return number


def _weights(
    content: dict[str, Any], key: str, names: tuple[str, ...]
) -> dict[str, Decimal]:
    weights = content.get(key)
    if not isinstance(weights, dict):
        raise FrameworkFileError(_("%s is missing") % key)
    unknown = set(weights) - set(names)
    if unknown:
        raise FrameworkFileError(
            _("%(key)s: unknown name(s) %(names)s")
            % {"key": key, "names": ", ".join(sorted(map(str, unknown)))}
        )
    return {name: _positive(weights, name, key) for name in names}


def _no_evidence_level(content: dict[str, Any]) -> int | None:
    """The level "no evidence" scores as; None (absent) means the lowest level."""
    value = content.get("no_evidence_level")
    if value is None:
        return None
    if isinstance(value, bool) or value not in LEVELS:
        raise FrameworkFileError(
            _("no_evidence_level must be one of the levels 1 to 5, not %r") % value
        )
    return int(value)


def _min_reviews(content: dict[str, Any]) -> int:
    value = content.get("min_reviews", 3)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise FrameworkFileError(
            _("min_reviews must be a whole number of at least 1, not %r") % value
        )
    return value


def _weight_ranges(
    content: dict[str, Any], framework: dict[str, Any]
) -> dict[str, dict[str, list[float]]]:
    """{"part": {name: [lo, hi]}, "aspect": {...}}; each range holds its weight."""
    ranges = content.get("weight_ranges")
    if ranges is None:
        return {}
    if not isinstance(ranges, dict) or set(ranges) - {"part", "aspect"}:
        raise FrameworkFileError(
            _("weight_ranges must be a mapping with only 'part' and 'aspect'")
        )
    checked: dict[str, dict[str, list[float]]] = {}
    for kind, names, weights in (
        ("part", PARTS, framework["part_weights"]),
        ("aspect", ASPECTS, framework["aspect_weights"]),
    ):
        given = ranges.get(kind)
        if given is None:
            continue
        if not isinstance(given, dict) or set(given) - set(names):
            raise FrameworkFileError(
                _("weight_ranges.%(kind)s must map the names %(names)s to ranges")
                % {"kind": kind, "names": ", ".join(names)}
            )
        checked[kind] = {}
        for name, pair in given.items():
            where = f"weight_ranges.{kind}.{name}"
            if (
                not isinstance(pair, list)
                or len(pair) != 2
                or any(
                    isinstance(v, bool) or not isinstance(v, int | float) for v in pair
                )
            ):
                raise FrameworkFileError(
                    _("%s must be a list of two numbers [low, high]") % where
                )
            low, high = float(pair[0]), float(pair[1])
            weight = float(weights[name])
            if not 0 <= low <= weight <= high:
                raise FrameworkFileError(
                    _("%(where)s must satisfy 0 <= low <= weight (%(weight)s) <= high")
                    % {"where": where, "weight": weights[name]}
                )
            checked[kind][name] = [low, high]
    return checked


def _levels(content: dict[str, Any]) -> dict[int, dict[str, str]]:
    levels = content.get("levels")
    if not isinstance(levels, dict) or sorted(levels) != list(LEVELS):
        raise FrameworkFileError(_("levels must name exactly the levels 1 to 5"))
    return {
        level: _names(levels, level, "levels", label=_("level %d") % level)
        for level in LEVELS
    }


def _bands(content: dict[str, Any]) -> list[dict[str, Any]]:
    bands = content.get("bands")
    if not isinstance(bands, list) or len(bands) < 2:
        raise FrameworkFileError(_("bands must list at least two bands"))
    checked: list[dict[str, Any]] = []
    for order, band in enumerate(bands, start=1):
        if not isinstance(band, dict):
            raise FrameworkFileError(_("band %d is not a mapping") % order)
        code = _text(band, "code", _("band %d") % order)
        owner = _("band %s") % code
        last = order == len(bands)
        upper = band.get("upper")
        if last:
            if upper is not None:
                raise FrameworkFileError(
                    _("%s: the top band has no upper bound (upper: null)") % owner
                )
        else:
            upper = _number(band, "upper", owner)
            if not 1 < upper <= 5:
                raise FrameworkFileError(
                    _("%s: upper must lie between 1 and 5") % owner
                )
            if checked and upper <= checked[-1]["upper"]:
                raise FrameworkFileError(
                    _(
                        "band thresholds must ascend: %(code)s (%(upper)s) is not above "
                        "%(previous)s (%(previous_upper)s)"
                    )
                    % {
                        "code": code,
                        "upper": upper,
                        "previous": checked[-1]["code"],
                        "previous_upper": checked[-1]["upper"],
                    }
                )
        if any(other["code"] == code for other in checked):
            raise FrameworkFileError(_("band code %s appears twice") % code)
        checked.append(
            {
                "code": code,
                "upper": upper,
                "order": order,
                "name": _names(band, "name", owner),
            }
        )
    return checked


def _groups(content: dict[str, Any], key: str, children: str) -> list[dict[str, Any]]:
    """Dimensions with sub-dimensions, or readiness elements with sub-elements."""
    groups = content.get(key)
    if not isinstance(groups, list) or not groups:
        raise FrameworkFileError(_("%s must be a non-empty list") % key)
    seen: set[str] = set()
    checked = []
    for order, group in enumerate(groups, start=1):
        if not isinstance(group, dict):
            raise FrameworkFileError(
                _("%(key)s: entry %(order)d is not a mapping")
                % {"key": key, "order": order}
            )
        code = _text(group, "code", f"{key} {order}")
        owner = f"{key} {code}"
        if code in seen:
            raise FrameworkFileError(_("code %s appears twice") % code)
        seen.add(code)
        members = group.get(children)
        if not isinstance(members, list) or not members:
            raise FrameworkFileError(
                _("%(owner)s: %(children)s must be a non-empty list")
                % {"owner": owner, "children": children}
            )
        checked_members = []
        for member_order, member in enumerate(members, start=1):
            if not isinstance(member, dict):
                raise FrameworkFileError(
                    _("%(owner)s: entry %(order)d is not a mapping")
                    % {"owner": owner, "order": member_order}
                )
            member_code = _text(member, "code", f"{owner} {children} {member_order}")
            if member_code in seen:
                raise FrameworkFileError(_("code %s appears twice") % member_code)
            seen.add(member_code)
            checked_members.append(
                {
                    "code": member_code,
                    "order": member_order,
                    "name": _names(member, "name", member_code),
                }
            )
        checked.append(
            {
                "code": code,
                "order": order,
                "name": _names(group, "name", owner),
                "members": checked_members,
            }
        )
    return checked


def _indicators(
    content: dict[str, Any], framework: dict[str, Any]
) -> list[dict[str, Any]]:
    indicators = content.get("indicators")
    if not isinstance(indicators, list) or not indicators:
        raise FrameworkFileError(_("indicators must be a non-empty list"))
    sub_dimensions = {m["code"] for g in framework["dimensions"] for m in g["members"]}
    sub_elements = {
        m["code"] for g in framework["readiness_elements"] for m in g["members"]
    }
    seen: set[str] = set()
    checked = []
    for order, indicator in enumerate(indicators, start=1):
        if not isinstance(indicator, dict):
            raise FrameworkFileError(_("indicator %d is not a mapping") % order)
        code = _text(indicator, "code", _("indicator %d") % order)
        owner = _("indicator %s") % code
        if code in seen:
            raise FrameworkFileError(_("indicator code %s appears twice") % code)
        seen.add(code)
        part = indicator.get("part")
        if part not in PARTS:
            raise FrameworkFileError(
                _("%(owner)s: part must be blueprint or practice, not %(value)r")
                % {"owner": owner, "value": part}
            )
        aspect = indicator.get("aspect")
        if part == "blueprint" and aspect is not None:
            raise FrameworkFileError(
                _("%s: a Blueprint indicator has no evaluation aspect") % owner
            )
        if part == "practice" and aspect not in ASPECTS:
            raise FrameworkFileError(
                _(
                    "%(owner)s: a Practice indicator needs an aspect (%(aspects)s), not %(value)r"
                )
                % {"owner": owner, "aspects": ", ".join(ASPECTS), "value": aspect}
            )
        sub_dimension = indicator.get("sub_dimension")
        if sub_dimension not in sub_dimensions:
            raise FrameworkFileError(
                _("%(owner)s: unknown sub_dimension %(value)r")
                % {"owner": owner, "value": sub_dimension}
            )
        readiness = indicator.get("readiness")
        if readiness not in sub_elements:
            raise FrameworkFileError(
                _("%(owner)s: unknown readiness sub-element %(value)r")
                % {"owner": owner, "value": readiness}
            )
        rubric = indicator.get("rubric")
        if not isinstance(rubric, dict):
            raise FrameworkFileError(_("%s: rubric is missing") % owner)
        missing = [level for level in LEVELS if level not in rubric]
        if missing:
            raise FrameworkFileError(
                _("%(owner)s: rubric level %(levels)s is not described")
                % {"owner": owner, "levels": ", ".join(map(str, missing))}
            )
        extra = [str(level) for level in rubric if level not in LEVELS]
        if extra:
            raise FrameworkFileError(
                _("%(owner)s: rubric has levels outside 1-5: %(levels)s")
                % {"owner": owner, "levels": ", ".join(extra)}
            )
        checked.append(
            {
                "code": code,
                "order": order,
                "part": part,
                "aspect": aspect or "",
                "sub_dimension": sub_dimension,
                "readiness": readiness,
                "weight": _positive(indicator, "weight", owner),
                "name": _names(indicator, "name", owner),
                "guidance": _names(indicator, "guidance", owner),
                "rubric": {
                    level: _names(
                        rubric, level, owner, label=_("rubric level %d") % level
                    )
                    for level in LEVELS
                },
            }
        )
    return checked
