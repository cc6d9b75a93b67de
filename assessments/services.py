"""Skill checks: start one (a random draw from the bank), submit the answers once (graded here,
never on the client), and record the result. A pass is verified evidence of the skill at that
level (`skill_verified`, which the learner side listens to).

Passing also counts as a review of the learner's memory of the skill (`memory_review`, FSRS).

The rules, Pathwise's own and documented in the README:
- QUESTIONS_PER_CHECK questions, all of the skill and level, drawn at random from the active
  ones; a pass needs PASS_MARK of them right (a select-all question is right only with all and
  only its correct choices);
- a check must be submitted within TIME_LIMIT of its start, or it counts as a failed attempt;
- after a failed attempt the same skill can be tried again after COOLDOWN; at most DAILY_LIMIT
  attempts per skill in any 24 hours;
- starting while a check of the same skill and level is open returns that check.
"""

import random
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from fractions import Fraction

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from fsrs import Card, Rating

from assessments.memory import DEFAULT_RETENTION, card_store, reviewed
from assessments.models import CheckItem, MemoryState, Question, SkillCheck
from assessments.signals import skill_verified
from careers.models import Skill

QUESTIONS_PER_CHECK = 5
PASS_MARK = Fraction(4, 5)
TIME_LIMIT = timedelta(minutes=20)
COOLDOWN = timedelta(minutes=30)
DAILY_LIMIT = 3


def _lock_learner(user: AbstractBaseUser) -> None:
    """One check operation at a time per learner: concurrent starts cannot both pass the
    attempt limits."""
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()


def _open_check(
    user: AbstractBaseUser, skill: Skill, level: int, now: datetime
) -> SkillCheck | None:
    return (
        SkillCheck.objects.filter(
            user_id=user.pk, skill=skill, level=level, submitted_at=None, expires_at__gt=now
        )
        .order_by("-started_at")
        .first()
    )


def _check_attempts_allowed(user: AbstractBaseUser, skill: Skill, now: datetime) -> None:
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
            _("You have tried this skill %(n)s times in 24 hours; try again after %(at)s.")
            % {"n": DAILY_LIMIT, "at": timezone.localtime(again).strftime("%H:%M")},
            code="daily_limit",
        )
    failed_at = [
        submitted or expires
        for _started, passed, expires, submitted in recent
        if passed is False or (submitted is None and expires <= now)
    ]
    if failed_at and max(failed_at) > now - COOLDOWN:
        again = max(failed_at) + COOLDOWN
        raise ValidationError(
            _("Review the explanations first: you can try again after %(at)s.")
            % {"at": timezone.localtime(again).strftime("%H:%M")},
            code="cooldown",
        )


@transaction.atomic
def skill_check_start(
    *, user: AbstractBaseUser, skill: Skill, level: int, now: datetime | None = None
) -> SkillCheck:
    now = now or timezone.now()
    _lock_learner(user)
    open_check = _open_check(user, skill, level, now)
    if open_check is not None:
        return open_check
    _check_attempts_allowed(user, skill, now)
    pool = list(
        Question.objects.filter(skill=skill, level=level, is_active=True).values_list(
            "pk", flat=True
        )
    )
    if len(pool) < QUESTIONS_PER_CHECK:
        raise ValidationError(
            _("There is no check for %(skill)s at level %(level)s yet.")
            % {"skill": skill.name, "level": level},
            code="no_questions",
        )
    check = SkillCheck.objects.create(
        user_id=user.pk, skill=skill, level=level, started_at=now, expires_at=now + TIME_LIMIT
    )
    drawn = random.sample(pool, QUESTIONS_PER_CHECK)
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
    check.passed = Fraction(check.correct_count, len(items)) >= PASS_MARK
    check.submitted_at = now
    check.save(update_fields=["submitted_at", "correct_count", "passed"])
    if check.passed:
        memory_review(user=check.user, skill=check.skill, rating=Rating.Good, at=now)
        skill_verified.send(
            sender=SkillCheck, user_id=check.user_id, skill_id=check.skill_id, level=check.level
        )
    return check, expired


@transaction.atomic
def memory_review(
    *,
    user: AbstractBaseUser,
    skill: Skill,
    rating: Rating,
    at: datetime | None = None,
    desired_retention: float = DEFAULT_RETENTION,
) -> MemoryState:
    """Record a review of the learner's memory of a skill (FSRS, assessments/memory.py): Good
    for a check passed, Again for one failed; the first review starts the memory."""
    at = at or timezone.now()
    _lock_learner(user)
    memory = MemoryState.objects.filter(user_id=user.pk, skill=skill).first()
    if memory is None:
        memory = MemoryState(user_id=user.pk, skill=skill)
        card_store(memory, Card(due=at))
    reviewed(memory, rating, at, desired_retention)
    memory.save()
    return memory
