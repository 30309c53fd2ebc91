from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from assessments.models import Cycle
from scoring import services


def cycle_from(value: str) -> Cycle:
    cycles = list(Cycle.objects.named(value).select_related("framework"))
    if not cycles:
        raise CommandError(f"Tidak ada siklus '{value}' (no such cycle).")
    if len(cycles) > 1:
        names = ", ".join(f"'{c.name}'" for c in cycles)
        raise CommandError(
            f"'{value}' cocok dengan beberapa siklus: {names}. Sebutkan namanya "
            "(several cycles match: give the name)."
        )
    return cycles[0]


class Command(BaseCommand):
    help = "Recompute a cycle's results in the foreground (e.g. --cycle 2017)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--cycle", required=True, help="A year or a cycle name.")

    def handle(self, *args: Any, **options: Any) -> None:
        cycle = cycle_from(options["cycle"])
        run = services.recompute_now(cycle, reason="recompute_scores")
        if run.status != run.Status.DONE:
            raise CommandError(f"Gagal (failed): {run.error}")
        self.stdout.write(
            f"{cycle.name}: {run.regions} daerah (regions) in {run.duration_ms} ms, "
            f"alpha {run.alpha}"
        )
