from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from scoring import services
from scoring.management.commands.recompute_scores import cycle_from


class Command(BaseCommand):
    help = "Compute and publish the cycle's next release (provisional unless --final)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--cycle", required=True, help="A year or a cycle name.")
        parser.add_argument("--final", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        cycle = cycle_from(options["cycle"])
        try:
            release = services.publish(cycle=cycle, final=options["final"])
        except services.ReleaseError as error:
            raise CommandError(error.message) from error
        self.stdout.write(
            f"{cycle.name}: rilis (release) #{release.number} {release.kind}, "
            f"sha256 {release.checksum}"
        )
