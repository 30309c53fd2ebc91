from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from assessments.models import FrameworkVersion
from demo import cycle as demo
from regions.models import Region


class Command(BaseCommand):
    help = (
        "Create the demo: a 2017 cycle for the pilot regions, the users admin, "
        "reviewer1-6 and official-<code> per pilot region. Run load_regions and "
        "load_framework first. Running it again resets the demo data."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--password", default="demo12345")
        parser.add_argument(
            "--today",
            type=date.fromisoformat,
            default=None,
            help="Anchor the cycle's deadlines to this date (YYYY-MM-DD).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not Region.objects.exists():
            raise CommandError("No regions yet: run `manage.py load_regions` first.")
        if not FrameworkVersion.objects.filter(code=demo.DEMO_FRAMEWORK).exists():
            raise CommandError(
                f"Framework {demo.DEMO_FRAMEWORK} is missing: run "
                "`manage.py load_framework` first."
            )
        today = options["today"] or timezone.localdate()
        cycle, accounts = demo.seed(password=options["password"], today=today)
        self.stdout.write(
            f"Cycle: {cycle.name} ({cycle.regions.count()} regions), "
            f"submissions {cycle.submissions_open:%Y-%m-%d} to "
            f"{cycle.submissions_close:%Y-%m-%d}"
        )
        self.stdout.write(f"Users (password: {options['password']}):")
        for account in accounts:
            region = f"  {account.region}" if account.region else ""
            self.stdout.write(f"  {account.username:<16} {account.role.label}{region}")
