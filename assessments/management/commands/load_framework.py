from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from assessments import services
from assessments.framework_files import FrameworkFileError


class Command(BaseCommand):
    help = (
        "Check a framework file (YAML) and load it as a framework version. "
        "A broken file is refused with the problem named; the same file twice "
        "changes nothing; a locked version is never changed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "path", type=Path, nargs="?", default=services.DEFAULT_FRAMEWORK
        )

    def handle(self, *args: Any, path: Path, **options: Any) -> None:
        try:
            result = services.load_framework(path=path)
        except FrameworkFileError as error:
            raise CommandError(_("%s (nothing was changed)") % error) from None
        framework = result.framework
        self.stdout.write(
            f"{framework.code}: {result.outcome} "
            f"({framework.indicators.count()} indicators)"
        )
