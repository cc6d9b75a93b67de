"""Skill checks: a random draw of the skill and level's active questions, graded on the server
(a select-all question is right only with exactly its correct choices), a pass mark, a time
limit, a cooldown after a failure, a daily limit, and a pass that marks the learner stale."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from assessments import services
from assessments.models import Choice, Question, SkillCheck
from assessments.services import skill_check_start, skill_check_submit
from careers.models import Skill
from tests.factories import SkillFactory, UserFactory
from tracker.models import LearnerProfile, User

pytestmark = pytest.mark.django_db


def bank(skill: Skill, level: int = 2, count: int = 6) -> list[Question]:
    """`count` one-answer questions (the first choice right) and one select-all (0 and 2)."""
    questions = []
    for n in range(count):
        question = Question.objects.create(
            skill=skill, level=level, text=f"Q{n}", explanation=f"Because {n}."
        )
        Choice.objects.bulk_create(
            Choice(question=question, position=i, text=f"c{i}", is_correct=i == 0) for i in range(3)
        )
        questions.append(question)
    several = Question.objects.create(
        skill=skill, level=level, kind="multiple", text="Several", explanation="Two are right."
    )
    Choice.objects.bulk_create(
        Choice(question=several, position=i, text=f"m{i}", is_correct=i in (0, 2)) for i in range(4)
    )
    return [*questions, several]


def right_answers(check: SkillCheck) -> dict[int, list[int]]:
    return {
        item.pk: list(item.question.choices.filter(is_correct=True).values_list("pk", flat=True))
        for item in check.items.select_related("question")
    }


@pytest.fixture
def skill() -> Skill:
    return SkillFactory.create(slug="evaluation", name="Evaluation")


@pytest.fixture
def learner() -> User:
    return UserFactory.create()


def test_a_check_draws_distinct_active_questions_of_its_skill_and_level(skill, learner):
    questions = bank(skill)
    Question.objects.filter(pk=questions[0].pk).update(is_active=False)
    bank(SkillFactory.create(), count=6)  # another skill's
    bank(skill, level=3)  # another level's

    check = skill_check_start(user=learner, skill=skill, level=2)

    drawn = list(check.items.values_list("question_id", flat=True))
    assert len(drawn) == len(set(drawn)) == services.QUESTIONS_PER_CHECK
    assert set(drawn) <= {q.pk for q in questions[1:]}
    assert check.expires_at - check.started_at == services.TIME_LIMIT
    assert skill_check_start(user=learner, skill=skill, level=2).pk == check.pk  # still open


def test_all_right_passes_marks_the_learner_stale_and_a_resubmission_changes_nothing(
    skill, learner
):
    bank(skill)
    LearnerProfile.objects.filter(user=learner).update(readiness_stale_at=None)
    check = skill_check_start(user=learner, skill=skill, level=2)

    result = skill_check_submit(check=check, answers=right_answers(check))
    again = skill_check_submit(check=check, answers={})

    assert (result.correct_count, result.passed) == (5, True)
    assert (again.correct_count, again.passed, again.submitted_at) == (
        5,
        True,
        result.submitted_at,
    )
    assert LearnerProfile.objects.get(user=learner).readiness_stale_at is not None


def test_a_select_all_question_needs_exactly_its_correct_choices(skill, learner):
    questions = bank(skill, count=4)  # 4 one-answer + 1 select-all: all five drawn
    check = skill_check_start(user=learner, skill=skill, level=2)
    answers = right_answers(check)
    several = check.items.get(question=questions[-1])
    right = answers[several.pk]
    wrong_one = several.question.choices.get(is_correct=False, position=1).pk
    answers[several.pk] = [*right, wrong_one]  # one too many

    result = skill_check_submit(check=check, answers=answers)

    assert (result.correct_count, result.passed) == (4, True)  # 4 of 5 is the pass mark
    several.refresh_from_db()
    assert (several.correct, sorted(several.chosen)) == (False, sorted([*right, wrong_one]))


def test_three_right_of_five_fails_and_the_cooldown_then_the_daily_limit_apply(skill, learner):
    bank(skill)
    start = timezone.now()
    check = skill_check_start(user=learner, skill=skill, level=2, now=start)
    answers = right_answers(check)
    for item_id in list(answers)[:2]:
        answers[item_id] = []

    failed = skill_check_submit(check=check, answers=answers, now=start + timedelta(minutes=5))

    assert (failed.correct_count, failed.passed) == (3, False)
    with pytest.raises(ValidationError, match="you can try again in 25 minutes") as cooling:
        skill_check_start(user=learner, skill=skill, level=2, now=start + timedelta(minutes=10))
    assert cooling.value.code == "cooldown"
    for hours in (1, 2):  # two more attempts, passed: no cooldown after a pass
        at = start + services.COOLDOWN + timedelta(hours=hours)
        attempt = skill_check_start(user=learner, skill=skill, level=2, now=at)
        assert skill_check_submit(check=attempt, answers=right_answers(attempt), now=at).passed
    with pytest.raises(ValidationError) as limited:
        skill_check_start(user=learner, skill=skill, level=2, now=start + timedelta(hours=5))
    assert limited.value.code == "daily_limit"
    assert SkillCheck.objects.filter(user=learner).count() == services.DAILY_LIMIT
    next_day = start + timedelta(days=1, minutes=1)  # the first attempt is 24 hours old
    assert (
        skill_check_start(user=learner, skill=skill, level=2, now=next_day).started_at == next_day
    )


def test_a_late_submission_is_refused_and_counts_as_a_failed_attempt(skill, learner):
    bank(skill)
    start = timezone.now()
    check = skill_check_start(user=learner, skill=skill, level=2, now=start)

    with pytest.raises(ValidationError, match="ran out"):
        skill_check_submit(
            check=check,
            answers=right_answers(check),
            now=start + services.TIME_LIMIT + timedelta(1),
        )

    check.refresh_from_db()
    assert (check.passed, check.correct_count) == (False, 0)
    assert check.submitted_at is not None
    assert not check.items.exclude(correct=None).exists()  # no answer was graded


def test_a_choice_of_another_question_is_refused_and_nothing_is_recorded(skill, learner):
    bank(skill)
    check = skill_check_start(user=learner, skill=skill, level=2)
    items = list(check.items.all())
    foreign = items[1].question.choices.first()
    assert foreign is not None

    with pytest.raises(ValidationError, match="another question"):
        skill_check_submit(check=check, answers={items[0].pk: [foreign.pk]})

    check.refresh_from_db()
    assert check.submitted_at is None


def test_a_skill_and_level_without_enough_questions_has_no_check(skill, learner):
    bank(skill, count=3)

    with pytest.raises(ValidationError) as missing:
        skill_check_start(user=learner, skill=skill, level=2)

    assert missing.value.code == "no_questions"
    assert SkillCheck.objects.count() == 0


def test_a_curator_deleting_a_drawn_question_sees_a_count_not_the_learner(
    skill, learner, curator_client
):
    bank(skill)
    check = skill_check_start(user=learner, skill=skill, level=2)
    question = check.items.get(position=1).question

    page = curator_client.get(f"/admin/assessments/question/{question.pk}/delete/")

    html = page.content.decode()
    assert page.status_code == 200
    assert "Check items: 1" in html
    assert learner.email not in html
    assert "item 1" not in html
