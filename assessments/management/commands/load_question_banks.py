from typing import Any

from django.core.management.base import BaseCommand

from assessments.banks import banks_load


class Command(BaseCommand):
    help = "Load the shipped question banks (assessments/data/questions/); idempotent."

    def handle(self, *args: Any, **options: Any) -> None:
        load = banks_load()
        self.stdout.write(
            f"Question banks: {load.created} created, {load.updated} updated, "
            f"{load.retired} retired, {load.kept_curator_edits} curator edits kept."
        )
