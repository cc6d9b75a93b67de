from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tracker.calendar_feed import calendar_feed_get, feed_url
from tracker.demo import demo_history_seed
from tracker.services import user_ensure

DEMO_LEARNER = ("learner@pathwise.local", "learn-ai-2026")
DEMO_CURATOR = ("curator@pathwise.local", "curate-ai-2026")


class Command(BaseCommand):
    help = (
        "Create (or reset) the demo learner, with some history, and the demo curator; print "
        "their credentials."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("Demo accounts have published passwords: DEBUG only.")
        for (email, password), curator in ((DEMO_LEARNER, False), (DEMO_CURATOR, True)):
            user, created = user_ensure(email=email, password=password, curator=curator)
            kind = "curator" if curator else "learner"
            verb = "created" if created else "reset"
            self.stdout.write(f"Demo {kind} {verb}: {email} / {password}")
            if curator:
                continue
            if demo_history_seed(user=user):
                self.stdout.write(
                    "  with four weeks of progress on two paths, a skill claim, skill checks, "
                    "a plan and its calendar feed"
                )
            feed = calendar_feed_get(user=user)
            if feed is not None:
                self.stdout.write(f"  plan as a calendar feed: {feed_url(feed)}")
