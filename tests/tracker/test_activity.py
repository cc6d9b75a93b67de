"""tracker/activity.py: one window and one "minutes a week" for the dashboard (web and API) and
the reminders. Hand-computed examples, day one of a new enrolment, and the dashboard and the
behind-pace email giving the same figures for the same enrolment at the same instant, in time
zones far from UTC near local midnight."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tests.factories import UserFactory, published_path
from tracker import activity
from tracker.activity import LearnerClock, Window, minutes_per_week, pace_window
from tracker.models import Enrolment, LearnerProfile, ReminderDelivery
from tracker.reminders import reminder_email, reminders_plan
from tracker.selectors import dashboard_get
from tracker.services import enrolment_create, progress_log

TODAY = date(2026, 6, 28)
KIRITIMATI = "Pacific/Kiritimati"  # UTC+14
PAGO_PAGO = "Pacific/Pago_Pago"  # UTC-11


def days_ago(n: int) -> date:
    return TODAY - timedelta(days=n)


# --- The rule, by hand ---------------------------------------------------------------------------


def test_the_window_is_the_last_28_local_days_today_included():
    window = pace_window({}, today=TODAY, started=None)

    assert window == Window(date(2026, 6, 1), TODAY)
    assert window.days == 28
    assert date(2026, 5, 31) not in window
    assert date(2026, 6, 1) in window


@pytest.mark.parametrize(
    ("by_day", "started", "expected"),
    [
        # Enrolled long ago: 120 minutes over four weeks; the day before the window is out.
        ({TODAY: 60, days_ago(27): 60, days_ago(28): 1000}, date(2025, 1, 1), 30),
        # Day one: 60 minutes over one day, not over four weeks (that would be 15).
        ({TODAY: 60}, TODAY, 420),
        # Enrolled on 25 June: the window is 25-28 June, four days.
        ({days_ago(3): 60}, date(2026, 6, 25), 105),
        # Enrolled today with 30 minutes back-dated to 26 June: the window starts on the 26th.
        ({days_ago(2): 30, TODAY: 30}, TODAY, 140),
        # A back-dated entry older than the window does not stretch it past 28 days.
        ({days_ago(40): 500, days_ago(10): 56}, TODAY, 14),
        # Nothing logged yet on day one: no pace, over a one-day window.
        ({}, TODAY, 0),
        # A day after today (an entry from a fast clock) is not counted yet.
        ({TODAY + timedelta(days=1): 300}, TODAY, 0),
        # Enrolled "tomorrow" (the clock moved back): the window is today only.
        ({TODAY: 10}, TODAY + timedelta(days=1), 70),
    ],
)
def test_minutes_per_week_by_hand(by_day, started, expected):
    assert minutes_per_week(by_day, today=TODAY, started=started) == pytest.approx(expected)


def test_pace_windows_by_hand():
    assert pace_window({}, today=TODAY, started=TODAY).days == 1
    assert pace_window({days_ago(2): 30}, today=TODAY, started=TODAY).days == 3
    assert pace_window({days_ago(2): 0}, today=TODAY, started=TODAY).days == 1  # no minutes
    assert pace_window({}, today=TODAY, started=days_ago(27)).days == 28
    assert pace_window({}, today=TODAY, started=days_ago(28)).days == 28


def test_day_one_projects_the_finish_from_the_first_day():
    enrolment = Enrolment(
        pk=1, user_id=1, path_id=1, enrolled_at=datetime(2026, 6, 28, 9, tzinfo=UTC)
    )
    figures = activity.enrolment_figures_from(
        enrolment=enrolment,
        clock=LearnerClock(ZoneInfo("UTC"), TODAY),
        step_minutes={1: 120, 2: 120, 3: 120, 4: 120},
        completed=set(),
        minutes_by_day={TODAY: 60},
    )

    # 480 minutes left at 60 a day: 8 days, not 224 (at 15 a week: "November").
    assert figures.pace.minutes_per_week == 420
    assert figures.pace.projected_finish == TODAY + timedelta(days=8)
    assert (figures.steps_total, figures.steps_done, figures.window.days) == (4, 0, 1)


# --- One learner's day, as the dashboard and the emails read it --------------------------------


def learner_in(zone: str, *, hour: int = 18) -> LearnerProfile:
    user = UserFactory.create()
    LearnerProfile.objects.filter(user=user).update(
        timezone=zone, preferred_hour=hour, remind_inactivity=False, remind_weekly_digest=False
    )
    return LearnerProfile.objects.select_related("user").get(user=user)


def at(zone: str, day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=ZoneInfo(zone))


@pytest.mark.django_db
@pytest.mark.parametrize("zone", [KIRITIMATI, PAGO_PAGO, "Europe/London"])
def test_sql_and_python_put_entries_on_the_same_local_days(zone):
    profile = learner_in(zone)
    now = at(zone, date(2026, 3, 31), 12)
    with time_machine.travel(now - timedelta(days=30), tick=False):
        enrolment = enrolment_create(user=profile.user, path=published_path(steps=1))
    step = enrolment.path.steps.get()
    moments = [  # around local midnight, and around London's spring clock change (29 March)
        at(zone, date(2026, 3, 28), 23, 50),
        at(zone, date(2026, 3, 29), 0, 10),
        at(zone, date(2026, 3, 29), 1, 30),
        at(zone, date(2026, 3, 29), 23, 59),
        at(zone, date(2026, 3, 30), 0, 0),
    ]
    with time_machine.travel(now, tick=False):
        for n, moment in enumerate(moments, start=1):
            progress_log(enrolment=enrolment, step=step, minutes=n, occurred_at=moment)
        clocks = {profile.user_id: LearnerClock.at(now, zone)}

        in_sql = activity.minutes_by_day(user_id=profile.user_id, zone=zone)
        in_python = activity.minutes_by_day_for(clocks=clocks, days=30)[profile.user_id]
        since = activity.minutes_by_day(user_id=profile.user_id, zone=zone, since=date(2026, 3, 29))

    assert in_sql == in_python == {date(2026, 3, 28): 1, date(2026, 3, 29): 9, date(2026, 3, 30): 5}
    assert since == {date(2026, 3, 29): 9, date(2026, 3, 30): 5}  # from the local midnight


@pytest.mark.django_db
def test_enrolment_figures_take_three_queries_for_many_learners_and_zones(
    django_assert_num_queries,
):
    now = datetime(2026, 6, 28, 12, tzinfo=UTC)
    enrolments = []
    clocks = {}
    for zone in (KIRITIMATI, PAGO_PAGO):
        profile = learner_in(zone)
        clocks[profile.user_id] = LearnerClock.at(now, zone)
        for _ in range(3):
            enrolments.append(enrolment_create(user=profile.user, path=published_path()))

    with django_assert_num_queries(3):
        figures = activity.enrolment_figures(enrolments=enrolments, clocks=clocks)

    assert set(figures) == {e.pk for e in enrolments}


@pytest.mark.django_db
def test_day_one_of_a_new_enrolment_on_the_dashboard():
    # 09:00 in London on 1 July 2026 (BST): enrol, then 60 minutes of the first step.
    now = datetime(2026, 7, 1, 9, tzinfo=ZoneInfo("Europe/London"))
    with time_machine.travel(now, tick=False):
        profile = learner_in("Europe/London")
        enrolment = enrolment_create(user=profile.user, path=published_path(steps=4, minutes=120))
        progress_log(enrolment=enrolment, step=enrolment.path.steps.get(position=1), minutes=60)
        dashboard = dashboard_get(user=profile.user)

    (row,) = dashboard.enrolments
    assert row.pace.minutes_per_week == 420  # 60 minutes in one day, not 60 / 4 = 15
    assert row.pace.projected_finish == date(2026, 7, 9)  # 480 minutes at 60 a day
    assert dashboard.minutes_per_week == 420  # joined today too


def behind_pace_email(now: datetime, profile: LearnerProfile) -> tuple[list[dict], str]:
    """Plan the hour as the worker does; the behind-pace context and the rendered email."""
    with time_machine.travel(now, tick=False):
        claimed = reminders_plan(user_ids=[profile.user_id])
    delivery = ReminderDelivery.objects.filter(pk__in=claimed, kind="behind_pace").get()
    return delivery.context["enrolments"], str(reminder_email(delivery).body)


@pytest.mark.django_db
@pytest.mark.parametrize("zone", [KIRITIMATI, PAGO_PAGO])
def test_the_dashboard_and_the_behind_pace_email_agree_near_local_midnight(zone):
    """At 23:30 local time: an old enrolment with an entry 15 minutes inside "now minus four
    weeks" but on the local day before the window, and a new enrolment made 10 minutes after
    local midnight (the day before, in UTC, for Kiritimati)."""
    day = date(2026, 1, 20)
    now = at(zone, day, 23, 30)
    profile = learner_in(zone, hour=23)
    path = published_path(steps=4, minutes=120)  # 480 minutes
    with time_machine.travel(now - timedelta(days=60), tick=False):
        old = enrolment_create(user=profile.user, path=path, target_date=day + timedelta(days=7))
    with time_machine.travel(at(zone, day, 0, 10), tick=False):
        new = enrolment_create(
            user=profile.user,
            path=published_path(steps=4, minutes=120),
            target_date=day + timedelta(days=3),
        )
    with time_machine.travel(now, tick=False):
        for enrolment, moment, minutes in [
            (old, at(zone, day - timedelta(days=28), 23, 45), 60),  # outside the window
            (old, at(zone, day - timedelta(days=27), 0, 5), 70),  # its first day
            (old, at(zone, day, 23, 10), 30),
            (new, at(zone, day, 23, 0), 60),
        ]:
            step = enrolment.path.steps.get(position=1)
            progress_log(enrolment=enrolment, step=step, minutes=minutes, occurred_at=moment)
        dashboard = dashboard_get(user=profile.user)

    emailed, body = behind_pace_email(now, profile)

    rows = {row.enrolment.pk: row.pace for row in dashboard.enrolments}
    # Hand-computed: 100 minutes over 28 days is 25 a week, 480 minutes take 135 days; day one
    # of the new one: 60 a day, 8 days.
    assert rows[old.pk].minutes_per_week == 25
    assert rows[old.pk].projected_finish == day + timedelta(days=135)
    assert rows[new.pk].minutes_per_week == 420
    assert rows[new.pk].projected_finish == day + timedelta(days=8)
    by_path = {e["path"]: e for e in emailed}
    for enrolment in (old, new):
        pace = rows[enrolment.pk]
        figures = by_path[enrolment.path.title]
        assert figures["minutes_per_week"] == round(pace.minutes_per_week)
        assert pace.projected_finish is not None
        assert figures["projected_finish"] == pace.projected_finish.isoformat()
    assert "(you average 25 over the last four weeks)" in body
    assert f"projected {(day + timedelta(days=135)).isoformat()}" in body
    assert "(you average 420 on your first day)" in body
