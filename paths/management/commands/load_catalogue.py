from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from paths.catalogue import catalogue_load


class Command(BaseCommand):
    help = (
        "Load the career catalogue and learning paths from the data files. Safe to run again: "
        "rows a curator edited are kept unless --force is given."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force", action="store_true", help="Overwrite rows a curator has edited or deleted."
        )

    def handle(self, *args: Any, force: bool, **options: Any) -> None:
        try:
            report = catalogue_load(force=force)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        for line in report.lines():
            self.stdout.write(f"  {line}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Catalogue loaded: {report.total('created')} created, "
                f"{report.total('updated')} updated, {report.total('removed')} removed, "
                f"{report.total('kept')} kept as edited."
            )
        )
