"""Memory states follow the `fsrs` package's scheduler exactly (no learning steps, no fuzzing),
fade with time and are restored by a review."""

from datetime import UTC, datetime, timedelta

import pytest
from fsrs import Card, Rating, Scheduler
from hypothesis import given, settings
from hypothesis import strategies as st

from assessments.memory import PARAMETERS, REVIEW, retrievability
from assessments.models import Choice, MemoryState, Question
from assessments.services import memories_review, skill_check_start, skill_check_submit
from tests.factories import SkillFactory, UserFactory

pytestmark = pytest.mark.django_db


def memory_review(*, user, skill, rating, at):
    (memory,) = memories_review(
        user_id=user.pk, skill_levels={skill.pk: 2}, rating=rating, at=at, by=REVIEW
    )
    return memory


START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
HISTORY = [
    (0, Rating.Good),
    (3, Rating.Good),
    (20, Rating.Again),
    (21, Rating.Good),
    (60, Rating.Easy),
]


def test_the_state_matches_the_packages_scheduler_for_a_recorded_history():
    learner, skill = UserFactory.create(), SkillFactory.create()
    package = Scheduler(
        parameters=PARAMETERS, learning_steps=(), relearning_steps=(), enable_fuzzing=False
    )
    card = Card(due=START)

    for days, rating in HISTORY:
        at = START + timedelta(days=days)
        memory = memory_review(user=learner, skill=skill, rating=rating, at=at)
        card, _ = package.review_card(card, rating, at)

    memory.refresh_from_db()
    assert (memory.stability, memory.difficulty) == (card.stability, card.difficulty)
    assert (memory.state, memory.due, memory.last_review) == (
        card.state.value,
        card.due,
        card.last_review,
    )
    assert memory.reviews == len(HISTORY)
    assert MemoryState.objects.count() == 1


def test_a_skill_fades_until_it_is_reviewed():
    learner, skill = UserFactory.create(), SkillFactory.create()
    memory = memory_review(user=learner, skill=skill, rating=Rating.Good, at=START)

    fading = [retrievability(memory, START + timedelta(days=d)) for d in (0, 7, 30, 365)]
    restored = memory_review(
        user=learner, skill=skill, rating=Rating.Good, at=START + timedelta(days=365)
    )

    assert fading[0] == pytest.approx(1.0)
    assert fading == sorted(fading, reverse=True)
    # A first Good review lasts 21 days at 90% (Pathwise's initial stability); after a year,
    # (1 + 0.9817 * 365/21) ** -0.1542 = 0.64.
    assert fading[1] > 0.9 > fading[2]
    assert fading[-1] == pytest.approx(0.64, abs=0.005)
    assert retrievability(restored, START + timedelta(days=365)) == pytest.approx(1.0)


@settings(max_examples=25, deadline=None)
@given(
    gaps=st.lists(st.integers(min_value=0, max_value=400), min_size=1, max_size=6),
    ratings=st.lists(st.sampled_from(list(Rating)), min_size=6, max_size=6),
)
def test_a_review_never_lowers_retrievability(gaps, ratings):
    package = Scheduler(
        parameters=PARAMETERS, learning_steps=(), relearning_steps=(), enable_fuzzing=False
    )
    card, at = Card(due=START), START
    for gap, rating in zip(gaps, ratings, strict=False):
        at += timedelta(days=gap)
        before = package.get_card_retrievability(card, at) if card.last_review else 0.0
        card, _ = package.review_card(card, rating, at)
        assert package.get_card_retrievability(card, at) >= before


def test_passing_a_check_is_a_review_of_the_skill():
    learner, skill = UserFactory.create(), SkillFactory.create()
    for n in range(5):
        question = Question.objects.create(skill=skill, level=2, text=f"Q{n}", explanation="E")
        Choice.objects.bulk_create(
            Choice(question=question, position=i, text=f"c{i}", is_correct=i == 0) for i in range(3)
        )
    check = skill_check_start(user=learner, skill=skill, level=2, now=START)
    answers = {item.pk: [item.question.choices.get(position=0).pk] for item in check.items.all()}

    skill_check_submit(check=check, answers=answers, now=START + timedelta(minutes=3))

    memory = MemoryState.objects.get(user=learner, skill=skill)
    assert (memory.reviews, memory.last_review) == (1, START + timedelta(minutes=3))
    assert retrievability(memory, START + timedelta(minutes=3)) == pytest.approx(1.0)
    assert memory.level == 2


def test_memory_arithmetic_never_waits_on_the_clock(monkeypatch):
    """fsrs sleeps a millisecond when it has to invent a card id; with thousands of memories
    per recompute that would be seconds. Every card here is given its id."""
    learner, skill = UserFactory.create(), SkillFactory.create()

    def no_sleep(seconds):
        raise AssertionError(f"slept {seconds} s")

    monkeypatch.setattr("time.sleep", no_sleep)
    memory = memory_review(user=learner, skill=skill, rating=Rating.Good, at=START)

    assert retrievability(memory, START + timedelta(days=30)) < 1
    assert memory.fades_at == START + timedelta(days=22)
