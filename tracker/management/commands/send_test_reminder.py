from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tracker.models import LearnerProfile, ReminderDelivery
from tracker.reminders import send_test_reminder


class Command(BaseCommand):
    help = "Send one reminder of the given kind to a learner now, whatever is due."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", help="The learner's email address.")
        parser.add_argument(
            "--kind",
            choices=ReminderDelivery.Kind.values,
            default=ReminderDelivery.Kind.WEEKLY_DIGEST,
        )

    def handle(self, *args: Any, email: str, kind: str, **options: Any) -> None:
        profile = LearnerProfile.objects.filter(user__email=email.lower()).first()
        if profile is None:
            raise CommandError(f"No learner with the email {email}.")
        delivery = send_test_reminder(profile=profile, kind=kind)
        if delivery.status != ReminderDelivery.Status.SENT:
            raise CommandError(f"Not sent: {delivery.error or delivery.status}.")
        self.stdout.write(self.style.SUCCESS(f"Sent a {kind} reminder to {email}."))
