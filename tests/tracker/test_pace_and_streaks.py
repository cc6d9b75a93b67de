"""Pace and streaks on the learner's local calendar: across a daylight-saving change and in a
time zone far from UTC."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tests.factories import published_path
from tracker.activity import minutes_per_week
from tracker.models import ProgressEntry
from tracker.pace import enrolment_pace
from tracker.selectors import dashboard_get, minutes_by_day
from tracker.services import enrolment_create, learner_profile_update, progress_log
from tracker.streaks import Streaks, activity_calendar, streaks

LONDON = ZoneInfo("Europe/London")
KIRITIMATI = ZoneInfo("Pacific/Kiritimati")  # UTC+14
PAGO_PAGO = ZoneInfo("Pacific/Pago_Pago")  # UTC-11


def test_streak_runs_end_today_or_yesterday():
    today = date(2026, 5, 10)
    days = [date(2026, 5, d) for d in (1, 2, 3, 4, 8, 9)]

    # Ending yesterday, the streak is at risk: logging today keeps it.
    assert streaks(days, today) == Streaks(current=2, longest=4, at_risk=True)
    assert streaks([*days, today], today) == Streaks(current=3, longest=4, at_risk=False)
    assert streaks(days, date(2026, 5, 11)) == Streaks(current=0, longest=4, at_risk=False)
    assert streaks([], today) == Streaks(current=0, longest=0, at_risk=False)


def test_calendar_has_365_days_ending_today():
    today = date(2026, 3, 1)

    calendar = activity_calendar({date(2026, 2, 28): 40, date(2025, 1, 1): 99}, today)

    assert len(calendar) == 365
    assert calendar[-1] == (today, 0)
    assert calendar[-2] == (date(2026, 2, 28), 40)
    assert calendar[0][0] == today - timedelta(days=364)


def test_pace_projects_the_finish_and_compares_it_with_the_target():
    today = date(2026, 6, 1)

    behind = enrolment_pace(
        remaining_minutes=600,
        recent_minutes_per_week=140,
        target_date=date(2026, 6, 20),
        today=today,
    )
    on_time = enrolment_pace(
        remaining_minutes=600,
        recent_minutes_per_week=140,
        target_date=date(2026, 7, 1),
        today=today,
    )
    idle = enrolment_pace(
        remaining_minutes=600, recent_minutes_per_week=0, target_date=None, today=today
    )

    assert behind.projected_finish == date(2026, 6, 1) + timedelta(days=30)  # 20 min a day
    assert behind.on_track is False
    assert on_time.on_track is True
    assert (idle.projected_finish, idle.on_track) == (None, None)


def test_minutes_per_week_averages_the_last_four_weeks():
    today = date(2026, 6, 28)
    by_day = {today: 60, today - timedelta(days=27): 60, today - timedelta(days=28): 1000}

    assert minutes_per_week(by_day, today=today, started=None) == 30
    assert minutes_per_week(by_day, today=today, started=date(2025, 1, 1)) == 30


@pytest.mark.django_db
def test_local_days_across_the_autumn_clock_change_in_london(learner):
    # British Summer Time ends at 01:00 UTC on Sunday 25 October 2026.
    enrolment = enrolment_create(user=learner, path=published_path())
    step = enrolment.path.steps.get(position=1)
    moments = [
        datetime(2026, 10, 24, 23, 30, tzinfo=LONDON),  # 22:30 UTC on the 24th
        datetime(2026, 10, 25, 0, 30, tzinfo=LONDON),  # 23:30 UTC on the 24th, BST still
        datetime(2026, 10, 25, 23, 30, tzinfo=LONDON),  # GMT again: 23:30 UTC on the 25th
        datetime(2026, 10, 26, 0, 15, tzinfo=LONDON),
    ]
    with time_machine.travel(datetime(2026, 10, 26, 12, 0, tzinfo=LONDON), tick=False):
        for moment in moments:
            progress_log(enrolment=enrolment, step=step, minutes=10, occurred_at=moment)
        dashboard = dashboard_get(user=learner)

    assert minutes_by_day(user=learner, zone="Europe/London") == {
        date(2026, 10, 24): 10,
        date(2026, 10, 25): 20,
        date(2026, 10, 26): 10,
    }
    assert (dashboard.streaks.current, dashboard.streaks.longest) == (3, 3)
    assert dashboard.calendar[-1] == (date(2026, 10, 26), 10)


@pytest.mark.django_db
def test_streak_in_a_time_zone_fourteen_hours_ahead(learner):
    learner_profile_update(user=learner, timezone="Pacific/Kiritimati")
    enrolment = enrolment_create(user=learner, path=published_path())
    step = enrolment.path.steps.get(position=1)
    # 11:00 UTC on three consecutive UTC days is 01:00 the next day in Kiritimati.
    with time_machine.travel(datetime(2026, 6, 4, 0, 0, tzinfo=ZoneInfo("UTC")), tick=False):
        for day in (1, 2, 3):
            progress_log(
                enrolment=enrolment,
                step=step,
                minutes=15,
                occurred_at=datetime(2026, 6, day, 11, 0, tzinfo=ZoneInfo("UTC")),
            )
        dashboard = dashboard_get(user=learner)

    # Now is 14:00 on 4 June in Kiritimati: active on the 2nd, 3rd and 4th local days.
    assert dashboard.today == date(2026, 6, 4)
    assert dashboard.streaks.current == 3
    assert dict(dashboard.calendar)[date(2026, 6, 4)] == 15
    assert dict(dashboard.calendar)[date(2026, 6, 1)] == 0


@pytest.mark.django_db
def test_the_same_entries_fall_on_other_days_eleven_hours_behind(learner):
    learner_profile_update(user=learner, timezone="Pacific/Pago_Pago")
    enrolment = enrolment_create(user=learner, path=published_path())
    step = enrolment.path.steps.get(position=1)
    with time_machine.travel(datetime(2026, 6, 4, 0, 0, tzinfo=ZoneInfo("UTC")), tick=False):
        for day in (1, 2, 3):
            progress_log(
                enrolment=enrolment,
                step=step,
                minutes=15,
                occurred_at=datetime(2026, 6, day, 8, 0, tzinfo=ZoneInfo("UTC")),
            )
        dashboard = dashboard_get(user=learner)

    # 08:00 UTC is 21:00 the day before in Pago Pago; now is 13:00 on 3 June there.
    assert dashboard.today == date(2026, 6, 3)
    assert sorted(minutes_by_day(user=learner, zone="Pacific/Pago_Pago")) == [
        date(2026, 5, 31),
        date(2026, 6, 1),
        date(2026, 6, 2),
    ]
    assert dashboard.streaks.current == 3  # ends yesterday: today not logged yet
    assert ProgressEntry.objects.count() == 3


@pytest.mark.django_db
def test_enrolment_pace_across_the_spring_clock_change(learner):
    # Clocks go forward at 01:00 UTC on 29 March 2026.
    path = published_path(steps=4, minutes=120)  # 480 minutes in all
    with time_machine.travel(datetime(2026, 3, 1, 9, 0, tzinfo=LONDON), tick=False):
        enrolment = enrolment_create(user=learner, path=path, target_date=date(2026, 4, 12))
    with time_machine.travel(datetime(2026, 3, 30, 9, 0, tzinfo=LONDON), tick=False):
        first = path.steps.get(position=1)
        for day in (16, 23, 29):  # 3 x 140 minutes in the four-week window
            progress_log(
                enrolment=enrolment,
                step=first,
                minutes=140,
                occurred_at=datetime(2026, 3, day, 0, 30, tzinfo=LONDON),
            )
        progress_log(enrolment=enrolment, step=first, minutes=0, status="completed")
        progress = dashboard_get(user=learner).enrolments[0]

    assert progress.steps_done == 1
    assert progress.percent_done == 25
    assert progress.pace.remaining_minutes == 360
    assert progress.pace.minutes_per_week == 105  # 420 over the 28 days 3-30 March: 420 / 4
    # 360 minutes at 15 a day: 24 days after 30 March.
    assert progress.pace.projected_finish == date(2026, 4, 23)
    assert progress.pace.on_track is False
