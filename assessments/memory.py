"""Spaced review with FSRS: the `fsrs` package's scheduler, not ours. A learner-skill's memory
is an FSRS card stored in `MemoryState`; this module turns rows into cards and back.

Skills are reviewed over days, not minutes, so the scheduler has no (re)learning steps: every
review goes straight to FSRS's review state. No fuzzing, so a history always gives the same
state."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from fsrs import Card, Rating, Scheduler, State
from fsrs.scheduler import DEFAULT_PARAMETERS

from assessments.models import MemoryState
from assessments.retention import RETAINED_FLOOR_STEPS, retained_steps

MAX_FADE_DAYS = 36_500

DEFAULT_RETENTION = 0.9
"""The recall probability a review is due at, unless the learner chooses another."""

FIRST_STABILITY_DAYS = (1.0, 7.0, 21.0, 60.0)
"""Pathwise's own initial stabilities (FSRS w0-w3: days until recall falls to 90% after a
first review rated Again, Hard, Good, Easy). FSRS's defaults (0.2-8 days) fit a flashcard seen
once; a skill shown by completing a step or passing a check is days of work, so a first Good
lasts three weeks. The other parameters are FSRS's defaults."""

PARAMETERS = (*FIRST_STABILITY_DAYS, *DEFAULT_PARAMETERS[4:])


SCHEDULER = Scheduler(
    parameters=PARAMETERS,
    desired_retention=DEFAULT_RETENTION,
    learning_steps=(),
    relearning_steps=(),
    enable_fuzzing=False,
)
"""Reviews are scheduled (`due`) at DEFAULT_RETENTION; a learner who wants another retention
has their reviews due when retrievability falls below it (tracker/reviews.py)."""


def new_card(at: datetime) -> Card:
    """A memory's first card. Always with an id: without one, fsrs makes one from the clock
    and sleeps a millisecond to keep ids unique (we key memories by their row, not the id)."""
    return Card(card_id=0, due=at)


def card_of(memory: MemoryState) -> Card:
    return Card(
        card_id=memory.pk or 0,  # an id given: no clock-based id, no wait (see new_card)
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


def reviewed(memory: MemoryState, rating: Rating, at: datetime) -> MemoryState:
    """The memory after a review with `rating` at `at` (not saved). A failed review (Again)
    leaves the skill lapsed: FSRS counts recall from the review, but readiness counts the
    skill at its floor until a review passes."""
    if memory.last_review is None:
        card_store(memory, new_card(at))
    card, _log = SCHEDULER.review_card(card_of(memory), rating, at.astimezone(UTC))
    card_store(memory, card)
    memory.reviews += 1
    memory.lapsed = rating == Rating.Again
    memory.fades_at = next_fade(memory, at)
    return memory


STEP, CHECK, REVIEW = "step", "check", "review"
"""What a learner showed a skill by: a step completed for the first time, a check passed, a
review check (whose result is the rating)."""


def refreshes(memory: MemoryState, *, level: int, by: str) -> bool:
    """Whether showing the skill at `level` reviews the memory (refreshing it): a review check
    always does; a step or a check only at or above the level the memory holds (reading an
    introduction does not refresh an expert skill), and a step never clears a lapse (only a
    passed review or check does)."""
    if memory.last_review is None or by == REVIEW:
        return True
    return level >= memory.level and not (by == STEP and memory.lapsed)


def shown(memory: MemoryState, *, level: int, rating: Rating, at: datetime, by: str) -> bool:
    """Apply what a learner showed of the skill at `level` to their memory (not saved); True if
    it was a review. A step or a check raises the level the memory holds (a review checks it,
    it shows no new level); it reviews the memory if it `refreshes` it and is not older than
    the last review (progress logged late, or a review sent late, is not replayed into it)."""
    older = memory.last_review is not None and at < memory.last_review
    refresh = refreshes(memory, level=level, by=by) and not older
    if by != REVIEW:
        memory.level = max(memory.level, level, 1)
    if refresh:
        reviewed(memory, rating, at)
    return refresh


def retrievability(memory: MemoryState, at: datetime) -> float:
    """The probability of recall at `at`, 0-1 (1 right after a review; FSRS counts whole days)."""
    return SCHEDULER.get_card_retrievability(card_of(memory), at)


def retained(memory: MemoryState, at: datetime) -> int:
    """The retained fraction of the skill at `at`, in twentieths (assessments/retention.py);
    the floor while the skill is lapsed."""
    if memory.lapsed:
        return RETAINED_FLOOR_STEPS
    return retained_steps(retrievability(memory, at))


def retained_at(at: datetime) -> Callable[[bool, float | None, datetime | None], int]:
    """`retained(memory, at)` for many memories, from the three fields it reads (lapsed,
    stability, last review), for bulk recomputes that read those columns, not whole rows.
    FSRS's retrievability depends on the stability and the whole days since the last review
    only, so fsrs evaluates each distinct pair of them once."""
    known: dict[tuple[float | None, int | None], int] = {}

    def steps(lapsed: bool, stability: float | None, last_review: datetime | None) -> int:
        if lapsed:
            return RETAINED_FLOOR_STEPS
        key = (stability, None if last_review is None else (at - last_review).days)
        if (found := known.get(key)) is None:
            card = Card(card_id=0, stability=stability, last_review=last_review)  # id: new_card
            found = known[key] = retained_steps(SCHEDULER.get_card_retrievability(card, at))
        return found

    return steps


def next_fade(memory: MemoryState, after: datetime) -> datetime | None:
    """The first moment after `after` at which the retained fraction is lower than at `after`:
    FSRS counts whole days since the last review, so the start of such a day. None once it is
    at its floor. Found by bisection over the days (retrievability only falls with time)."""
    steps = retained(memory, after)
    if memory.last_review is None or steps <= RETAINED_FLOOR_STEPS:
        return None
    low, high = (after - memory.last_review).days, MAX_FADE_DAYS
    if retained(memory, memory.last_review + timedelta(days=high)) >= steps:
        return None
    while high - low > 1:  # retained at `low` days is `steps`; at `high`, lower
        middle = (low + high) // 2
        if retained(memory, memory.last_review + timedelta(days=middle)) < steps:
            high = middle
        else:
            low = middle
    return memory.last_review + timedelta(days=high)
