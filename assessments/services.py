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
- after a failed check the same skill can be checked again after COOLDOWN (a review can be
  taken meanwhile); at most DAILY_LIMIT attempts (checks and reviews) per skill in any 24 hours;
- starting while a check (or review) of the same skill is open returns it.
"""

import random
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from fractions import Fraction

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext as _
from fsrs import Rating

from assessments.memory import card_store, new_card, reviewed
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


def _lock_learner(user: AbstractBaseUser) -> None:
    """One check operation at a time per learner: concurrent starts cannot both pass the
    attempt limits."""
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()


def _open_check(
    user: AbstractBaseUser, skill: Skill, purpose: str, now: datetime
) -> SkillCheck | None:
    return (
        SkillCheck.objects.filter(
            user_id=user.pk, skill=skill, purpose=purpose, submitted_at=None, expires_at__gt=now
        )
        .order_by("-started_at")
        .first()
    )


def _check_attempts_allowed(
    user: AbstractBaseUser, skill: Skill, purpose: str, now: datetime
) -> None:
    """The daily limit counts checks and reviews; the cooldown after a failed check holds back
    only another check (a review proves no level)."""
    recent = list(
        SkillCheck.objects.filter(
            user_id=user.pk, skill=skill, started_at__gt=now - timedelta(days=1)
        )
        .order_by("-started_at")
        .values_list("started_at", "passed", "expires_at", "submitted_at", "purpose")
    )
    if len(recent) >= DAILY_LIMIT:
        again = recent[-1][0] + timedelta(days=1)
        raise ValidationError(
            _("You have tried this skill %(n)s times in 24 hours; try again after %(at)s.")
            % {"n": DAILY_LIMIT, "at": timezone.localtime(again).strftime("%H:%M")},
            code="daily_limit",
            params={"retry_at": again},
        )
    if purpose != SkillCheck.Purpose.VERIFY:
        return
    failed_at = [
        submitted or expires
        for _started, passed, expires, submitted, purpose in recent
        if purpose == SkillCheck.Purpose.VERIFY
        and (passed is False or (submitted is None and expires <= now))
    ]
    if failed_at and max(failed_at) > now - COOLDOWN:
        again = max(failed_at) + COOLDOWN
        raise ValidationError(
            _("Review the explanations first: you can try again after %(at)s.")
            % {"at": timezone.localtime(again).strftime("%H:%M")},
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
    open_check = _open_check(user, skill, SkillCheck.Purpose.VERIFY, now)
    if open_check is not None and open_check.level == level:
        return open_check
    return _drawn(user, skill, level, SkillCheck.Purpose.VERIFY, now)


@transaction.atomic
def review_start(
    *, user: AbstractBaseUser, skill: Skill, now: datetime | None = None
) -> SkillCheck:
    """A review of a skill the learner holds (has a memory of): QUESTIONS_PER_REVIEW questions
    at the highest level, up to the one reviewed, that has a bank."""
    now = now or timezone.now()
    _lock_learner(user)
    open_review = _open_check(user, skill, SkillCheck.Purpose.REVIEW, now)
    if open_review is not None:
        return open_review
    memory = MemoryState.objects.filter(user_id=user.pk, skill=skill).first()
    level = (
        Question.objects.filter(skill=skill, level__lte=memory.level, is_active=True)
        .values("level")
        .annotate(total=Count("pk"))
        .filter(total__gte=QUESTIONS_PER_REVIEW)
        .aggregate(top=Max("level"))["top"]
        if memory is not None
        else None
    )
    if level is None:
        raise ValidationError(
            _("There is nothing to review for %(skill)s yet: complete a step or pass a check.")
            % {"skill": skill.name},
            code="nothing_to_review",
        )
    return _drawn(user, skill, level, SkillCheck.Purpose.REVIEW, now)


def _drawn(
    user: AbstractBaseUser, skill: Skill, level: int, purpose: str, now: datetime
) -> SkillCheck:
    """A new check, within the attempt limits, with questions drawn at random."""
    _check_attempts_allowed(user, skill, purpose, now)
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
    if rating is not None:  # a review keeps the memory's level; a passed check may raise it
        shown = {check.skill_id: 0 if reviewing else check.level}
        memories_review(user_id=check.user_id, skill_levels=shown, rating=rating, at=now)
    if reviewing:
        memory_reviewed.send(sender=SkillCheck, user_id=check.user_id, skill_id=check.skill_id)
    elif check.passed:
        skill_verified.send(
            sender=SkillCheck, user_id=check.user_id, skill_id=check.skill_id, level=check.level
        )
    return check, expired


def review_rating(check: SkillCheck) -> Rating | None:
    """What a submitted check says of the learner's memory of the skill: a passed check is
    Good; a review all right Good, passed with one wrong Hard, failed Again; a failed check
    None (it shows the level is not there yet, not that the skill was forgotten)."""
    if check.purpose == SkillCheck.Purpose.VERIFY:
        return Rating.Good if check.passed else None
    if check.correct_count == QUESTIONS_PER_REVIEW:
        return Rating.Good
    return Rating.Hard if check.passed else Rating.Again


@transaction.atomic(savepoint=False)  # no savepoint round trips inside a caller's transaction
def memories_review(
    *, user_id: int, skill_levels: Mapping[int, int], rating: Rating, at: datetime
) -> list[MemoryState]:
    """Record a review of the learner's memory of each skill (FSRS, assessments/memory.py),
    at the level shown (a memory keeps the highest): Good for a step completed or a check
    passed; a review rates itself. The first review starts a memory. A review older than a
    memory's last one (progress logged late) is not replayed into it."""
    found = {
        m.skill_id: m
        for m in MemoryState.objects.select_for_update().filter(
            user_id=user_id, skill_id__in=skill_levels
        )
    }
    memories = []
    for skill_id, level in skill_levels.items():
        memory = found.get(skill_id)
        if memory is None:
            memory = MemoryState(user_id=user_id, skill_id=skill_id, level=max(level, 1))
            card_store(memory, new_card(at))
        elif memory.last_review is not None and at < memory.last_review:
            continue
        memory.level = max(memory.level, level)
        memories.append(reviewed(memory, rating, at))
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
            "fades_at",
        ],
    )
    return memories
