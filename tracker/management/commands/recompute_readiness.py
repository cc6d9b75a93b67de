from typing import Any

from django.core.management.base import BaseCommand

from tracker.models import LearnerProfile
from tracker.recompute import RECOMPUTE_BATCH_SIZE, readiness_recompute_many


class Command(BaseCommand):
    help = "Recompute every learner's readiness now, in batches, in this process."

    def handle(self, *args: Any, **options: Any) -> None:
        ids = list(LearnerProfile.objects.order_by("user_id").values_list("user_id", flat=True))
        for start in range(0, len(ids), RECOMPUTE_BATCH_SIZE):
            readiness_recompute_many(user_ids=ids[start : start + RECOMPUTE_BATCH_SIZE])
        self.stdout.write(self.style.SUCCESS(f"Recomputed readiness for {len(ids)} learners."))
