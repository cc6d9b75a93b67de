"""A demo cohort: the demo lead's six learners on the LLM Engineer path, each with a few weeks
of their own history (written through the same services as real progress), and the demo
learner in it, sharing their detail. Enough members (MIN_GROUP) for the lead's figures and the
curators' analytics to show."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from careers.models import Role, SeniorityLevel
from paths.models import LearningPath
from teams.models import Cohort, Membership
from teams.services import assignment_set, cohort_create
from tracker.models import Enrolment, User
from tracker.recompute import readiness_recompute
from tracker.services import enrolment_create, learner_profile_update, progress_log, user_ensure

COHORT_NAME = "Demo cohort: backend to LLM engineering"
PATH_SLUG = "llm-engineer-from-backend"
# Per cohort learner: (days since enrolling, steps completed, minutes per step). A spread, so
# the lead's bands, spreads and pace have something to show.
COHORT_LEARNERS = [
    (30, 6, 55),
    (28, 4, 70),
    (21, 3, 45),
    (20, 2, 90),
    (14, 1, 40),
    (9, 0, 0),
]


@transaction.atomic
def demo_cohort_seed(*, lead: User, learner: User, password: str) -> bool:
    """The demo cohort, unless the lead has it already; True if seeded."""
    if Cohort.objects.filter(lead=lead, name=COHORT_NAME).exists():
        return False
    role = Role.objects.get(slug="llm-engineer")
    level = SeniorityLevel.objects.get(slug="junior")
    path = LearningPath.objects.get(slug=PATH_SLUG)
    cohort = cohort_create(lead=lead, name=COHORT_NAME, target_role=role, target_level=level)
    today = timezone.localdate()
    assignment_set(cohort=cohort, path=path, due_date=today + timedelta(weeks=6))
    for n, history in enumerate(COHORT_LEARNERS, start=1):
        member, _created = user_ensure(email=f"cohort{n}@pathwise.local", password=password)
        learner_profile_update(user=member, target_role=role, target_level=level)
        _history(member, path, *history)
        readiness_recompute(user_id=member.pk)
        Membership.objects.get_or_create(cohort=cohort, user=member)
    Membership.objects.get_or_create(cohort=cohort, user=learner, defaults={"shares_detail": True})
    return True


def _history(user: User, path: LearningPath, days: int, completed: int, minutes: int) -> None:
    enrolment = enrolment_create(user=user, path=path)
    Enrolment.objects.filter(pk=enrolment.pk).update(
        enrolled_at=timezone.now() - timedelta(days=days)
    )
    zone = ZoneInfo(user.profile.timezone)
    steps = list(path.steps.order_by("position")[:completed])
    for index, step in enumerate(steps):
        day = timezone.localdate() - timedelta(days=days - 1 - index * max(days // 7, 1))
        progress_log(
            enrolment=enrolment,
            step=step,
            minutes=minutes,
            status="completed",
            occurred_at=datetime.combine(day, time(20, 0), zone),
        )
