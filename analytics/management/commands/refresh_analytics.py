"""Refresh the curator analytics now, in this process (the nightly task does it on a worker)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from analytics.services import analytics_refresh
from paths.models import LearningPath


class Command(BaseCommand):
    help = "Recompute the curator analytics of every published or archived path, or of some."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slugs", nargs="*", help="paths to refresh (default: all)")

    def handle(self, *args: Any, slugs: list[str], **options: Any) -> None:
        path_ids = None
        if slugs:
            paths = LearningPath.objects.filter(slug__in=slugs)
            path_ids = list(paths.values_list("pk", flat=True))
        refreshed = analytics_refresh(path_ids=path_ids)
        self.stdout.write(f"Refreshed the analytics of {refreshed} path(s).")
