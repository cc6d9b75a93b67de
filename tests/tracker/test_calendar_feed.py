"""The plan as an iCalendar feed at a secret, revocable URL (tracker/calendar_feed.py): the study
blocks by hand, the feed valid as RFC 5545, revoking and renewing its URL, web and API."""

from datetime import date, datetime, time, timedelta
from urllib.parse import urlsplit
from uuid import uuid5
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings as django_settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.factories import StepFactory, StepSkillFactory, UserFactory
from tests.ical_check import rfc5545_calendar
from tests.tracker.plan_world import WEDNESDAY, plan_world
from tests.web.clients import signed_in
from tracker.calendar_feed import calendar_feed_renew, feed_url
from tracker.models import CalendarFeed
from tracker.plans import (
    MAX_SITTING_MINUTES,
    MIN_SITTING_MINUTES,
    PlanItem,
    Sittings,
    StudyBlock,
)
from tracker.services import enrolment_create, progress_log

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
MONDAY = date(2026, 11, 30)
BASE = django_settings.PATHWISE_BASE_URL


@pytest.fixture
def world():
    return plan_world()


def _items(*minutes: int) -> list[PlanItem]:
    return [PlanItem(StepFactory.build(pk=n + 1), 1, m, True) for n, m in enumerate(minutes)]


def _blocks(*minutes: int, first_day: date = MONDAY, hour: int = 18) -> list[StudyBlock]:
    return Sittings(first_day, hour, LONDON).blocks(MONDAY, sum(minutes), _items(*minutes))


def _path(url: str) -> str:
    return urlsplit(url).path


# --- Study blocks -----------------------------------------------------------------------------


def test_blocks_by_hand_a_small_week_gets_real_sittings():
    # 90 minutes from Wednesday (5 days): sittings of 30 (the least), so three days, not five.
    blocks = _blocks(60, 30, first_day=date(2026, 12, 2))

    assert [(b.starts, b.minutes, b.item.step.pk) for b in blocks] == [
        (datetime(2026, 12, 2, 18, 0, tzinfo=LONDON), 30, 1),
        (datetime(2026, 12, 3, 18, 0, tzinfo=LONDON), 30, 1),
        (datetime(2026, 12, 4, 18, 0, tzinfo=LONDON), 30, 2),
    ]


def test_blocks_by_hand_a_full_week_shares_the_days():
    # 300 minutes over 7 days: sittings of 43; the second step starts after the first's 34.
    blocks = _blocks(120, 180, hour=7)

    assert [(b.starts.day, b.starts.hour, b.starts.minute, b.minutes) for b in blocks] == [
        (30, 7, 0, 43),
        (1, 7, 0, 43),
        (2, 7, 0, 34),
        (2, 7, 34, 9),
        (3, 7, 0, 43),
        (4, 7, 0, 43),
        (5, 7, 0, 43),
        (6, 7, 0, 42),
    ]


def test_a_late_sitting_starts_early_enough_to_end_by_midnight_and_a_day_holds_eight_hours():
    late = _blocks(120, hour=23, first_day=date(2026, 12, 6))  # Sunday only
    huge = _blocks(3000, first_day=date(2026, 12, 6))

    assert [(b.starts.hour, b.minutes) for b in late] == [(22, 120)]
    assert [(b.starts, b.minutes) for b in huge] == [
        (datetime(2026, 12, 6, 16, 0, tzinfo=LONDON), MAX_SITTING_MINUTES)
    ]
    assert _blocks(60, first_day=date(2026, 12, 7)) == []  # no day of the week left


@settings(max_examples=200, deadline=None)
@given(
    minutes=st.lists(st.integers(1, 600), min_size=1, max_size=12),
    first=st.integers(0, 6),
    hour=st.integers(0, 23),
)
def test_blocks_place_the_planned_minutes_in_order_within_the_days(minutes, first, hour):
    first_day = MONDAY + timedelta(days=first)

    blocks = _blocks(*minutes, first_day=first_day, hour=hour)

    days = 7 - first
    sitting = min(MAX_SITTING_MINUTES, max(MIN_SITTING_MINUTES, -(-sum(minutes) // days)))
    assert sum(b.minutes for b in blocks) == min(sum(minutes), sitting * days)
    for n, planned in enumerate(minutes):
        assert sum(b.minutes for b in blocks if b.item.step.pk == n + 1) <= planned
    for block in blocks:  # each within its day, from the first day to Sunday
        ends = block.starts + timedelta(minutes=block.minutes)
        assert first_day <= block.starts.date() <= MONDAY + timedelta(days=6)
        assert ends.date() == block.starts.date() or ends.time() == time(0)
    for day in {b.starts.date() for b in blocks}:
        assert sum(b.minutes for b in blocks if b.starts.date() == day) <= sitting
    assert [b.item.step.pk for b in blocks] == sorted(b.item.step.pk for b in blocks)  # in order


# --- The feed ---------------------------------------------------------------------------------


@time_machine.travel(WEDNESDAY, tick=False)
def test_the_feed_is_the_plans_week_at_the_preferred_hour_and_valid_rfc5545(world):
    user, path, read, _ = world
    enrolment = enrolment_create(user=user, path=path)  # the read's 60 minutes this week
    feed = calendar_feed_renew(user=user)

    response = Client().get(_path(feed_url(feed)))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Cache-Control"] == "private, max-age=900"
    calendar = rfc5545_calendar(response.content)
    assert [tz.tz_id for tz in calendar.timezones] == ["Europe/London"]
    events = calendar.events
    assert [(e.dtstart, e.dtend, e.summary) for e in events] == [
        (
            datetime(2026, 12, 2, 18, 0, tzinfo=LONDON),
            datetime(2026, 12, 2, 18, 30, tzinfo=LONDON),
            f"Study: {read.title}",
        ),
        (
            datetime(2026, 12, 3, 18, 0, tzinfo=LONDON),
            datetime(2026, 12, 3, 18, 30, tzinfo=LONDON),
            f"Study: {read.title}",
        ),
    ]
    log_url = f"{BASE}/enrolments/{enrolment.pk}/?step={read.pk}#log"
    assert events[0].url == log_url
    assert f"Log it: {log_url}" in str(events[0].description)
    assert str(feed.key) not in response.content.decode()  # half of the URL: never in the feed
    assert events[0].uid == f"{uuid5(feed.key, 'pathwise-calendar')}-2026-12-02-{read.pk}@pathwise"
    body = response.content.decode()
    assert "DTSTAMP:20261202T120000Z" in body
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n" in body
    assert "X-PUBLISHED-TTL:PT1H\r\n" in body
    assert calendar.uid == str(uuid5(feed.key, "pathwise-calendar"))  # the same every fetch
    feed.refresh_from_db()
    assert feed.last_fetched_at == WEDNESDAY


@time_machine.travel(WEDNESDAY, tick=False)
def test_the_feed_follows_the_plan_when_a_step_is_logged(world):
    user, path, read, _ = world
    enrolment = enrolment_create(user=user, path=path)
    feed = calendar_feed_renew(user=user)
    url = _path(feed_url(feed))
    before = rfc5545_calendar(Client().get(url).content).events

    progress_log(enrolment=enrolment, step=read, minutes=60, status="completed")
    after = rfc5545_calendar(Client().get(url).content).events

    assert {e.summary for e in before} == {f"Study: {read.title}"}
    # The read is done (and 60 of the 90 minutes): the plan needs nothing more to reach 80.
    assert after == []
    page = signed_in(user).get("/plan/").content.decode()
    assert "You have reached it: skill checks take readiness further." in page
    assert "Nothing left to plan" not in page


def test_without_a_target_the_feed_is_an_empty_valid_calendar():
    user = UserFactory.create()
    feed = calendar_feed_renew(user=user)

    calendar = rfc5545_calendar(Client().get(_path(feed_url(feed))).content)

    assert calendar.events == []
    assert [tz.tz_id for tz in calendar.timezones] == ["Europe/London"]


def test_the_fetch_time_is_written_at_most_hourly(world):
    feed = calendar_feed_renew(user=world[0])
    url = _path(feed_url(feed))
    with time_machine.travel(WEDNESDAY, tick=False):
        Client().get(url)
    with time_machine.travel(WEDNESDAY + timedelta(minutes=59), tick=False):
        Client().get(url)
    feed.refresh_from_db()
    assert feed.last_fetched_at == WEDNESDAY
    with time_machine.travel(WEDNESDAY + timedelta(hours=1), tick=False):
        Client().get(url)
    feed.refresh_from_db()
    assert feed.last_fetched_at == WEDNESDAY + timedelta(hours=1)


# --- The secret URL ---------------------------------------------------------------------------


def test_a_wrong_token_another_key_or_a_revoked_url_is_404(world):
    user = world[0]
    mine, theirs = calendar_feed_renew(user=user), calendar_feed_renew(user=UserFactory.create())
    url = _path(feed_url(mine))
    token = url.rsplit("/", 1)[1]
    client = Client()

    assert client.get(url).status_code == 200
    assert client.get(url.replace(token, "0" * 64 + ".ics")).status_code == 404
    assert client.get(url.replace(str(mine.key), str(theirs.key))).status_code == 404
    assert client.post(url).status_code == 405

    signed_in(user).post("/plan/calendar/", {"action": "revoke"})

    assert client.get(url).status_code == 404
    assert not CalendarFeed.objects.filter(user=user).exists()
    assert client.get(_path(feed_url(theirs))).status_code == 200  # theirs untouched


def test_renewing_twice_keeps_one_feed_with_the_latest_key(world):
    user = world[0]
    first = calendar_feed_renew(user=user)
    second = calendar_feed_renew(user=user)

    assert list(CalendarFeed.objects.filter(user=user).values_list("key", flat=True)) == [
        second.key
    ]
    assert first.key != second.key
    assert Client().get(_path(feed_url(first))).status_code == 404


def test_a_new_link_replaces_the_old(world):
    user = world[0]
    old = _path(feed_url(calendar_feed_renew(user=user)))
    page = signed_in(user)

    response = page.post("/plan/calendar/", {"action": "renew"})

    new = _path(feed_url(CalendarFeed.objects.get(user=user)))
    assert response.status_code == 302
    assert response["Location"] == "/plan/#calendar"
    assert new != old
    assert Client().get(old).status_code == 404
    assert Client().get(new).status_code == 200


@time_machine.travel(WEDNESDAY, tick=False)
def test_the_plan_page_offers_then_shows_the_link(world):
    user, path, _read, _ = world
    enrolment_create(user=user, path=path)
    page = signed_in(user)

    before = page.get("/plan/").content.decode()
    page.post("/plan/calendar/", {"action": "renew"})
    after = page.get("/plan/").content.decode()

    feed = CalendarFeed.objects.get(user=user)
    assert "Get a calendar link" in before
    assert f'value="{feed_url(feed)}"' in after
    assert f'href="{feed_url(feed).replace("http://", "webcal://")}"' in after
    assert "not read by a calendar yet" in after
    assert signed_in(UserFactory.create()).get("/plan/calendar/").status_code == 405
    assert Client().post("/plan/calendar/", {"action": "renew"}).status_code == 302  # to login


def test_the_feeds_queries_do_not_grow_with_the_plan(world):
    user, path, read, _ = world
    enrolment_create(user=user, path=path)
    url = _path(feed_url(calendar_feed_renew(user=user)))
    counts = []
    for extra in (0, 30):
        for n in range(extra):
            step = StepFactory.create(path=path, position=10 + n, kind="read")
            StepSkillFactory.create(step=step, skill=read.skills.first(), level=1)
        Client().get(url)  # the first fetch in an hour writes its time
        with CaptureQueriesContext(connection) as queries:
            Client().get(url)
        counts.append(len(queries))

    assert counts[0] == counts[1], counts


# --- API --------------------------------------------------------------------------------------


def test_the_api_makes_shows_renews_and_turns_off_the_feed(world, client_for):
    user = world[0]
    api = client_for(user)

    missing = api.get("/api/v1/plan/calendar/")
    made = api.post("/api/v1/plan/calendar/")
    shown = api.get("/api/v1/plan/calendar/")
    renewed = api.post("/api/v1/plan/calendar/")
    off = api.delete("/api/v1/plan/calendar/")
    off_again = api.delete("/api/v1/plan/calendar/")

    assert missing.status_code == 404
    assert missing["Content-Type"] == "application/problem+json"
    assert made.status_code == 201
    assert shown.json() == made.json()
    assert set(made.json()) == {"url", "webcal_url", "created_at", "last_fetched_at"}
    assert made.json()["url"].startswith(f"{BASE}/calendar/")
    assert made.json()["webcal_url"] == made.json()["url"].replace("http://", "webcal://")
    assert renewed.status_code == 201
    assert renewed.json()["url"] != made.json()["url"]
    assert Client().get(_path(made.json()["url"])).status_code == 404
    assert off.status_code == 204
    assert Client().get(_path(renewed.json()["url"])).status_code == 404
    assert off_again.status_code == 404
    assert api.get("/api/v1/plan/calendar/").status_code == 404


def test_the_api_feed_is_the_learners_own(world, client_for):
    user = world[0]
    other = UserFactory.create()
    calendar_feed_renew(user=other)
    api = client_for(user)

    assert api.get("/api/v1/plan/calendar/").status_code == 404
    assert api.delete("/api/v1/plan/calendar/").status_code == 404
    assert CalendarFeed.objects.filter(user=other).exists()
