"""Compute and cache the weights explorer's exact attainable ranks of published
releases, so the first visitor does not wait for them (514 regions take about a
minute on 2 cores; see docs/weights.md)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from scoring import explorer
from scoring.models import Release


class Command(BaseCommand):
    help = "Cache the attainable ranks of the weights explorer for releases."

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
            started = time.perf_counter()
            data = explorer.explorer_data(release)
            ranked = sum(1 for r in data["regions"] if r["attainable"])
            self.stdout.write(
                f"release {release.pk}: {ranked} regions, "
                f"{time.perf_counter() - started:.1f} s"
            )
