"""tracker/reminders.py with time frozen: who is due, claims, backoff, emails, unsubscribe."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse

from tests.factories import UserFactory, published_path
from tracker.models import Enrolment, LearnerProfile, ReminderDelivery
from tracker.reminders import (
    MAX_SEND_ATTEMPTS,
    in_quiet_hours,
    reminders_plan,
    reminders_send,
    unsubscribe_token,
)
from tracker.services import enrolment_create, progress_log

pytestmark = pytest.mark.django_db

# A Tuesday, in winter: London is on UTC.
TUESDAY_6PM = datetime(2026, 1, 13, 18, 0, tzinfo=UTC)


def learner(*, timezone: str = "Europe/London", hour: int = 18, **profile):
    user = UserFactory.create()
    LearnerProfile.objects.filter(user=user).update(
        timezone=timezone, preferred_hour=hour, **profile
    )
    return user


def enrolled(user, *, days_ago: int, now: datetime = TUESDAY_6PM, **fields) -> Enrolment:
    with time_machine.travel(now - timedelta(days=days_ago), tick=False):
        enrolment = enrolment_create(user=user, path=published_path(steps=4, minutes=120), **fields)
    return enrolment


def run_hour(now: datetime) -> list[str]:
    """One hourly run: plan and send; the kinds sent, in order."""
    with time_machine.travel(now, tick=False):
        claimed = reminders_plan()
        reminders_send(delivery_ids=claimed)
    return list(ReminderDelivery.objects.filter(pk__in=claimed).values_list("kind", flat=True))


@pytest.mark.parametrize(
    ("hour", "start", "end", "quiet"),
    [
        (12, None, None, False),
        (23, 22, 7, True),
        (3, 22, 7, True),
        (7, 22, 7, False),
        (21, 22, 7, False),
        (13, 12, 14, True),
        (14, 12, 14, False),
    ],
)
def test_quiet_hours_may_wrap_midnight(hour, start, end, quiet):
    assert in_quiet_hours(hour, start, end) is quiet


def test_only_learners_at_their_local_preferred_hour_outside_quiet_hours_are_due():
    london = learner(hour=18)
    tokyo_now = learner(timezone="Asia/Tokyo", hour=3)  # 18:00 UTC is 03:00 in Tokyo
    tokyo_evening = learner(timezone="Asia/Tokyo", hour=18)
    quiet = learner(timezone="Asia/Tokyo", hour=3, quiet_hours_start=1, quiet_hours_end=6)
    for user in (london, tokyo_now, tokyo_evening, quiet):
        enrolled(user, days_ago=5)

    with time_machine.travel(TUESDAY_6PM, tick=False):
        claimed = reminders_plan()

    due = set(ReminderDelivery.objects.filter(pk__in=claimed).values_list("user_id", flat=True))
    assert due == {london.pk, tokyo_now.pk}


def test_inactivity_reminder_email_has_text_html_and_unsubscribe_headers():
    user = learner()
    enrolled(user, days_ago=4)

    assert run_hour(TUESDAY_6PM) == ["inactivity"]

    (message,) = mail.outbox
    assert isinstance(message, EmailMultiAlternatives)
    assert message.to == [user.email]
    assert "It has been 4 days since you last logged progress" in message.body
    html, mime = message.alternatives[0]
    assert mime == "text/html"
    assert isinstance(html, str)
    assert "<strong>4 days</strong>" in html
    token = unsubscribe_token(user.pk, "inactivity")
    url = "http://127.0.0.1:8000" + reverse("reminder-unsubscribe", args=[token])
    assert message.extra_headers["List-Unsubscribe"] == f"<{url}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert url in message.body
    assert url in html
    delivery = ReminderDelivery.objects.get()
    assert (delivery.status, delivery.period_key) == ("sent", "2026-01-13")


def test_no_inactivity_reminder_before_the_chosen_number_of_days_or_without_active_enrolment():
    recent = learner(inactivity_days=5)
    enrolled(recent, days_ago=4)
    paused = learner()
    enrolment = enrolled(paused, days_ago=10)
    Enrolment.objects.filter(pk=enrolment.pk).update(status="paused")

    assert run_hour(TUESDAY_6PM) == []
    assert mail.outbox == []


def test_ignored_inactivity_reminders_back_off_then_stop_until_active_again():
    user = learner(inactivity_days=3, remind_weekly_digest=False)
    enrolment = enrolled(user, days_ago=3)

    sent_on = [
        day for day in range(60) if run_hour(TUESDAY_6PM + timedelta(days=day)) == ["inactivity"]
    ]

    # First reminder, then after 3, 7 and 14 more days; then silence (4 ignored).
    assert sent_on == [0, 3, 10, 24]
    assert len(mail.outbox) == 4

    comeback = TUESDAY_6PM + timedelta(days=60, hours=-2)
    with time_machine.travel(comeback, tick=False):
        progress_log(enrolment=enrolment, step=enrolment.path.steps.get(position=1), minutes=20)
    assert run_hour(TUESDAY_6PM + timedelta(days=61)) == []  # active yesterday
    assert run_hour(TUESDAY_6PM + timedelta(days=63)) == ["inactivity"]  # three days quiet


def test_turned_off_kinds_are_not_sent():
    user = learner(remind_inactivity=False)
    enrolled(user, days_ago=10)

    assert run_hour(TUESDAY_6PM) == []


def test_behind_pace_at_most_weekly():
    user = learner(remind_inactivity=False, remind_weekly_digest=False)
    enrolment = enrolled(user, days_ago=14, target_date=date(2026, 1, 20))
    step = enrolment.path.steps.get(position=1)
    with time_machine.travel(TUESDAY_6PM - timedelta(days=2), tick=False):
        progress_log(enrolment=enrolment, step=step, minutes=60)

    sent = [run_hour(TUESDAY_6PM + timedelta(days=d)) for d in range(8)]

    # 480 minutes left at 28 a week (60 minutes over the 15 local days since it was enrolled,
    # 30 December to 13 January): far behind a target a week away.
    assert sent[0] == ["behind_pace"]
    assert sent[1:7] == [[]] * 6  # a new ISO week on Monday, but not yet seven days
    assert sent[7] == ["behind_pace"]
    body = mail.outbox[0].body
    assert "target 2026-01-20" in body
    assert (
        "About 480 minutes a week would get you there "
        "(you average 28 over the 15 days since you started)" in body
    )
    plan_url = f"{settings.PATHWISE_BASE_URL}/plan/#this-week"
    assert f"see what to do this week: {plan_url}" in body
    message = mail.outbox[0]
    assert isinstance(message, EmailMultiAlternatives)
    assert f'<a href="{plan_url}"' in str(message.alternatives[0][0])


def test_weekly_digest_on_mondays_with_minutes_readiness_change_and_streak():
    monday = datetime(2026, 1, 19, 18, 0, tzinfo=UTC)
    user = learner(remind_inactivity=False, remind_behind_pace=False)
    enrolment = enrolled(user, days_ago=9, now=monday)
    step = enrolment.path.steps.get(position=1)
    for days_ago in (3, 2, 1):
        with time_machine.travel(monday - timedelta(days=days_ago), tick=False):
            progress_log(enrolment=enrolment, step=step, minutes=25)

    assert run_hour(monday - timedelta(days=1)) == []  # Sunday
    assert run_hour(monday) == ["weekly_digest"]

    body = mail.outbox[0].body
    assert "Minutes learned in the last seven days: 75" in body
    assert "Current streak: 3 days" in body
    assert ReminderDelivery.objects.get().period_key == "2026-W04"


def test_two_planners_in_one_hour_claim_each_reminder_once():
    users = [learner() for _ in range(3)]
    for user in users:
        enrolled(user, days_ago=5)

    with time_machine.travel(TUESDAY_6PM, tick=False):
        first = reminders_plan()
        second = reminders_plan()

    assert len(first) == 3
    assert second == []
    assert ReminderDelivery.objects.count() == 3


def test_a_batch_sent_three_times_sends_each_email_once():
    for _ in range(2):
        enrolled(learner(), days_ago=5)
    with time_machine.travel(TUESDAY_6PM, tick=False):
        claimed = reminders_plan()

    results = [reminders_send(delivery_ids=claimed) for _ in range(3)]

    assert [len(r.sent) for r in results] == [2, 0, 0]
    assert len(mail.outbox) == 2


def test_claims_an_earlier_run_left_unsent_are_picked_up_by_the_next_run():
    enrolled(learner(), days_ago=5)
    with time_machine.travel(TUESDAY_6PM, tick=False):
        (left_behind,) = reminders_plan()  # ...and its send batch was never enqueued

    assert run_hour(TUESDAY_6PM + timedelta(hours=1)) == ["inactivity"]
    assert len(mail.outbox) == 1
    assert ReminderDelivery.objects.get(pk=left_behind).status == "sent"


class FailingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server down")


def test_failed_sends_go_back_to_claimed_then_fail_after_the_cap(settings):
    settings.EMAIL_BACKEND = "tests.tracker.test_reminders.FailingBackend"
    enrolled(learner(), days_ago=5)
    with time_machine.travel(TUESDAY_6PM, tick=False):
        (claimed,) = reminders_plan()

    outcomes = [reminders_send(delivery_ids=[claimed]) for _ in range(MAX_SEND_ATTEMPTS)]

    assert [bool(o.retry) for o in outcomes] == [True] * (MAX_SEND_ATTEMPTS - 1) + [False]
    delivery = ReminderDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("failed", MAX_SEND_ATTEMPTS)
    assert "mail server down" in delivery.error


# --- Unsubscribe -------------------------------------------------------------------------------


def test_unsubscribe_works_signed_out_and_stops_that_kind(client):
    user = learner()
    enrolled(user, days_ago=5)
    url = reverse("reminder-unsubscribe", args=[unsubscribe_token(user.pk, "inactivity")])

    page = client.get(url)
    done = client.post(url)

    assert page.status_code == 200
    assert b"Stop inactivity reminders?" in page.content
    assert done.status_code == 200
    assert b"no more inactivity reminders" in done.content
    assert f'href="{reverse("settings")}"'.encode() in done.content  # a way on, no dead end
    profile = LearnerProfile.objects.get(user=user)
    assert profile.remind_inactivity is False
    assert profile.remind_weekly_digest is True
    assert run_hour(TUESDAY_6PM) == []


def test_one_click_post_from_the_mail_client(client):
    user = learner()
    url = reverse("reminder-unsubscribe", args=[unsubscribe_token(user.pk, "weekly_digest")])

    response = client.post(url, {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    assert LearnerProfile.objects.get(user=user).remind_weekly_digest is False


@pytest.mark.parametrize("tamper", ["swap-user", "bad-signature", "garbage"])
def test_tampered_unsubscribe_links_are_refused(client, tamper):
    user, other = learner(), learner()
    token = unsubscribe_token(user.pk, "inactivity")
    if tamper == "swap-user":
        forged = unsubscribe_token(other.pk, "inactivity")
        token = forged.split(":")[0] + ":" + token.split(":", 1)[1]
    elif tamper == "bad-signature":
        token = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    else:
        token = "not-a-token"

    response = client.post(reverse("reminder-unsubscribe", args=[token]))

    assert response.status_code == 400
    assert b"not valid" in response.content
    assert LearnerProfile.objects.filter(remind_inactivity=False).count() == 0
