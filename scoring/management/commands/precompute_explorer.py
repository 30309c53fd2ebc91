"""Compute and store the weights explorer's exact attainable ranks of published
releases now, in this process (the worker does it after publication; 514
regions take about a minute and a half on 2 cores; see docs/weights.md). For
releases published before the worker did it, or after a change of a framework
version's weight ranges."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from scoring import attainable
from scoring.models import Release


class Command(BaseCommand):
    help = "Store the attainable ranks of the weights explorer for releases."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "release", nargs="*", type=int, help="release ids (default: all)"
        )

    def handle(self, *args, **options) -> None:
        releases = Release.objects.order_by("pk")
        if options["release"]:
            releases = releases.filter(pk__in=options["release"])
            missing = set(options["release"]) - set(
                releases.values_list("pk", flat=True)
            )
            if missing:
                raise CommandError(f"Rilis tidak ditemukan: {sorted(missing)}")
        for release in releases:
            row = attainable.compute(release)
            self.stdout.write(
                f"release {release.pk}: {len(row.ranks)} regions, {row.seconds:.1f} s"
            )
