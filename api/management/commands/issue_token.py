from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser

from api import tokens


class Command(BaseCommand):
    help = "Issue a personal API token for USERNAME and print it (shown only once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--scope", choices=["read", "write"], default="read")
        parser.add_argument("--days", type=int, default=90)
        parser.add_argument("--name", default="command line")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            raise CommandError(
                f"Pengguna '{options['username']}' tidak ada (no such user)."
            )
        try:
            _token, raw = tokens.issue(
                user=user,
                name=options["name"],
                scope=options["scope"],
                days=options["days"],
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(raw)
