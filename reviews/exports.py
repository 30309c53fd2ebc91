"""The audit trail as CSV (`/reviews/audit/?format=csv`), streamed."""

from __future__ import annotations

import csv
import itertools
from collections.abc import Iterator

from django.db.models import QuerySet
from django.utils import timezone

from lib import spreadsheets
from reviews.models import ScoreChange

AUDIT_COLUMNS = (
    "at",
    "cycle",
    "region",
    "indicator",
    "source",
    "actor",
    "old",
    "new",
    "reason",
)


def _audit_rows(changes: QuerySet[ScoreChange]) -> Iterator[list[str]]:
    """Each change as a CSV row; reviewers' text can never start a formula."""
    for change in changes.iterator(chunk_size=500):
        row = [
            timezone.localtime(change.at).isoformat(timespec="seconds"),
            change.cycle.name,
            f"{change.region_id} {change.region.name}",
            change.indicator.code,
            change.source,
            change.actor.get_username(),
            change.old_value,
            change.new_value,
            change.reason,
        ]
        yield [spreadsheets.neutralise(value) for value in row]


class _Echo:
    def write(self, value: str) -> str:
        return value


def audit_csv(changes: QuerySet[ScoreChange]) -> Iterator[str]:
    """The header and one line per change, as the response streams them."""
    writer = csv.writer(_Echo())
    lines = itertools.chain([AUDIT_COLUMNS], _audit_rows(changes))
    return (writer.writerow(row) for row in lines)
