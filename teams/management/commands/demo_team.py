from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from teams.demo import demo_cohort_seed
from tracker.models import User
from tracker.services import user_ensure

DEMO_LEAD = ("lead@pathwise.local", "lead-ai-2026")
DEMO_LEARNER_EMAIL = "learner@pathwise.local"


class Command(BaseCommand):
    help = (
        "Create (or reset) the demo lead and their cohort of six learners with history, the "
        "demo learner among them; print the lead's credentials. Run after demo_accounts."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("Demo accounts have published passwords: DEBUG only.")
        learner = User.objects.filter(email=DEMO_LEARNER_EMAIL).first()
        if learner is None:
            raise CommandError("Run demo_accounts first: the demo learner is in the cohort.")
        email, password = DEMO_LEAD
        lead, created = user_ensure(email=email, password=password)
        self.stdout.write(f"Demo lead {'created' if created else 'reset'}: {email} / {password}")
        if demo_cohort_seed(lead=lead, learner=learner, password=password):
            self.stdout.write("  with a cohort of seven learners on the LLM Engineer path")
