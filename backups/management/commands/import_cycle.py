"""manage.py import_cycle IN.zip: restore a cycle written by export_cycle."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from backups import services
from scoring.models import Release
from submissions.models import DocumentVersion, Submission


class Command(BaseCommand):
    help = (
        "Restore a cycle from an archive written by export_cycle. The archive is "
        "checked in full first; regions must be loaded (load_regions). Nothing "
        "changes if anything is wrong."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path, help="The archive to read (.zip).")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            cycle = services.import_cycle(options["archive"])
        except services.BackupError as error:
            raise CommandError(error.message) from error
        self.stdout.write(
            _(
                "Imported cycle “%(cycle)s”: %(submissions)s submissions, "
                "%(versions)s document versions."
            )
            % {
                "cycle": cycle.name,
                "submissions": Submission.objects.filter(cycle=cycle).count(),
                "versions": DocumentVersion.objects.filter(
                    document__submission__cycle=cycle
                ).count(),
            }
        )
        for release in Release.objects.filter(cycle=cycle).order_by("number"):
            self.stdout.write(
                _("Release %(number)s (%(kind)s): sha256 %(checksum)s, verified")
                % {
                    "number": release.number,
                    "kind": release.kind,
                    "checksum": release.checksum,
                }
            )
