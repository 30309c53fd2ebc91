"""manage.py verify_release PACKAGE: recompute every published number of a
release from its Data Package alone (scoring/verify.py)."""

from __future__ import annotations

import zipfile

from django.core.management.base import BaseCommand, CommandError

from scoring import verify


class Command(BaseCommand):
    help = "Recompute a release from its package.zip and list what differs."

    def add_arguments(self, parser) -> None:
        parser.add_argument("package", help="path to a release's package.zip")

    def handle(self, *args, **options) -> None:
        try:
            package = verify.read_package(options["package"])
        except (OSError, KeyError, ValueError, zipfile.BadZipFile) as error:
            raise CommandError(
                f"Paket tidak dapat dibaca / the package cannot be read: {error}"
            ) from error
        found = verify.differences(package)
        release = package["release"]
        label = f"release {release['release']} (#{release['number']})"
        if found:
            for line in found:
                self.stdout.write(line)
            raise CommandError(
                f"{len(found)} angka berbeda / numbers differ in {label}."
            )
        self.stdout.write(
            f"OK: setiap angka cocok / every published number of {label} "
            "is reproduced from the package."
        )
