from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from regions import services
from regions.registry_files import RegistryFileError


class Command(BaseCommand):
    help = (
        "Load provinces, kabupaten/kota, their locations, the program and its "
        "yearly cohorts from CSV files. All or nothing; running it twice changes "
        "nothing. Defaults: the files in regions/data/."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        defaults = services.RegistryFiles()
        parser.add_argument("--regions", type=Path, default=defaults.regions)
        parser.add_argument("--cohorts", type=Path, default=defaults.cohorts)
        parser.add_argument(
            "--region-locations", type=Path, default=defaults.region_locations
        )
        parser.add_argument(
            "--province-locations", type=Path, default=defaults.province_locations
        )
        parser.add_argument(
            "--province-formations", type=Path, default=defaults.province_formations
        )
        parser.add_argument("--programs", type=Path, default=defaults.programs)
        parser.add_argument("--program", default="GM100SC")

    def handle(self, *args: Any, **options: Any) -> None:
        files = services.RegistryFiles(
            regions=options["regions"],
            region_locations=options["region_locations"],
            province_locations=options["province_locations"],
            province_formations=options["province_formations"],
            programs=options["programs"],
            cohorts=options["cohorts"],
        )
        try:
            report = services.load_registry(
                files=files, program_code=options["program"]
            )
        except RegistryFileError as error:
            raise CommandError(_("%s (nothing was changed)") % error) from None
        for name, count in vars(report).items():
            self.stdout.write(
                f"{name}: {count.created} created, {count.updated} updated, "
                f"{count.unchanged} unchanged, {count.deleted} deleted"
            )
