from typing import Any

from celery.exceptions import TimeoutError as CeleryTimeout
from django.core.management.base import BaseCommand, CommandError, CommandParser

from careers.tasks import catalogue_summary_task


class Command(BaseCommand):
    help = "Send a task through the broker and wait for a worker to answer it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--timeout", type=float, default=30.0, help="Seconds to wait.")

    def handle(self, *args: Any, timeout: float, **options: Any) -> None:
        result = catalogue_summary_task.delay()
        try:
            summary = result.get(timeout=timeout)
        except CeleryTimeout as error:
            raise CommandError(f"No worker answered within {timeout:g} s.") from error
        counts = ", ".join(f"{name}={count}" for name, count in summary.items())
        self.stdout.write(f"Worker answered: {counts}")
