"""What a publish would change, shown to the admin before they confirm
(issue 13, finding 7).

Read-only: the content is computed as `services.publish` would compute it
(`read`, `compute`, `release_content`) but nothing is written. Its checksum is
the confirmation token: the confirming POST carries it back, and
`publish_confirmed` publishes only if the content it publishes has that same
checksum (in one transaction, rolled back otherwise), so a confirm made
against content that changed in between publishes nothing.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from assessments.models import Cycle
from regions.models import Region
from scoring import services
from scoring.models import Release


@dataclass(frozen=True)
class Change:
    region: str
    name: str
    before: dict[str, Any] | None  # None: not in the latest release
    after: dict[str, Any] | None  # None: no longer in the results


@dataclass(frozen=True)
class Preview:
    checksum: str
    regions: int
    latest: Release | None
    changes: list[Change] = field(default_factory=list)

    @property
    def identical(self) -> bool:
        """The content is exactly the latest release's."""
        return self.latest is not None and self.latest.checksum == self.checksum


class Stale(Exception):
    """The content changed after the preview was shown; `preview` is the new one."""

    def __init__(self, preview: Preview) -> None:
        super().__init__("the content changed since the preview")
        self.preview = preview


def checksum(content: dict[str, Any]) -> str:
    """The checksum `services.publish` gives this content."""
    return hashlib.sha256(services._canonical(content).encode()).hexdigest()


def _shown(row: dict[str, Any]) -> dict[str, Any]:
    """What the preview compares of a region: index, band and national rank."""
    return {
        "index": row.get("index"),
        "band": row.get("band") or "",
        "rank": (row.get("ranks") or {}).get("rank_national"),
    }


def compare(content: dict[str, Any], latest: Release | None) -> Preview:
    """The regions whose index, band or national rank differ from `latest`."""
    after = {row["region"]: _shown(row) for row in content["regions"]}
    before = (
        {row["region"]: _shown(row) for row in latest.content["regions"]}
        if latest is not None
        else {}
    )
    codes = sorted(
        code
        for code in set(after) | set(before)
        if latest is not None and after.get(code) != before.get(code)
    )
    names = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
    changes = [
        Change(code, names.get(code, code), before.get(code), after.get(code))
        for code in codes
    ]
    changes.sort(
        key=lambda c: (
            (c.after or {}).get("rank") is None,
            (c.after or {}).get("rank") or 0,
            c.name,
        )
    )
    return Preview(checksum(content), len(after), latest, changes)


def preview(cycle: Cycle) -> Preview:
    """What publishing now would publish, against the cycle's latest release."""
    latest = Release.objects.filter(cycle=cycle).order_by("-number").first()
    if latest is not None and latest.kind == Release.Kind.FINAL:
        raise _final_out()
    data = services.read(cycle)
    result = services.compute(data)
    if not len(result.scores):
        raise _nothing()
    content = services.release_content(cycle, data, result)
    return compare(content, latest)


def _final_out() -> services.ReleaseError:
    from django.utils.translation import gettext as _

    return services.ReleaseError(
        _("The final release is out: nothing more is published for this cycle.")
    )


def _nothing() -> services.ReleaseError:
    from django.utils.translation import gettext as _

    return services.ReleaseError(
        _("There is nothing to publish: no region has a level yet.")
    )


def publish_confirmed(*, cycle: Cycle, final: bool, by, expected: str) -> Release:
    """Publish, but only the content the admin saw (checksum `expected`);
    otherwise roll everything back and raise `Stale` with the new preview.
    A confirm repeated after success returns the same release (publish is
    idempotent for identical content)."""
    try:
        with transaction.atomic():
            release = services.publish(cycle=cycle, final=final, by=by)
            if release.checksum != expected:
                raise _Mismatch(release.content)
    except _Mismatch as mismatch:
        latest = Release.objects.filter(cycle=cycle).order_by("-number").first()
        raise Stale(compare(mismatch.content, latest)) from None
    return release


class _Mismatch(Exception):
    def __init__(self, content: dict[str, Any]) -> None:
        super().__init__("checksum mismatch")
        self.content = content
