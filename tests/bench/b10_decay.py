"""B10: a day of decay for many learners. The hourly fade task marks stale only the learners a
retained level dropped for (assessments/memory.py `fades_at`); this counts them against the
learners a daily "rescore everyone" would rewrite, and checks they are exactly the learners
whose retained fractions changed, recomputed independently from their memories."""

import os
import random
import time
from datetime import timedelta

from django.db import connection
from django.utils import timezone
from fsrs import Rating

from assessments.memory import card_store, new_card, retained, reviewed
from assessments.models import MemoryState
from tests.bench.harness import Bench, Result
from tracker.models import LearnerProfile
from tracker.recompute import faded_learners_mark_stale

ID = "B10"
WHAT = "learners rescored for a day of decay (fade task), of all"
TARGET = "exactly the changed; reported"
LEARNERS = int(os.environ.get("BENCH_B10_LEARNERS", "20000"))
SKILLS = 8
EMAIL = "b10-{}@bench.local"


def _memories(user_ids: list[int], skill_ids: list[int], now) -> list[MemoryState]:
    """Each learner holds SKILLS skills, each reviewed once (Good) 0-365 days ago, a third of
    them twice; the same history always gives the same state, so states are made once per
    history and copied."""
    rng = random.Random(10)  # noqa: S311 - bench data, not secrets
    made: dict[tuple[int, int | None], MemoryState] = {}
    memories = []
    for user_id in user_ids:
        for skill_id in skill_ids:
            first = rng.randint(0, 365)
            second = rng.randint(0, first) if rng.random() < 1 / 3 else None
            key = (first, second)
            if key not in made:
                memory = MemoryState(level=2)
                card_store(memory, new_card(now - timedelta(days=first)))
                reviewed(memory, Rating.Good, now - timedelta(days=first))
                if second is not None:
                    reviewed(memory, Rating.Good, now - timedelta(days=second))
                made[key] = memory
            template = made[key]
            copy = MemoryState(user_id=user_id, skill_id=skill_id)
            for field in ("level", "state", "step", "stability", "difficulty", "due"):
                setattr(copy, field, getattr(template, field))
            copy.last_review, copy.reviews, copy.fades_at = (
                template.last_review,
                template.reviews,
                template.fades_at,
            )
            memories.append(copy)
    return memories


def _build(count: int, now) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO tracker_user (password, is_superuser, first_name, last_name, is_staff,
                                      is_active, date_joined, email)
            SELECT '!', false, '', '', false, true, now(), 'b10-' || n || '@bench.local'
            FROM generate_series(1, %s) AS n
            """,
            [count],
        )
        cursor.execute(
            """
            INSERT INTO tracker_learnerprofile (user_id, timezone, weekly_goal_minutes,
                remind_inactivity, remind_behind_pace, remind_weekly_digest, remind_reviews_due,
                desired_retention, inactivity_days, preferred_hour, changed_at)
            SELECT id, 'UTC', 180, false, false, false, false, 0.9, 3, 0, now()
            FROM tracker_user WHERE email LIKE 'b10-%%@bench.local'
            """
        )
        cursor.execute("SELECT id FROM tracker_user WHERE email LIKE 'b10-%%@bench.local'")
        user_ids = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT id FROM careers_skill ORDER BY id LIMIT %s", [SKILLS])
        skill_ids = [row[0] for row in cursor.fetchall()]
    MemoryState.objects.bulk_create(_memories(user_ids, skill_ids, now), batch_size=10_000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return user_ids


def _changed(user_ids: list[int], before, after) -> set[int]:
    """Learners with a memory whose retained fraction differs between the two moments."""
    changed = set()
    for memory in MemoryState.objects.filter(user_id__in=user_ids).iterator(chunk_size=10_000):
        if retained(memory, before) != retained(memory, after):
            changed.add(memory.user_id)
    return changed


def run(bench: Bench) -> Result:
    count = LEARNERS * bench.scale
    now = timezone.now()
    user_ids = _build(count, now)
    # The state as of now: every drop up to now already counted (as the hourly task keeps it).
    faded_learners_mark_stale(at=now)
    LearnerProfile.objects.filter(user_id__in=user_ids).update(readiness_stale_at=None)

    tomorrow = now + timedelta(days=1)
    started = time.perf_counter()
    marked = faded_learners_mark_stale(at=tomorrow)
    seconds = time.perf_counter() - started
    stale = set(
        LearnerProfile.objects.filter(
            user_id__in=user_ids, readiness_stale_at__isnull=False
        ).values_list("user_id", flat=True)
    )
    expected = _changed(user_ids, now, tomorrow)
    share = marked / count
    return Result(
        id=ID,
        what=WHAT,
        value=marked,
        baseline=count,
        ratio=round(share, 3),
        target=TARGET,
        met=stale == expected and marked == len(expected),
        unit="learners",
        details={
            "memory_states": count * SKILLS,
            "fade_task_seconds": round(seconds, 2),
            "marked_but_unchanged": len(stale - expected),
            "changed_but_unmarked": len(expected - stale),
        },
    )
