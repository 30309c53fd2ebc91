"""manage.py export_cycle --cycle 2017 OUT.zip: one cycle and its documents to an archive."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from backups import services


class Command(BaseCommand):
    help = (
        "Write one assessment cycle (its framework, people, submissions, documents, "
        "reviews, results and releases) to a zip archive that import_cycle restores. "
        "The archive holds password hashes and personal data: keep it safe."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--cycle", required=True, help="A year (2017) or a cycle's exact name."
        )
        parser.add_argument("out", type=Path, help="The archive to write (.zip).")
        parser.add_argument(
            "--force", action="store_true", help="Replace OUT if it exists."
        )
        parser.add_argument(
            "--without-passwords",
            action="store_true",
            help="Leave password hashes out: restored accounts must set a new one.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            cycle = services.find_cycle(options["cycle"])
            manifest = services.export_cycle(
                cycle,
                options["out"],
                overwrite=options["force"],
                passwords=not options["without_passwords"],
            )
        except services.BackupError as error:
            raise CommandError(error.message) from error
        counts = manifest["counts"]
        self.stdout.write(
            _(
                "Wrote %(path)s: cycle “%(cycle)s”, %(submissions)s submissions, "
                "%(files)s files, %(answers)s answers, %(releases)s releases, "
                "%(users)s accounts."
            )
            % {
                "path": options["out"],
                "cycle": cycle.name,
                "submissions": counts["submissions.submission"],
                "files": counts["submissions.storedfile"],
                "answers": counts["reviews.answer"],
                "releases": counts["scoring.release"],
                "users": counts["auth.user"],
            }
        )
        for release in manifest["releases"]:
            self.stdout.write(
                _("Release %(number)s (%(kind)s): sha256 %(checksum)s") % release
            )
