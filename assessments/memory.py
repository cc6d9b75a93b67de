"""Spaced review with FSRS: the `fsrs` package's scheduler, not ours. A learner-skill's memory
is an FSRS card stored in `MemoryState`; this module turns rows into cards and back.

Skills are reviewed over days, not minutes, so the scheduler has no (re)learning steps: every
review goes straight to FSRS's review state. No fuzzing, so a history always gives the same
state."""

from datetime import datetime

from fsrs import Card, Rating, Scheduler, State

from assessments.models import MemoryState

DEFAULT_RETENTION = 0.9
"""The recall probability a review is due at, unless the learner chooses another."""


def scheduler(desired_retention: float = DEFAULT_RETENTION) -> Scheduler:
    return Scheduler(
        desired_retention=desired_retention,
        learning_steps=(),
        relearning_steps=(),
        enable_fuzzing=False,
    )


def card_of(memory: MemoryState) -> Card:
    return Card(
        state=State(memory.state),
        step=memory.step,
        stability=memory.stability,
        difficulty=memory.difficulty,
        due=memory.due,
        last_review=memory.last_review,
    )


def card_store(memory: MemoryState, card: Card) -> None:
    memory.state = card.state.value
    memory.step = card.step
    memory.stability = card.stability
    memory.difficulty = card.difficulty
    memory.due = card.due
    memory.last_review = card.last_review


def reviewed(
    memory: MemoryState, rating: Rating, at: datetime, desired_retention: float
) -> MemoryState:
    """The memory after a review with `rating` at `at` (not saved)."""
    card, _log = scheduler(desired_retention).review_card(card_of(memory), rating, at)
    card_store(memory, card)
    memory.reviews += 1
    return memory


def retrievability(
    memory: MemoryState, at: datetime, desired_retention: float = DEFAULT_RETENTION
) -> float:
    """The probability of recall at `at`, 0-1 (1 right after a review)."""
    return scheduler(desired_retention).get_card_retrievability(card_of(memory), at)
