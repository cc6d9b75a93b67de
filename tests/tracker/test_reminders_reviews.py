"""The reviews-due reminder (tracker/reminders.py) with time frozen: who gets it, at which hour,
what it says, backoff, once per day, unsubscribe, and the planner's query count."""

from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from fsrs import Rating

from assessments.memory import REVIEW, retrievability
from assessments.models import MemoryState
from assessments.services import memories_review
from careers.models import Skill
from tests.factories import SkillFactory, UserFactory, published_path
from tests.markers import bulk_query_counts
from tracker.models import LearnerProfile, ReminderDelivery, User
from tracker.reminders import REVIEWS_LISTED, reminders_plan, reminders_send, unsubscribe_token
from tracker.services import enrolment_create

pytestmark = pytest.mark.django_db

# A Tuesday, in winter: London is on UTC. No weekly digest on a Tuesday.
TUESDAY_6PM = datetime(2026, 1, 13, 18, 0, tzinfo=UTC)
BASE_URL = "http://127.0.0.1:8000"


def learner(*, timezone: str = "Europe/London", hour: int = 18, **profile) -> User:
    """A learner with no enrolment: no inactivity or behind-pace reminder can be due."""
    user = UserFactory.create()
    LearnerProfile.objects.filter(user=user).update(
        timezone=timezone, preferred_hour=hour, **profile
    )
    return user


def review_at(user: User, skill: Skill, at: datetime) -> None:
    """A Good review of the skill (as a completed step or a passed check records one)."""
    with transaction.atomic():
        memories_review(user_id=user.pk, skill_levels={skill.pk: 2}, rating=Rating.Good, at=at)


def reviewed(user: User, skill: Skill, *, days_before: int, now: datetime = TUESDAY_6PM) -> None:
    """A first Good review of the skill, `days_before` now."""
    review_at(user, skill, now - timedelta(days=days_before))


# After one Good review (assessments/memory.py's parameters): the chance of recall is below
# every retention offered (80%) this many days later, and above every one (95%) after FRESH.
DUE_DAYS, FRESH_DAYS = 100, 2


def run_hour(now: datetime) -> list[str]:
    """One hourly run: plan and send; the kinds sent, in order."""
    with time_machine.travel(now, tick=False):
        claimed = reminders_plan()
        reminders_send(delivery_ids=claimed)
    return list(ReminderDelivery.objects.filter(pk__in=claimed).values_list("kind", flat=True))


def recall_now(user: User, skill: Skill, now: datetime = TUESDAY_6PM) -> float:
    return retrievability(MemoryState.objects.get(user=user, skill=skill), now)


def shown(user: User, skill: Skill, now: datetime = TUESDAY_6PM) -> str:
    """The email's line for a due skill: its chance of recall in whole per cent, rounded down."""
    return f"- {skill.name}: {int(recall_now(user, skill, now) * 100)}% chance of recall now"


@pytest.fixture
def skills() -> tuple[Skill, Skill, Skill]:
    return (
        SkillFactory.create(name="Prompt design"),
        SkillFactory.create(name="Vector search"),
        SkillFactory.create(name="Evaluation"),
    )


def test_a_due_learner_gets_one_email_at_their_local_hour_naming_the_due_skills(skills):
    prompts, vectors, evaluation = skills
    user = learner()
    reviewed(user, prompts, days_before=DUE_DAYS)
    reviewed(user, vectors, days_before=40)
    reviewed(user, evaluation, days_before=FRESH_DAYS)
    recall = [recall_now(user, skill) for skill in skills]
    assert recall[0] < recall[1] < 0.9 < recall[2]  # the default retention is 0.9

    assert run_hour(TUESDAY_6PM - timedelta(hours=1)) == []  # 17:00 in London
    assert run_hour(TUESDAY_6PM) == ["reviews_due"]
    assert run_hour(TUESDAY_6PM + timedelta(hours=1)) == []

    (message,) = mail.outbox
    assert isinstance(message, EmailMultiAlternatives)
    assert message.to == [user.email]
    assert message.subject == "Some of your skills are due a review"
    assert "below your desired retention of 90%" in message.body
    # Least likely recalled first, each with its chance of recall now (rounded down).
    assert f"{shown(user, prompts)}\n{shown(user, vectors)}\n" in message.body
    assert "Evaluation" not in message.body
    review_url = f"{BASE_URL}/readiness/#reviews"
    assert f"Review them: {review_url}" in message.body
    html, mime = message.alternatives[0]
    assert mime == "text/html"
    assert isinstance(html, str)
    assert f"<strong>Prompt design</strong>: {int(recall[0] * 100)}% chance of recall now" in html
    assert f'href="{review_url}"' in html
    unsubscribe = BASE_URL + reverse(
        "reminder-unsubscribe", args=[unsubscribe_token(user.pk, "reviews_due")]
    )
    assert message.extra_headers["List-Unsubscribe"] == f"<{unsubscribe}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe in message.body
    assert unsubscribe in html
    delivery = ReminderDelivery.objects.get()
    assert (delivery.user_id, delivery.kind, delivery.status, delivery.period_key) == (
        user.pk,
        "reviews_due",
        "sent",
        "2026-01-13",
    )
    assert delivery.context == {
        "reviews": [
            {"skill": "Prompt design", "recall": int(recall[0] * 100), "lapsed": False},
            {"skill": "Vector search", "recall": int(recall[1] * 100), "lapsed": False},
        ],
        "more": 0,
        "retention": 90,
    }


def test_the_local_hour_is_the_learners_own_and_quiet_hours_are_respected(skills):
    prompts = skills[0]
    tokyo = learner(timezone="Asia/Tokyo", hour=3)  # 18:00 UTC is 03:00 in Tokyo
    quiet = learner(timezone="Asia/Tokyo", hour=3, quiet_hours_start=1, quiet_hours_end=6)
    evening = learner(timezone="Asia/Tokyo", hour=18)
    for user in (tokyo, quiet, evening):
        reviewed(user, prompts, days_before=DUE_DAYS)

    assert run_hour(TUESDAY_6PM) == ["reviews_due"]

    assert [m.to for m in mail.outbox] == [[tokyo.email]]
    assert ReminderDelivery.objects.get().period_key == "2026-01-14"  # Tokyo's day


def test_no_email_in_quiet_hours_at_all(skills):
    user = learner(hour=18, quiet_hours_start=17, quiet_hours_end=20)
    reviewed(user, skills[0], days_before=DUE_DAYS)

    assert [run_hour(TUESDAY_6PM + timedelta(hours=h)) for h in range(24)] == [[]] * 24
    assert mail.outbox == []


def test_none_when_the_kind_is_turned_off(skills):
    user = learner(remind_reviews_due=False)
    reviewed(user, skills[0], days_before=DUE_DAYS)

    assert run_hour(TUESDAY_6PM) == []
    assert mail.outbox == []
    assert not ReminderDelivery.objects.exists()


def test_none_when_nothing_is_due(skills):
    fresh = learner()
    reviewed(fresh, skills[0], days_before=FRESH_DAYS)
    learner()  # no memory of any skill

    assert run_hour(TUESDAY_6PM) == []
    assert mail.outbox == []


def test_due_is_below_the_learners_own_desired_retention(skills):
    prompts, vectors, _evaluation = skills
    strict = learner(desired_retention=0.95, remind_weekly_digest=False)
    reviewed(strict, prompts, days_before=10)
    relaxed = learner(desired_retention=0.8, remind_weekly_digest=False)
    reviewed(relaxed, vectors, days_before=60)
    # Strict: below 95% though its FSRS due date (at 90%) is still ahead; relaxed: past that
    # date, still above 80%.
    assert 0.9 < recall_now(strict, prompts) < 0.95
    assert MemoryState.objects.get(user=strict).due > TUESDAY_6PM
    assert 0.8 < recall_now(relaxed, vectors) < 0.9
    assert MemoryState.objects.get(user=relaxed).due < TUESDAY_6PM
    below_80 = next(
        day
        for day in range(1, 100)
        if recall_now(relaxed, vectors, TUESDAY_6PM + timedelta(days=day)) < 0.8
    )

    assert run_hour(TUESDAY_6PM) == ["reviews_due"]

    (message,) = mail.outbox
    assert message.to == [strict.email]
    assert "below your desired retention of 95%" in message.body
    assert shown(strict, prompts) in message.body
    to_relaxed = []
    for day in range(1, below_80 + 1):
        run_hour(TUESDAY_6PM + timedelta(days=day))
        to_relaxed += [(day, m.body) for m in mail.outbox if m.to == [relaxed.email]]
        mail.outbox.clear()
    ((day, body),) = to_relaxed
    assert day == below_80
    assert "below your desired retention of 80%" in body
    assert shown(relaxed, vectors, TUESDAY_6PM + timedelta(days=day)) in body


def test_running_the_planner_twice_sends_once(skills):
    users = [learner() for _ in range(3)]
    for user in users:
        reviewed(user, skills[0], days_before=DUE_DAYS)

    with time_machine.travel(TUESDAY_6PM, tick=False):
        first = reminders_plan()
        second = reminders_plan()
        results = [reminders_send(delivery_ids=first) for _ in range(2)]

    assert (len(first), second) == (3, [])
    assert [len(r.sent) for r in results] == [3, 0]
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in users)
    assert ReminderDelivery.objects.filter(kind="reviews_due", status="sent").count() == 3


def test_at_most_one_a_day_even_when_the_preferred_hour_comes_round_again(skills):
    user = learner(hour=18)
    reviewed(user, skills[0], days_before=DUE_DAYS)

    assert run_hour(TUESDAY_6PM) == ["reviews_due"]
    LearnerProfile.objects.filter(user=user).update(preferred_hour=20)
    assert run_hour(TUESDAY_6PM + timedelta(hours=2)) == []  # the same local day

    assert len(mail.outbox) == 1


def test_ignored_reminders_back_off_then_stop_until_the_learner_reviews(skills):
    prompts, vectors, _evaluation = skills
    user = learner(remind_weekly_digest=False)
    reviewed(user, prompts, days_before=DUE_DAYS)
    reviewed(user, vectors, days_before=DUE_DAYS)

    sent_on = [
        day for day in range(60) if run_hour(TUESDAY_6PM + timedelta(days=day)) == ["reviews_due"]
    ]

    # First reminder, then after 3, 7 and 14 more days; then silence (4 ignored).
    assert sent_on == [0, 3, 10, 24]
    assert len(mail.outbox) == 4
    # One skill reviewed (as a completed step or a passed check would): the other is still due.
    review_at(user, prompts, TUESDAY_6PM + timedelta(days=60, hours=-2))
    assert run_hour(TUESDAY_6PM + timedelta(days=60)) == ["reviews_due"]
    assert "Prompt design" not in mail.outbox[-1].body
    assert "- Vector search: " in mail.outbox[-1].body
    assert run_hour(TUESDAY_6PM + timedelta(days=61)) == []  # ignored again: 3 days


def test_the_unsubscribe_link_in_the_email_turns_the_kind_off(client, skills):
    user = learner()
    reviewed(user, skills[0], days_before=DUE_DAYS)
    run_hour(TUESDAY_6PM)
    (message,) = mail.outbox
    link = next(line for line in message.body.splitlines() if "/reminders/unsubscribe/" in line)
    path = link.split(BASE_URL, 1)[1]

    page = client.get(path)
    done = client.post(path, {"List-Unsubscribe": "One-Click"})

    assert page.status_code == done.status_code == 200
    assert b"Stop reviews due reminders?" in page.content
    assert b"no more reviews due reminders" in done.content
    profile = LearnerProfile.objects.get(user=user)
    assert profile.remind_reviews_due is False
    assert (profile.remind_inactivity, profile.remind_weekly_digest) == (True, True)
    assert run_hour(TUESDAY_6PM + timedelta(days=3)) == []
    assert len(mail.outbox) == 1


def test_many_due_skills_are_listed_up_to_the_cap_and_counted_after_it():
    user = learner()
    listed = [SkillFactory.create(name=f"Skill {n:02d}") for n in range(REVIEWS_LISTED + 2)]
    for skill in listed:
        reviewed(user, skill, days_before=DUE_DAYS)
    odd = SkillFactory.create(name="Tom & Jerry's <b>")
    reviewed(user, odd, days_before=2 * DUE_DAYS)

    assert run_hour(TUESDAY_6PM) == ["reviews_due"]

    (message,) = mail.outbox
    assert isinstance(message, EmailMultiAlternatives)
    lines = [line for line in message.body.splitlines() if line.startswith("- ")]
    assert lines[0] == shown(user, odd)  # the least likely recalled, unescaped in plain text
    assert lines[1:REVIEWS_LISTED] == [shown(user, skill) for skill in listed[: REVIEWS_LISTED - 1]]
    assert lines[REVIEWS_LISTED:] == ["- and 3 more skills"]
    html = message.alternatives[0][0]
    assert isinstance(html, str)
    assert "<strong>Tom &amp; Jerry&#x27;s &lt;b&gt;</strong>: " in html
    assert "Tom & Jerry" not in html
    assert "and 3 more skills" in html


def test_sent_alongside_the_other_kinds_each_once(skills):
    user = learner(inactivity_days=3)
    with time_machine.travel(TUESDAY_6PM - timedelta(days=5), tick=False):
        enrolment_create(user=user, path=published_path(steps=2))
    reviewed(user, skills[0], days_before=DUE_DAYS)

    assert sorted(run_hour(TUESDAY_6PM)) == ["inactivity", "reviews_due"]
    assert sorted(m.subject for m in mail.outbox) == [
        "Some of your skills are due a review",
        "Your learning path misses you",
    ]


def test_send_test_reminder_command_sends_the_reviews_due_email(skills):
    user = learner()
    reviewed(user, skills[0], days_before=DUE_DAYS, now=datetime.now(UTC))
    out = StringIO()

    call_command("send_test_reminder", user.email, "--kind", "reviews_due", stdout=out)

    assert f"Sent a reviews_due reminder to {user.email}." in out.getvalue()
    (message,) = mail.outbox
    assert shown(user, skills[0], datetime.now(UTC)) in message.body


@bulk_query_counts
def test_the_planner_takes_the_same_queries_for_two_learners_or_eight(skills):
    """Every kind due at once, reviews due among them, in two time zones: as many queries for
    eight learners as for two."""
    monday_6pm = datetime(2026, 1, 19, 18, 0, tzinfo=UTC)  # the digest is due too
    path = published_path(steps=2)

    def due_learners(count: int, hour: int) -> None:
        for n in range(count):
            zone = "Europe/London" if n % 2 else "America/New_York"
            local_hour = hour if n % 2 else hour - 5
            retention = (0.8, 0.85, 0.9, 0.95)[n % 4]
            user = learner(timezone=zone, hour=local_hour, desired_retention=retention)
            with time_machine.travel(monday_6pm - timedelta(days=20), tick=False):
                enrolment_create(user=user, path=path, target_date=monday_6pm.date())
            for skill in skills:
                reviewed(user, skill, days_before=DUE_DAYS, now=monday_6pm)

    due_learners(2, 18)
    due_learners(8, 19)
    counts, claimed = [], []
    for hour in (18, 19):
        with (
            time_machine.travel(monday_6pm.replace(hour=hour), tick=False),
            CaptureQueriesContext(connection) as queries,
        ):
            claimed.append(reminders_plan())
        counts.append(len(queries))
        reminders_send(delivery_ids=claimed[-1])

    assert [len(c) for c in claimed] == [2 * 4, 8 * 4]  # four kinds each
    assert counts[0] == counts[1]
    assert ReminderDelivery.objects.filter(kind="reviews_due").count() == 10


def test_a_skill_whose_last_review_failed_is_due_at_once_and_named_first(skills):
    prompts, vectors, _ = skills
    user = learner()
    reviewed(user, vectors, days_before=40)
    with transaction.atomic():  # a review failed an hour ago: recall is 1, yet it is due
        memories_review(
            user_id=user.pk,
            skill_levels={prompts.pk: 2},
            rating=Rating.Again,
            at=TUESDAY_6PM - timedelta(hours=1),
            by=REVIEW,
        )

    assert run_hour(TUESDAY_6PM) == ["reviews_due"]

    (message,) = mail.outbox
    assert (
        f"- Prompt design: its last review was not passed\n{shown(user, vectors)}\n" in message.body
    )
