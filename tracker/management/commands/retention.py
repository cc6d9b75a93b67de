from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tracker.retention import POLICIES, retention_run


class Command(BaseCommand):
    help = "Apply the retention policies now (tracker/retention.py), or say what they would delete."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="count, delete nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        done = retention_run(dry_run=options["dry_run"])
        verb = "would delete" if options["dry_run"] else "deleted"
        for policy in POLICIES:
            if policy.name in done:
                self.stdout.write(
                    f"{policy.name} (kept {policy.days} days): {verb} {done[policy.name]}"
                )
            else:
                self.stdout.write(f"{policy.name}: kept forever (0 days)")
