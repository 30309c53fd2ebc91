"""Who or what asked for a score run, in words for the console (issue 17).

`ScoreRun.reason` is written by the code that requests a run
(`services.request_recompute`): "admin <username>", "review <region>",
"reopened <region>", "consensus <region> <indicator>", "appeal <region>
<indicator>", "nightly", or a command's name. Shown as is, it read "admin
admin" and "review 32.14"; here it becomes a sentence with the region's name.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _

from regions.models import Region

REGION_REASONS = ("review", "reopened", "consensus", "appeal")
COMMANDS = ("recompute_scores", "publish_release", "seed_demo", "bench")


def region_names(reasons: Iterable[str]) -> dict[str, str]:
    """The names of the regions the reasons mention, in one query."""
    codes = set()
    for reason in reasons:
        words = reason.split()
        if len(words) >= 2 and words[0] in REGION_REASONS:
            codes.add(words[1])
    return dict(Region.objects.filter(code__in=codes).values_list("code", "name"))


def describe(reason: str, names: dict[str, str]) -> str:
    words = reason.split()
    if not words:
        return "\u2013"
    head, rest = words[0], words[1:]
    region = names.get(rest[0], rest[0]) if rest else ""
    indicator = rest[1] if len(rest) > 1 else ""
    if head == "admin" and rest:
        return _("%(user)s, from the console") % {"user": " ".join(rest)}
    if head == "review" and rest:
        return _("Review submitted: %(region)s") % {"region": region}
    if head == "reopened" and rest:
        return _("Review reopened: %(region)s") % {"region": region}
    if head == "consensus" and rest:
        return _("Consensus level: %(region)s, %(indicator)s") % {
            "region": region,
            "indicator": indicator,
        }
    if head == "appeal" and rest:
        return _("Appeal decided: %(region)s, %(indicator)s") % {
            "region": region,
            "indicator": indicator,
        }
    if reason == "nightly":
        return _("Nightly check")
    if reason in COMMANDS:
        return _("Command %(command)s") % {"command": reason}
    if reason == "manual":
        return _("Run by hand")
    return reason
