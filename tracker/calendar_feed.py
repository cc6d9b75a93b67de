"""The learner's plan as an iCalendar feed (RFC 5545) at a secret, revocable URL: the study
blocks of the next FEED_WEEKS weeks of their plan (tracker/plans.py), at their preferred hour in
their time zone, so a calendar app that subscribes shows them and follows the plan as it changes.

The URL is /calendar/<key>/<token>.ics: `key` is stored, `token` is an HMAC of it under
SECRET_KEY (not stored), so a leaked database does not give the feeds away and the page can show
the URL again. A new link gives the row a new key, turning the feed off deletes it: either way
the old URL answers 404 at once."""

from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4, uuid5

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, Timezone, vDuration

from config.secret_links import link_token, link_token_valid
from tracker.models import CalendarFeed, User
from tracker.plans import LearnerPlan, StudyBlock, plan_get
from tracker.selectors import learner_today, profile_get

FEED_WEEKS = 4
"""This week and the three after: enough to see ahead; later weeks change too much to show."""
REFRESH = timedelta(hours=1)
"""How often calendar apps are asked to fetch the feed again (most poll less often anyway)."""
FETCH_RECORD_EVERY = timedelta(hours=1)
"""`last_fetched_at` is written at most this often (calendar apps poll; the page shows it)."""
_SALT = "pathwise.calendar-feed"


# --- The secret URL ---------------------------------------------------------------------------


def feed_token(feed: CalendarFeed) -> str:
    return link_token(_SALT, feed.key)


def feed_url(feed: CalendarFeed) -> str:
    path = reverse("calendar-feed", kwargs={"key": feed.key, "token": feed_token(feed)})
    return settings.PATHWISE_BASE_URL.rstrip("/") + path


def webcal_url(feed: CalendarFeed) -> str:
    """The same URL with the webcal scheme, which calendar apps open to subscribe."""
    return "webcal://" + feed_url(feed).split("://", 1)[1]


def calendar_feed_get(*, user: User) -> CalendarFeed | None:
    return CalendarFeed.objects.select_related("user__profile").filter(user=user).first()


def calendar_feed_renew(*, user: User) -> CalendarFeed:
    """A feed at a new secret URL; the learner's previous URL, if any, stops working (the
    row keeps its place and takes a new key, so two quick renewals cannot collide)."""
    feed, _created = CalendarFeed.objects.update_or_create(
        user=user,
        defaults={"key": uuid4(), "created_at": timezone.now(), "last_fetched_at": None},
    )
    return feed


def calendar_feed_revoke(*, user: User) -> bool:
    """Turn the feed off: its URL answers 404. False if there was none."""
    deleted, _rows = CalendarFeed.objects.filter(user=user).delete()
    return deleted > 0


def feed_for_url(*, key: UUID, token: str) -> CalendarFeed | None:
    """The feed a URL names, or None (unknown key, wrong token, or turned off)."""
    feed = CalendarFeed.objects.select_related("user").filter(key=key).first()
    if feed is None or not link_token_valid(_SALT, feed.key, token):
        return None
    return feed


def feed_fetched(feed: CalendarFeed, at: datetime) -> None:
    if feed.last_fetched_at is None or at - feed.last_fetched_at >= FETCH_RECORD_EVERY:
        CalendarFeed.objects.filter(pk=feed.pk).update(last_fetched_at=at)


# --- The feed ---------------------------------------------------------------------------------


def feed_ics(*, feed: CalendarFeed, now: datetime) -> bytes:
    """The feed's calendar now: its learner's plan (empty without a target), as RFC 5545."""
    profile = profile_get(user=feed.user)
    today = learner_today(profile)
    plan = plan_get(user=feed.user)
    calendar = Calendar.new(
        prodid="-//Pathwise//Learning plan//EN",
        uid=_public_id(feed),
        name=_("Pathwise plan"),
        description=_description(plan),
        method="PUBLISH",
        calscale="GREGORIAN",
        refresh_interval=REFRESH,
    )
    calendar["REFRESH-INTERVAL"].params["VALUE"] = "DURATION"  # as RFC 7986 writes it
    calendar.add("X-PUBLISHED-TTL", vDuration(REFRESH))  # Outlook's name for it
    # Always one component (RFC 5545 wants at least one): the zone the blocks are given in.
    calendar.add_component(
        Timezone.from_tzid(
            profile.timezone,
            first_date=today - timedelta(days=7),
            last_date=today + timedelta(weeks=FEED_WEEKS + 1),
        )
    )
    for week in plan.weeks[:FEED_WEEKS] if plan else []:
        for block in week.blocks:
            calendar.add_component(_event(feed, block, now))
    return calendar.to_ical()


def _public_id(feed: CalendarFeed) -> str:
    """A stable id for the feed that gives nothing of its URL away (UIDs travel with events)."""
    return str(uuid5(feed.key, "pathwise-calendar"))


def _description(plan: LearnerPlan | None) -> str:
    if plan is None:
        return _("Choose a target role and level on Pathwise to get a plan.")
    return _(
        "Study blocks from your Pathwise plan to %(role)s, %(level)s. They follow the plan "
        "as you log progress."
    ) % {"role": plan.role.name, "level": plan.level.name}


def _event(feed: CalendarFeed, block: StudyBlock, now: datetime) -> Event:
    step = block.item.step
    base = settings.PATHWISE_BASE_URL.rstrip("/")
    if block.item.enrolment_id is None:
        link = base + reverse("path", args=[step.path.slug])
        action = _("Enrol on the path first: %(url)s") % {"url": link}
    else:
        link = base + reverse("enrolment", args=[block.item.enrolment_id]) + f"?step={step.pk}#log"
        action = _("Log it: %(url)s") % {"url": link}
    return Event.new(
        uid=f"{_public_id(feed)}-{block.starts.date().isoformat()}-{step.pk}@pathwise",
        summary=_("Study: %(step)s") % {"step": step.title},
        description="\n".join(
            [
                _("%(path)s, %(minutes)s minutes.")
                % {"path": step.path.title, "minutes": block.minutes},
                action,
                _("Your plan: %(url)s") % {"url": base + reverse("plan")},
            ]
        ),
        url=link,
        start=block.starts,
        end=block.starts + timedelta(minutes=block.minutes),
        stamp=now.astimezone(UTC),
    )
