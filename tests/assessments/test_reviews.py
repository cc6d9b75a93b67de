"""Reviews: three questions of a skill the learner holds, at the highest level reviewed that
has a bank; the result rates the memory (3 right Good, 2 Hard, fewer Again, as the `fsrs`
scheduler takes them); and the attempt limits hold when starts race."""

import threading
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone
from fsrs import Card, Rating

from assessments.memory import SCHEDULER, retrievability
from assessments.models import MemoryState, SkillCheck
from assessments.services import (
    DAILY_LIMIT,
    memories_review,
    review_start,
    skill_check_start,
    skill_check_submit,
)
from tests.assessments.test_checks import bank, right_answers
from tests.factories import SkillFactory, UserFactory
from tests.markers import row_locks

pytestmark = pytest.mark.django_db

START = timezone.now() - timedelta(days=60)


def held(user, skill, level=3):
    """The learner showed the skill at `level` 60 days ago: one Good review."""
    (memory,) = memories_review(
        user_id=user.pk, skill_levels={skill.pk: level}, rating=Rating.Good, at=START
    )
    return memory


def answered(review, right: int) -> dict[int, list[int]]:
    """The first `right` items answered right, the others with a wrong choice."""
    key = right_answers(review)
    answers = {}
    for n, item in enumerate(review.items.order_by("position")):
        wrong = item.question.choices.filter(is_correct=False).values_list("pk", flat=True)
        answers[item.pk] = key[item.pk] if n < right else [wrong[0]]
    return answers


@pytest.mark.parametrize(
    ("right", "rating", "passed"),
    [(3, Rating.Good, True), (2, Rating.Hard, True), (1, Rating.Again, False)],
)
def test_a_reviews_result_rates_the_memory_as_the_scheduler_would(right, rating, passed):
    user, skill = UserFactory.create(), SkillFactory.create()
    bank(skill, level=2)
    bank(skill, level=3)
    memory = held(user, skill)
    expected, _ = SCHEDULER.review_card(
        Card(
            state=memory.state,
            step=memory.step,
            stability=memory.stability,
            difficulty=memory.difficulty,
            due=memory.due,
            last_review=memory.last_review,
        ),
        rating,
        timezone.now().replace(microsecond=0),
    )
    now = expected.last_review
    assert now is not None

    review = review_start(user=user, skill=skill, now=now - timedelta(minutes=4))
    assert (review.purpose, review.level, review.items.count()) == ("review", 3, 3)
    skill_check_submit(check=review, answers=answered(review, right), now=now)

    review.refresh_from_db()
    memory.refresh_from_db()
    assert (review.passed, review.correct_count) == (passed, right)
    assert (memory.reviews, memory.stability, memory.difficulty) == (
        2,
        expected.stability,
        expected.difficulty,
    )
    assert retrievability(memory, now) == pytest.approx(1.0)  # a review never lowers it
    assert memory.level == 3  # a review does not change the level held


def test_a_review_is_at_the_highest_level_held_that_has_a_bank():
    user, skill = UserFactory.create(), SkillFactory.create()
    bank(skill, level=2)
    held(user, skill, level=4)  # no bank at 3 or 4

    assert review_start(user=user, skill=skill).level == 2


def test_nothing_held_or_no_bank_below_it_is_nothing_to_review():
    user, skill = UserFactory.create(), SkillFactory.create()
    bank(skill, level=3)

    with pytest.raises(ValidationError) as nothing:
        review_start(user=user, skill=skill)
    held(user, skill, level=2)
    with pytest.raises(ValidationError) as below:
        review_start(user=user, skill=skill)

    assert nothing.value.code == below.value.code == "nothing_to_review"
    assert not SkillCheck.objects.exists()


def test_a_failed_check_does_not_touch_the_memory_but_a_failed_review_does():
    user, skill = UserFactory.create(), SkillFactory.create()
    bank(skill, level=2)
    memory = held(user, skill, level=2)
    check = skill_check_start(user=user, skill=skill, level=2)

    skill_check_submit(check=check, answers={})  # none right: failed

    memory.refresh_from_db()
    assert memory.reviews == 1  # not yet having a level is not forgetting it
    stability = memory.stability
    review = review_start(user=user, skill=skill)  # no cooldown: a review proves no level
    skill_check_submit(check=review, answers={})
    memory.refresh_from_db()
    assert memory.reviews == 2
    assert memory.stability < stability  # Again: the next review comes sooner


@row_locks
@pytest.mark.django_db(transaction=True)
def test_racing_starts_never_exceed_the_daily_limit():
    """Six threads start checks of one skill at six different levels at once: the learner's row
    lock lets DAILY_LIMIT through and refuses the rest."""
    user, skill = UserFactory.create(), SkillFactory.create()
    for level in range(1, 6):
        bank(skill, level=level)
    barrier = threading.Barrier(5)
    outcomes: list[str] = []

    def start(level: int) -> None:
        barrier.wait()
        try:
            skill_check_start(user=user, skill=skill, level=level)
            outcomes.append("started")
        except ValidationError as refused:
            outcomes.append(refused.code or "")
        finally:
            connection.close()

    threads = [threading.Thread(target=start, args=(level,)) for level in range(1, 6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["daily_limit"] * (5 - DAILY_LIMIT) + ["started"] * DAILY_LIMIT
    assert SkillCheck.objects.filter(user=user).count() == DAILY_LIMIT
    assert MemoryState.objects.count() == 0
