"""Skill checks: start one (a random draw from the bank), submit the answers once (graded here,
never on the client), and record the result. A pass is verified evidence of the skill at that
level (`skill_verified`, which the learner side listens to).

Passing also counts as a review of the learner's memory of the skill (`memories_review`, FSRS).
A review is a shorter check of a skill the learner holds, at the highest level they reviewed
with a bank (`review_start`); its result rates the memory (all right Good, one wrong Hard,
more Again) and sends `memory_reviewed`.

The rules, Pathwise's own and documented in the README:
- QUESTIONS_PER_CHECK questions, all of the skill and level, drawn at random from the active
  ones; a pass needs PASS_MARK of them right (a select-all question is right only with all and
  only its correct choices);
- a check must be submitted within TIME_LIMIT of its start, or it counts as a failed attempt;
- after a failed check or review the skill can be tried again after COOLDOWN; at most
  DAILY_LIMIT attempts (checks and reviews) per skill in any 24 hours;
- one attempt per skill is open at a time: starting the same one again returns it, starting
  another is refused until it is submitted or runs out.
"""

import math
import random
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from fractions import Fraction

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from fsrs import Rating

from assessments.memory import CHECK, REVIEW, STEP, shown
from assessments.models import CheckItem, MemoryState, Question, SkillCheck
from assessments.signals import memory_reviewed, skill_verified
from careers.models import Skill

QUESTIONS_PER_CHECK = 5
PASS_MARK = Fraction(4, 5)
QUESTIONS_PER_REVIEW = 3
REVIEW_PASS_MARK = Fraction(2, 3)
TIME_LIMIT = timedelta(minutes=20)
COOLDOWN = timedelta(minutes=30)
DAILY_LIMIT = 3
RAN_OUT = timedelta(microseconds=1)  # just past a time limit


def _lock_learner(user: AbstractBaseUser) -> None:
    """One check operation at a time per learner: concurrent starts cannot both pass the
    attempt limits."""
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()


def _open_attempt(user: AbstractBaseUser, skill: Skill, now: datetime) -> SkillCheck | None:
    return (
        SkillCheck.objects.filter(
            user_id=user.pk, skill=skill, submitted_at=None, expires_at__gt=now
        )
        .order_by("-started_at")
        .first()
    )


def _reopened(
    user: AbstractBaseUser, skill: Skill, purpose: str, level: int | None, now: datetime
) -> SkillCheck | None:
    """The open attempt at the skill if it is the one asked for (None if there is none). One
    attempt per skill is open at a time: another check or review of the skill would show
    answers to questions the open one may hold."""
    open_attempt = _open_attempt(user, skill, now)
    if open_attempt is None:
        return None
    if open_attempt.purpose == purpose and level in (None, open_attempt.level):
        return open_attempt
    raise ValidationError(
        _(
            "Your %(attempt)s of %(skill)s at level %(level)s is still open: submit it first "
            "(it closes %(when)s)."
        )
        % {
            "attempt": open_attempt.get_purpose_display().lower(),
            "skill": skill.name,
            "level": open_attempt.level,
            "when": _in(open_attempt.expires_at - now),
        },
        code="open_attempt",
        params={"retry_at": open_attempt.expires_at},
    )


def _in(wait: timedelta) -> str:
    """'in 25 minutes', 'in 3 hours': a wait in words, the same in every time zone."""
    minutes = max(1, math.ceil(wait.total_seconds() / 60))
    if minutes < 120:
        return ngettext("in %(n)s minute", "in %(n)s minutes", minutes) % {"n": minutes}
    hours = math.ceil(minutes / 60)
    return ngettext("in %(n)s hour", "in %(n)s hours", hours) % {"n": hours}


def _abandoned_reviews_close(user: AbstractBaseUser, skill: Skill, now: datetime) -> None:
    """Reviews of the skill left to run out unsent count as failed, as if sent the moment they
    ran out, once the learner starts again: running out is no way around a failed review."""
    for review in SkillCheck.objects.filter(
        user_id=user.pk,
        skill=skill,
        purpose=SkillCheck.Purpose.REVIEW,
        submitted_at=None,
        expires_at__lte=now,
    ):
        _submit(review, {}, review.expires_at + RAN_OUT)


def _check_attempts_allowed(user: AbstractBaseUser, skill: Skill, now: datetime) -> None:
    """At most DAILY_LIMIT checks and reviews of a skill in 24 hours, and none within COOLDOWN
    of a failed one (its answers were just shown)."""
    recent = list(
        SkillCheck.objects.filter(
            user_id=user.pk, skill=skill, started_at__gt=now - timedelta(days=1)
        )
        .order_by("-started_at")
        .values_list("started_at", "passed", "expires_at", "submitted_at")
    )
    if len(recent) >= DAILY_LIMIT:
        again = recent[-1][0] + timedelta(days=1)
        raise ValidationError(
            _("You have tried this skill %(n)s times in 24 hours; try again %(when)s.")
            % {"n": DAILY_LIMIT, "when": _in(again - now)},
            code="daily_limit",
            params={"retry_at": again},
        )
    failed_at = [
        submitted or expires  # from when the answers were shown, or it ran out unsent
        for _started, passed, expires, submitted in recent
        if passed is False or (submitted is None and expires <= now)
    ]
    if failed_at and max(failed_at) > now - COOLDOWN:
        again = max(failed_at) + COOLDOWN
        raise ValidationError(
            _("Review the explanations first: you can try again %(when)s.")
            % {"when": _in(again - now)},
            code="cooldown",
            params={"retry_at": again},
        )


@transaction.atomic
def skill_check_start(
    *, user: AbstractBaseUser, skill: Skill, level: int, now: datetime | None = None
) -> SkillCheck:
    """A check of the skill at `level`: passing it verifies that level."""
    now = now or timezone.now()
    _lock_learner(user)
    if (open_check := _reopened(user, skill, SkillCheck.Purpose.VERIFY, level, now)) is not None:
        return open_check
    return _drawn(user, skill, level, SkillCheck.Purpose.VERIFY, now)


@transaction.atomic
def review_start(
    *, user: AbstractBaseUser, skill: Skill, now: datetime | None = None
) -> SkillCheck:
    """A review of a skill the learner holds (has a memory of): QUESTIONS_PER_REVIEW questions
    at the highest level up to the one they showed that has a bank, else the lowest above it."""
    now = now or timezone.now()
    _lock_learner(user)
    if (open_review := _reopened(user, skill, SkillCheck.Purpose.REVIEW, None, now)) is not None:
        return open_review
    memory = MemoryState.objects.filter(user_id=user.pk, skill=skill).first()
    banked = sorted(
        Question.objects.filter(skill=skill, is_active=True)
        .values("level")
        .annotate(total=Count("pk"))
        .filter(total__gte=QUESTIONS_PER_REVIEW)
        .values_list("level", flat=True)
    )
    if memory is None or not banked:
        raise ValidationError(
            _("There is nothing to review for %(skill)s yet: complete a step or pass a check.")
            % {"skill": skill.name},
            code="nothing_to_review",
        )
    held = [level for level in banked if level <= memory.level]
    return _drawn(user, skill, held[-1] if held else banked[0], SkillCheck.Purpose.REVIEW, now)


def _drawn(
    user: AbstractBaseUser, skill: Skill, level: int, purpose: str, now: datetime
) -> SkillCheck:
    """A new check, within the attempt limits, with questions drawn at random."""
    _abandoned_reviews_close(user, skill, now)
    _check_attempts_allowed(user, skill, now)
    size = QUESTIONS_PER_CHECK if purpose == SkillCheck.Purpose.VERIFY else QUESTIONS_PER_REVIEW
    pool = list(
        Question.objects.filter(skill=skill, level=level, is_active=True).values_list(
            "pk", flat=True
        )
    )
    if len(pool) < size:
        raise ValidationError(
            _("There is no check for %(skill)s at level %(level)s yet.")
            % {"skill": skill.name, "level": level},
            code="no_questions",
        )
    check = SkillCheck.objects.create(
        user_id=user.pk,
        skill=skill,
        level=level,
        purpose=purpose,
        started_at=now,
        expires_at=now + TIME_LIMIT,
    )
    drawn = random.sample(pool, size)
    CheckItem.objects.bulk_create(
        CheckItem(skill_check=check, question_id=pk, position=i) for i, pk in enumerate(drawn, 1)
    )
    return check


def _graded(items: Sequence[CheckItem], answers: Mapping[int, Sequence[int]]) -> None:
    """Each item's chosen choices and whether they are exactly its correct ones."""
    for item in items:
        choices = {c.pk: c.is_correct for c in item.question.choices.all()}
        chosen = sorted(set(answers.get(item.pk, ())))
        if any(pk not in choices for pk in chosen):
            raise ValidationError(
                _("Answer %(n)s names a choice of another question.") % {"n": item.position},
                code="invalid_choice",
            )
        item.chosen = chosen
        item.correct = set(chosen) == {pk for pk, right in choices.items() if right}


def skill_check_submit(
    *, check: SkillCheck, answers: Mapping[int, Sequence[int]], now: datetime | None = None
) -> SkillCheck:
    """Grade the answers ({item id: [choice ids]}; an item left out is answered with nothing).
    Submitting again returns the first result unchanged; after the time limit the check is
    closed as failed (that is stored) and the answers are refused."""
    check, expired = _submit(check, answers, now or timezone.now())
    if expired:
        raise ValidationError(_("The time for this check ran out."), code="expired")
    return check


@transaction.atomic
def _submit(
    check: SkillCheck, answers: Mapping[int, Sequence[int]], now: datetime
) -> tuple[SkillCheck, bool]:
    check = SkillCheck.objects.select_for_update().get(pk=check.pk)
    if check.submitted_at is not None:
        return check, False
    expired = now > check.expires_at
    items = list(check.items.select_related("question").prefetch_related("question__choices"))
    if not expired:
        _graded(items, answers)
        CheckItem.objects.bulk_update(items, ["chosen", "correct"])
    check.correct_count = sum(bool(item.correct) for item in items)
    share = Fraction(check.correct_count, len(items))
    reviewing = check.purpose == SkillCheck.Purpose.REVIEW
    check.passed = share >= (REVIEW_PASS_MARK if reviewing else PASS_MARK)
    check.submitted_at = now
    check.save(update_fields=["submitted_at", "correct_count", "passed"])
    rating = review_rating(check)
    if rating is not None:  # a review sent late counts when it ran out: a later one wins
        memories_review(
            user_id=check.user_id,
            skill_levels={check.skill_id: check.level},
            rating=rating,
            at=min(now, check.expires_at),
            by=REVIEW if reviewing else CHECK,
        )
    if reviewing:
        memory_reviewed.send(sender=SkillCheck, user_id=check.user_id, skill_id=check.skill_id)
    elif check.passed:
        skill_verified.send(
            sender=SkillCheck, user_id=check.user_id, skill_id=check.skill_id, level=check.level
        )
    return check, expired


def review_rating(check: SkillCheck) -> Rating | None:
    """What a submitted check says of the learner's memory of the skill: a passed check is
    Good; a failed or timed-out check None (it shows the level is not there yet, not that the
    skill was forgotten); a review all right Good, passed with one wrong Hard, failed or left
    to run out Again (so that running out is no way around a failed review)."""
    if check.submitted_at is None:
        return None
    if check.purpose == SkillCheck.Purpose.VERIFY:
        return Rating.Good if check.passed else None
    if check.correct_count == QUESTIONS_PER_REVIEW:
        return Rating.Good
    return Rating.Hard if check.passed else Rating.Again


@transaction.atomic(savepoint=False)  # no savepoint round trips inside a caller's transaction
def memories_review(
    *,
    user_id: int,
    skill_levels: Mapping[int, int],
    rating: Rating,
    at: datetime,
    by: str = STEP,
) -> list[MemoryState]:
    """What the learner showed of each skill, at a level, `by` a step, a check or a review,
    applied to their memory of it (assessments/memory.py `shown`: FSRS reviews, the level
    kept): Good for a step completed or a check passed; a review rates itself. The first
    showing starts a memory."""
    found = {
        m.skill_id: m
        for m in MemoryState.objects.select_for_update().filter(
            user_id=user_id, skill_id__in=skill_levels
        )
    }
    memories = []
    for skill_id, level in skill_levels.items():
        memory = found.get(skill_id) or MemoryState(user_id=user_id, skill_id=skill_id, level=1)
        shown(memory, level=level, rating=rating, at=at, by=by)
        memories.append(memory)
    MemoryState.objects.bulk_create(
        memories,
        update_conflicts=True,
        unique_fields=["user", "skill"],
        update_fields=[
            "level",
            "state",
            "step",
            "stability",
            "difficulty",
            "due",
            "last_review",
            "reviews",
            "lapsed",
            "fades_at",
        ],
    )
    return memories
