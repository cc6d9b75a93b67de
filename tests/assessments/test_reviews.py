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

from assessments.memory import CHECK, REVIEW, SCHEDULER, retained, retrievability
from assessments.models import MemoryState, SkillCheck
from assessments.services import (
    DAILY_LIMIT,
    TIME_LIMIT,
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


def test_without_a_bank_at_or_below_the_level_held_a_review_draws_from_the_next_above():
    user, skill = UserFactory.create(), SkillFactory.create()
    bank(skill, level=3)

    with pytest.raises(ValidationError) as nothing:
        review_start(user=user, skill=skill)
    held(user, skill, level=2)

    assert nothing.value.code == "nothing_to_review"
    assert review_start(user=user, skill=skill).level == 3


def test_a_failed_review_counts_the_skill_at_its_floor_until_one_passes():
    """A blank or failed review must not restore a fading skill (FSRS counts recall from the
    review): the memory is lapsed, retained at half, until a review passes."""
    user, skill = UserFactory.create(), SkillFactory.create()
    bank(skill, level=2)
    memory = held(user, skill, level=2)  # 60 days ago
    now = timezone.now()
    fading = retained(memory, now)
    stability = memory.stability

    failed = review_start(user=user, skill=skill, now=now)
    skill_check_submit(check=failed, answers={}, now=now + timedelta(minutes=2))
    memory.refresh_from_db()

    assert 10 < fading < 20
    assert (memory.reviews, memory.lapsed) == (2, True)
    assert memory.stability < stability  # Again: the next review comes sooner
    assert retained(memory, now + timedelta(minutes=3)) == 10  # the floor, not 20/20
    assert memory.fades_at is None
    later = now + timedelta(hours=1)  # after the cooldown
    passed = review_start(user=user, skill=skill, now=later)
    skill_check_submit(check=passed, answers=answered(passed, 3), now=later)
    memory.refresh_from_db()
    assert (memory.lapsed, retained(memory, later)) == (False, 20)


def test_a_review_left_to_run_out_and_sent_late_counts_as_failed():
    """Running out is no way around a failed review: sent late, it lapses the skill (and shows
    the answers); never sent, it changes nothing (and shows nothing)."""
    user, skill = UserFactory.create(), SkillFactory.create()
    bank(skill, level=2)
    memory = held(user, skill, level=2)
    now = timezone.now()
    review = review_start(user=user, skill=skill, now=now)

    with pytest.raises(ValidationError):
        skill_check_submit(check=review, answers={}, now=now + TIME_LIMIT + timedelta(seconds=1))

    memory.refresh_from_db()
    assert (memory.reviews, memory.lapsed) == (2, True)
    unsent = review_start(user=user, skill=skill, now=now + timedelta(hours=2))
    assert unsent.submitted_at is None  # left alone: the memory is as the late one left it
    memory.refresh_from_db()
    assert memory.reviews == 2


def test_a_failed_check_does_not_touch_the_memory_and_holds_back_a_review():
    user, skill = UserFactory.create(), SkillFactory.create()
    bank(skill, level=2)
    memory = held(user, skill, level=2)
    now = timezone.now()
    check = skill_check_start(user=user, skill=skill, level=2, now=now)

    skill_check_submit(check=check, answers={}, now=now)  # none right: failed

    memory.refresh_from_db()
    assert (memory.reviews, memory.lapsed) == (1, False)  # not having a level is not forgetting
    with pytest.raises(ValidationError) as cooling:  # its answers were just shown
        review_start(user=user, skill=skill, now=now + timedelta(minutes=5))
    assert cooling.value.code == "cooldown"


def test_a_step_below_the_level_held_does_not_refresh_it_but_a_late_one_raises_the_level():
    user, skill = UserFactory.create(), SkillFactory.create()
    memory = held(user, skill, level=4)  # 60 days ago
    now = timezone.now()

    memories_review(user_id=user.pk, skill_levels={skill.pk: 2}, rating=Rating.Good, at=now)
    memory.refresh_from_db()
    assert (memory.reviews, memory.level, memory.last_review) == (1, 4, START)
    # Progress logged late: older than the last review, so not replayed, but its level counts.
    memories_review(
        user_id=user.pk, skill_levels={skill.pk: 5}, rating=Rating.Good, at=START - timedelta(1)
    )
    memory.refresh_from_db()
    assert (memory.reviews, memory.level) == (1, 5)


@row_locks
@pytest.mark.django_db(transaction=True)
def test_racing_starts_open_one_attempt_and_never_exceed_the_daily_limit():
    """Two attempts today already; five threads start checks of the skill at five levels at
    once: the learner's row lock lets one through (the daily limit's third) and refuses the
    rest (one attempt open at a time)."""
    user, skill = UserFactory.create(), SkillFactory.create()
    for level in range(1, 6):
        bank(skill, level=level)
    for hours in (3, 2):
        earlier = timezone.now() - timedelta(hours=hours)
        attempt = skill_check_start(user=user, skill=skill, level=1, now=earlier)
        skill_check_submit(check=attempt, answers=right_answers(attempt), now=earlier)
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

    assert sorted(outcomes) == ["open_attempt"] * 4 + ["started"]
    assert SkillCheck.objects.filter(user=user).count() == DAILY_LIMIT


def test_only_a_review_or_a_check_clears_a_lapse_and_a_review_shows_no_new_level():
    user, skill = UserFactory.create(), SkillFactory.create()
    memory = held(user, skill, level=2)
    now = timezone.now()
    memories_review(
        user_id=user.pk, skill_levels={skill.pk: 3}, rating=Rating.Again, at=now, by=REVIEW
    )
    memory.refresh_from_db()
    assert (memory.level, memory.lapsed) == (2, True)  # a review at 3 is not level 3 shown

    memories_review(user_id=user.pk, skill_levels={skill.pk: 2}, rating=Rating.Good, at=now)
    memory.refresh_from_db()
    assert (memory.lapsed, memory.reviews) == (True, 2)  # a step does not clear it
    memories_review(
        user_id=user.pk, skill_levels={skill.pk: 2}, rating=Rating.Good, at=now, by=CHECK
    )
    memory.refresh_from_db()
    assert (memory.lapsed, memory.reviews) == (False, 3)  # a passed check does


def test_a_review_sent_late_counts_when_it_ran_out_so_a_later_pass_wins():
    user, skill = UserFactory.create(), SkillFactory.create()
    bank(skill, level=2)
    held(user, skill, level=2)
    now = timezone.now()
    stale_tab = review_start(user=user, skill=skill, now=now)
    later = now + timedelta(hours=1)  # ran out unsent; the next start closes it as failed
    passed = review_start(user=user, skill=skill, now=later)
    stale_tab.refresh_from_db()
    ran_out = stale_tab.expires_at + timedelta(microseconds=1)
    assert (stale_tab.submitted_at, stale_tab.passed) == (ran_out, False)
    skill_check_submit(check=passed, answers=answered(passed, 3), now=later)

    # Sent from the stale tab afterwards: it was closed; the answer is its first result.
    resent = skill_check_submit(check=stale_tab, answers={}, now=later + timedelta(minutes=1))
    assert (resent.submitted_at, resent.passed) == (ran_out, False)

    memory = MemoryState.objects.get(user=user, skill=skill)
    assert (memory.lapsed, memory.reviews, memory.last_review) == (False, 3, later)


def test_the_cooldown_after_a_check_sent_late_runs_from_when_its_answers_were_shown():
    user, skill = UserFactory.create(), SkillFactory.create()
    bank(skill, level=2)
    now = timezone.now()
    check = skill_check_start(user=user, skill=skill, level=2, now=now)
    sent = now + timedelta(minutes=50)
    with pytest.raises(ValidationError):
        skill_check_submit(check=check, answers={}, now=sent)

    with pytest.raises(ValidationError) as cooling:
        skill_check_start(user=user, skill=skill, level=2, now=sent + timedelta(minutes=1))

    assert cooling.value.code == "cooldown"
