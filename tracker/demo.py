"""A few weeks of realistic history for the demo learner, so that the dashboard and its charts
have something to show at once. Written through the same services as real progress."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from assessments.banks import banks_load
from assessments.models import SkillCheck
from assessments.services import skill_check_start, skill_check_submit
from careers.models import Background, Role, SeniorityLevel, Skill
from paths.models import LearningPath
from tracker.calendar_feed import calendar_feed_renew
from tracker.models import Enrolment, User
from tracker.recompute import readiness_recompute, readiness_snapshots_backfill
from tracker.services import (
    enrolment_create,
    learner_profile_update,
    progress_log,
    skill_claim_set,
)

# (days ago, step position, minutes, completed?) on the LLM path, oldest first.
LLM_PATH_HISTORY = [
    (24, 1, 45, False),
    (23, 1, 60, True),
    (21, 2, 50, False),
    (20, 2, 40, True),
    (17, 3, 35, False),
    (16, 3, 55, True),
    (13, 4, 45, True),
    (10, 5, 30, False),
    (9, 5, 40, True),
    (6, 6, 50, False),
    (5, 6, 25, False),
    (4, 6, 45, True),
    (2, 7, 60, False),
    (1, 7, 40, False),
]
ML_PATH_HISTORY = [(11, 1, 40, False), (8, 1, 70, True), (3, 2, 30, False)]
# (days ago, skill, level): skill checks passed. Prompt engineering, checked three days ago,
# counts verified; evaluation, checked long before the paths and not practised since, fades.
CHECKS_PASSED = [(200, "evaluation", 2), (3, "prompt-engineering", 2)]


def _pass_check(user: User, slug: str, level: int, at: datetime) -> SkillCheck:
    """A skill check answered right, through the same services as a learner's."""
    check = skill_check_start(user=user, skill=Skill.objects.get(slug=slug), level=level, now=at)
    answers = {
        item.pk: [choice.pk for choice in item.question.choices.all() if choice.is_correct]
        for item in check.items.prefetch_related("question__choices")
    }
    return skill_check_submit(check=check, answers=answers, now=at + timedelta(minutes=6))


def _log(enrolment: Enrolment, history: list[tuple[int, int, int, bool]], zone: ZoneInfo) -> None:
    today = timezone.now().astimezone(zone).date()
    steps = {step.position: step for step in enrolment.path.steps.all()}
    for days_ago, position, minutes, completed in history:
        progress_log(
            enrolment=enrolment,
            step=steps[position],
            minutes=minutes,
            status="completed" if completed else "started",
            occurred_at=datetime.combine(today - timedelta(days=days_ago), time(19, 30), zone),
        )


@transaction.atomic
def demo_history_seed(*, user: User) -> bool:
    """Give the learner their demo history unless they already have enrolments; True if seeded."""
    if user.enrolments.exists():
        return False
    banks_load()  # the learner passes skill checks (idempotent: loads only what changed)
    learner_profile_update(
        user=user,
        background=Background.objects.get(slug="software-engineering"),
        target_role=Role.objects.get(slug="llm-engineer"),
        target_level=SeniorityLevel.objects.get(slug="junior"),
        weekly_goal_minutes=240,
    )
    zone = ZoneInfo(user.profile.timezone)
    today = timezone.now().astimezone(zone).date()
    llm = enrolment_create(
        user=user,
        path=LearningPath.objects.get(slug="llm-engineer-from-backend"),
        target_date=today + timedelta(days=35),
    )
    ml = enrolment_create(user=user, path=LearningPath.objects.get(slug="ml-engineer-foundations"))
    Enrolment.objects.filter(pk=llm.pk).update(enrolled_at=timezone.now() - timedelta(days=25))
    Enrolment.objects.filter(pk=ml.pk).update(enrolled_at=timezone.now() - timedelta(days=12))
    for days_ago, slug, level in CHECKS_PASSED[:1]:
        _pass_check(user, slug, level, timezone.now() - timedelta(days=days_ago))
    _log(llm, LLM_PATH_HISTORY, zone)
    _log(ml, ML_PATH_HISTORY, zone)
    for days_ago, slug, level in CHECKS_PASSED[1:]:
        _pass_check(user, slug, level, timezone.now() - timedelta(days=days_ago))
    skill_claim_set(
        user=user,
        skill=Skill.objects.get(slug="python-engineering"),
        level=4,
        evidence_url="https://github.com/",
        note="Six years of backend Python in production.",
    )
    readiness_snapshots_backfill(
        user_id=user.pk, days=[today - timedelta(days=n) for n in range(25, 0, -1)]
    )
    readiness_recompute(user_id=user.pk)
    calendar_feed_renew(user=user)  # the plan in a calendar (the URL is printed)
    return True
