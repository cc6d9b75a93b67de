"""End to end, as tests/tracker/test_workers_e2e.py (its fixtures: a private Redis, live Celery
workers): the reviews-due reminder goes out once despite repeated tasks and two beats."""

from collections import Counter
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from fsrs import Rating

from assessments.services import memories_review
from tests.factories import SkillFactory, UserFactory
from tests.markers import postgres_only
from tests.processes import wait_for
from tests.tracker import test_workers_e2e
from tracker.models import LearnerProfile, ReminderDelivery

pytestmark = [
    pytest.mark.reliability("Faults"),
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    postgres_only("worker processes share the test database"),
]

celery = test_workers_e2e.celery  # the fixture: workers and beat started on demand


def test_reviews_due_reminders_go_out_once_despite_repeated_tasks_and_two_beats(
    celery, broker, tmp_path
):
    skill = SkillFactory.create(name="Retrieval evaluation")
    # Learners are due at their preferred hour: keep the whole test inside one clock hour.
    wait_for(lambda: timezone.now().minute < 59, 65, "a clock hour with a minute to spare", 1)
    hour = timezone.now().hour
    learners = [UserFactory.create() for _ in range(4)]
    bystander = UserFactory.create()  # nothing due: reviewed a day ago
    LearnerProfile.objects.update(timezone="UTC", preferred_hour=hour, remind_weekly_digest=False)
    with transaction.atomic():
        for user in learners:
            memories_review(
                user_id=user.pk,
                skill_levels={skill.pk: 2},
                rating=Rating.Good,
                at=timezone.now() - timedelta(days=100),
            )
        memories_review(
            user_id=bystander.pk,
            skill_levels={skill.pk: 2},
            rating=Rating.Good,
            at=timezone.now() - timedelta(days=1),
        )
    celery("worker")

    test_workers_e2e.sent_despite_duplicates(len(learners), broker)

    mail_dir = tmp_path / "mail"
    assert test_workers_e2e.emails_by_recipient(mail_dir) == Counter({u.email: 1 for u in learners})
    assert set(ReminderDelivery.objects.values_list("user_id", "kind")) == {
        (u.pk, "reviews_due") for u in learners
    }
    messages = "".join(f.read_text() for f in mail_dir.glob("*.log"))
    assert messages.count("- Retrieval evaluation: ") == len(learners)
