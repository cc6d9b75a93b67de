"""Reminders: who is due which reminder at their local preferred hour, the claim that makes each
go out once, and the emails.

Kinds: inactivity (no progress for the learner's chosen number of days while an enrolment is
active), behind pace (an enrolment projected to finish after its target date; at most weekly),
the weekly digest (Mondays: minutes, readiness change, streak) and reviews due (at least one
skill whose chance of recall, FSRS retrievability, is below the learner's desired retention, or
whose last review failed; at most once per local day; the email names the due skills, the failed
ones first, then the least likely recalled with that chance as a percentage). Each can be
turned off.

Backing off: a reminder is "ignored" when the learner has logged nothing since it was sent; a
reviews-due reminder when the learner has reviewed no skill since it was sent (a step
completed, a check passed or a review taken is a review: the latest `MemoryState.last_review`).
After the first ignored reminder of a kind the next waits BACKOFF_DAYS[0] days (or the kind's own
period if longer), then BACKOFF_DAYS[1], then BACKOFF_DAYS[2]; after MAX_IGNORED ignored reminders
that kind stops until the learner is active again (for reviews due: until they review a skill).

Reviews due are found for the learners at their preferred hour only, in one query: their memory
states whose FSRS `due` has passed (scheduled at the default retention, 0.9: a memory below a
retention of 0.9 or lower is always past it), or all of theirs if they chose a retention above
0.9; the exact test, retrievability below the learner's retention, is made in Python.

Sending: `reminders_plan` claims one ReminderDelivery row per learner, kind and period (unique;
a second planner in the same hour claims nothing), and `reminders_send` moves rows from claimed
to sending in one conditional update before sending, so a row is never sent twice however many
times a batch is delivered. A row whose send fails goes back to claimed for a bounded number of
retries, then to failed.
"""

import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db.models import Exists, F, Max, Min, OuterRef, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from assessments.memory import DEFAULT_RETENTION, retrievability
from assessments.models import MemoryState
from tracker import activity, pace, streaks
from tracker.models import (
    Enrolment,
    LearnerProfile,
    ReadinessScore,
    ReadinessSnapshot,
    ReminderDelivery,
)

Kind = ReminderDelivery.Kind
BACKOFF_DAYS = (3, 7, 14)
MAX_IGNORED = len(BACKOFF_DAYS) + 1
KIND_PERIOD_DAYS = {
    Kind.INACTIVITY: 1,
    Kind.BEHIND_PACE: 7,
    Kind.WEEKLY_DIGEST: 7,
    Kind.REVIEWS_DUE: 1,
}
KIND_ENABLED_FIELD = {
    Kind.INACTIVITY: "remind_inactivity",
    Kind.BEHIND_PACE: "remind_behind_pace",
    Kind.WEEKLY_DIGEST: "remind_weekly_digest",
    Kind.REVIEWS_DUE: "remind_reviews_due",
}
REVIEWS_LISTED = 10  # due skills named in the email; the rest are counted
DIGEST_WEEKDAY = 0  # Monday
SEND_BATCH_SIZE = 100
MAX_SEND_ATTEMPTS = 3
UNSUBSCRIBE_SALT = "tracker.reminders.unsubscribe"
STREAK_HISTORY_DAYS = 400  # the digest's streak looks this far back


# --- When -------------------------------------------------------------------------------------


def in_quiet_hours(hour: int, start: int | None, end: int | None) -> bool:
    """Quiet hours run from start (included) to end (excluded) and may wrap midnight."""
    if start is None or end is None or start == end:
        return False
    return start <= hour < end if start < end else hour >= start or hour < end


def _quiet_q(hour: int) -> Q:
    plain = Q(quiet_hours_start__lt=F("quiet_hours_end"), quiet_hours_start__lte=hour) & Q(
        quiet_hours_end__gt=hour
    )
    wrapping = Q(quiet_hours_start__gt=F("quiet_hours_end")) & (
        Q(quiet_hours_start__lte=hour) | Q(quiet_hours_end__gt=hour)
    )
    return Q(quiet_hours_start__isnull=False, quiet_hours_end__isnull=False) & (plain | wrapping)


def due_now_q(now: datetime, zones: Iterable[str]) -> Q:
    """Learners whose local hour is their preferred hour, outside their quiet hours: one
    condition per time zone in use, so one query finds them all."""
    condition = Q(pk__in=[])
    for zone in zones:
        hour = now.astimezone(ZoneInfo(zone)).hour
        condition |= Q(timezone=zone, preferred_hour=hour) & ~_quiet_q(hour)
    return condition


def period_key(kind: str, local_day: date) -> str:
    """The learner's local day for the daily kinds, else the ISO week."""
    if KIND_PERIOD_DAYS[Kind(kind)] == 1:
        return local_day.isoformat()
    year, week, _ = local_day.isocalendar()
    return f"{year}-W{week:02d}"


def backoff_allows(kind: str, ignored: int, last_sent: datetime | None, now: datetime) -> bool:
    """Whether another reminder of this kind may go out, given how many were ignored."""
    if ignored >= MAX_IGNORED:
        return False
    if ignored == 0 or last_sent is None:
        return True
    gap = max(KIND_PERIOD_DAYS[Kind(kind)], BACKOFF_DAYS[ignored - 1])
    return now - last_sent >= timedelta(days=gap) - timedelta(minutes=30)


# --- Who, and what each email says ---------------------------------------------------------


@dataclass
class Candidate:
    profile: LearnerProfile
    local_now: datetime
    last_activity: datetime | None
    active_since: datetime | None  # earliest start among active enrolments
    has_open_enrolment: bool

    @property
    def local_day(self) -> date:
        return self.local_now.date()


def _candidates(now: datetime, limit_to: Sequence[int] | None) -> list[Candidate]:
    profiles = LearnerProfile.objects.filter(user__is_active=True)
    if limit_to is not None:
        profiles = profiles.filter(user_id__in=limit_to)
    zones = profiles.values_list("timezone", flat=True).distinct().order_by()
    active = Enrolment.objects.filter(user_id=OuterRef("user_id"), status=Enrolment.Status.ACTIVE)
    due = (
        profiles.filter(due_now_q(now, list(zones)))
        .filter(
            Q(remind_inactivity=True)
            | Q(remind_behind_pace=True)
            | Q(remind_weekly_digest=True)
            | Q(remind_reviews_due=True)
        )
        .select_related("user", "target_role", "target_level")
        .annotate(
            last_activity=Max("user__progress_entries__occurred_at"),
            active_since=Min(
                "user__enrolments__enrolled_at",
                filter=Q(user__enrolments__status=Enrolment.Status.ACTIVE),
            ),
            has_active=Exists(active),
        )
    )
    return [
        Candidate(
            profile=p,
            local_now=now.astimezone(ZoneInfo(p.timezone)),
            last_activity=p.last_activity,
            active_since=p.active_since,
            has_open_enrolment=p.has_active,
        )
        for p in due
    ]


def _history(user_ids: list[int]) -> dict[tuple[int, str], list[datetime]]:
    """When each learner's reminders of each kind were claimed, newest first."""
    claimed: dict[tuple[int, str], list[datetime]] = defaultdict(list)
    rows = (
        ReminderDelivery.objects.filter(user_id__in=user_ids)
        .exclude(status=ReminderDelivery.Status.FAILED)
        .order_by("-claimed_at")
        .values_list("user_id", "kind", "claimed_at")
    )
    for user_id, kind, at in rows:
        claimed[(user_id, kind)].append(at)
    return claimed


def _ignored(sent: list[datetime], since: datetime | None) -> int:
    return sum(1 for at in sent if since is None or at > since)


def _enrolment_paces(user_ids: list[int], now: datetime) -> dict[int, list[dict[str, Any]]]:
    """Per learner, active enrolments with a target date that are behind it, with the figures
    the dashboard shows for them (tracker/activity.py measures both)."""
    enrolments = list(
        Enrolment.objects.filter(
            user_id__in=user_ids, status=Enrolment.Status.ACTIVE, target_date__isnull=False
        ).select_related("path", "user__profile")
    )
    clocks = {e.user_id: activity.LearnerClock.at(now, e.user.profile.timezone) for e in enrolments}
    figures = activity.enrolment_figures(enrolments=enrolments, clocks=clocks)
    result: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for enrolment in enrolments:
        target_date = enrolment.target_date
        if target_date is None:  # excluded by the query; narrows the type
            continue
        projected, window = figures[enrolment.pk].pace, figures[enrolment.pk].window
        if projected.on_track is False:
            needed = pace.needed_minutes_per_week(
                remaining_minutes=projected.remaining_minutes,
                target_date=target_date,
                today=clocks[enrolment.user_id].today,
            )
            result[enrolment.user_id].append(
                {
                    "path": enrolment.path.title,
                    "target_date": target_date.isoformat(),
                    "projected_finish": (
                        projected.projected_finish.isoformat()
                        if projected.projected_finish
                        else None
                    ),
                    "needed_minutes_per_week": round(needed),
                    "minutes_per_week": round(projected.minutes_per_week),
                    "pace_days": window.days,
                    "pace_full_window": window.days == activity.WINDOW_DAYS,
                }
            )
    return result


def _digests(candidates: list[Candidate], now: datetime) -> dict[int, dict[str, Any]]:
    """Minutes this week, readiness change for the target, and the current streak."""
    by_day = activity.minutes_by_day_for(
        clocks={
            c.profile.user_id: activity.LearnerClock.at(now, c.profile.timezone) for c in candidates
        },
        days=STREAK_HISTORY_DAYS,
    )
    targets = Q(pk__in=[])
    for c in candidates:
        if c.profile.target_role_id and c.profile.target_level_id:
            targets |= Q(
                user_id=c.profile.user_id,
                role_id=c.profile.target_role_id,
                level_id=c.profile.target_level_id,
            )
    scores = {
        s.user_id: s.score for s in ReadinessScore.objects.filter(targets).only("user", "score")
    }
    week_ago = {c.profile.user_id: c.local_day - timedelta(days=7) for c in candidates}
    earlier: dict[int, float | None] = {}
    if week_ago:
        window = (min(week_ago.values()) - timedelta(days=7), max(week_ago.values()))
        for snapshot in ReadinessSnapshot.objects.filter(targets, day__range=window).order_by(
            "day"
        ):
            if snapshot.day <= week_ago[snapshot.user_id]:  # the latest on or before it
                earlier[snapshot.user_id] = snapshot.score
    digests = {}
    for c in candidates:
        days = by_day[c.profile.user_id]
        digests[c.profile.user_id] = {
            # the seven local days before today
            "minutes": activity.minutes_between(
                days, c.local_day - timedelta(days=7), c.local_day - timedelta(days=1)
            ),
            "streak": streaks.streaks(days, c.local_day).current,
            "target": str(c.profile.target_role) if c.profile.target_role_id else None,
            "level": str(c.profile.target_level) if c.profile.target_level_id else None,
            "score_now": _rounded(scores.get(c.profile.user_id)),
            "score_before": _rounded(earlier.get(c.profile.user_id)),
        }
    return digests


def _rounded(score: float | None) -> float | None:
    return None if score is None else round(score, 1)


def _reviews_due(profiles: list[LearnerProfile], now: datetime) -> dict[int, dict[str, Any]]:
    """Per learner with a review due: the due skills (name, chance of recall now in whole per
    cent, rounded down so it always shows below the retention), those whose last review failed
    first, then the least likely recalled, and when they last reviewed any skill. Two queries,
    however many learners."""
    wanted = {p.user_id: p.desired_retention for p in profiles}
    if not wanted:
        return {}
    # A memory below a retention of DEFAULT_RETENTION or lower is past its FSRS `due`.
    above_default = [u for u, retention in wanted.items() if retention > DEFAULT_RETENTION]
    memories = (
        MemoryState.objects.filter(user_id__in=list(wanted))
        .filter(Q(due__lte=now) | Q(lapsed=True) | Q(user_id__in=above_default))
        .select_related("skill")
    )
    due: dict[int, list[tuple[float, str]]] = defaultdict(list)
    for memory in memories:
        recall = retrievability(memory, now)
        if memory.lapsed:  # its last review failed: first, whatever the curve says
            due[memory.user_id].append((-1.0, memory.skill.name))
        elif recall < wanted[memory.user_id]:
            due[memory.user_id].append((recall, memory.skill.name))
    if not due:
        return {}
    last_reviews = dict(
        MemoryState.objects.filter(user_id__in=list(due))
        .values("user_id")
        .annotate(latest=Max("last_review"))
        .values_list("user_id", "latest")
        .order_by()
    )
    result = {}
    for user_id, skills in due.items():
        skills.sort()
        result[user_id] = {
            "reviews": [
                {"skill": name, "recall": int(recall * 100), "lapsed": recall < 0}
                for recall, name in skills[:REVIEWS_LISTED]
            ],
            "more": max(0, len(skills) - REVIEWS_LISTED),
            "retention": round(wanted[user_id] * 100),
            "last_review": last_reviews.get(user_id),
        }
    return result


def _due_kinds(
    candidate: Candidate,
    history: dict[tuple[int, str], list[datetime]],
    behind: dict[int, list[dict[str, Any]]],
    reviews: dict[int, dict[str, Any]],
    now: datetime,
) -> list[str]:
    profile, kinds = candidate.profile, list[Kind]()
    user_id = profile.user_id
    if profile.remind_inactivity and candidate.has_open_enrolment:
        quiet_since = candidate.last_activity or candidate.active_since
        if quiet_since and now - quiet_since >= timedelta(days=profile.inactivity_days):
            kinds.append(Kind.INACTIVITY)
    if profile.remind_behind_pace and behind.get(user_id):
        kinds.append(Kind.BEHIND_PACE)
    if profile.remind_weekly_digest and candidate.local_day.weekday() == DIGEST_WEEKDAY:
        kinds.append(Kind.WEEKLY_DIGEST)
    if profile.remind_reviews_due and user_id in reviews:
        kinds.append(Kind.REVIEWS_DUE)
    allowed: list[str] = []
    for kind in kinds:
        sent = history.get((user_id, kind), [])
        # Answering a reviews-due reminder is reviewing; any other, logging progress.
        since = (
            reviews[user_id]["last_review"] if kind == Kind.REVIEWS_DUE else candidate.last_activity
        )
        ignored = _ignored(sent, since)
        if backoff_allows(kind, ignored, sent[0] if sent else None, now):
            allowed.append(kind)
    return allowed


ABANDONED_AFTER = timedelta(minutes=30)


def reminders_plan(
    *, now: datetime | None = None, user_ids: Sequence[int] | None = None
) -> list[int]:
    """Claim the reminders due this hour; returns the ids to send: the rows this run claimed,
    and claimed rows an earlier run left unsent (its fan-out failed) for over half an hour."""
    now = now or timezone.now()
    abandoned = list(
        ReminderDelivery.objects.filter(
            status=ReminderDelivery.Status.CLAIMED, claimed_at__lt=now - ABANDONED_AFTER
        ).values_list("pk", flat=True)
    )
    return abandoned + _claim_due(now, user_ids)


def _claim_due(now: datetime, user_ids: Sequence[int] | None) -> list[int]:
    candidates = _candidates(now, user_ids)
    if not candidates:
        return []
    ids = [c.profile.user_id for c in candidates]
    history = _history(ids)
    behind = _enrolment_paces(ids, now)
    reviews = _reviews_due([c.profile for c in candidates if c.profile.remind_reviews_due], now)
    due = {c.profile.user_id: _due_kinds(c, history, behind, reviews, now) for c in candidates}
    digest_for = [c for c in candidates if Kind.WEEKLY_DIGEST in due[c.profile.user_id]]
    digests = _digests(digest_for, now) if digest_for else {}
    token = uuid.uuid4()
    rows = []
    for c in candidates:
        for kind in due[c.profile.user_id]:
            context: dict[str, Any] = {"inactive_days": None}
            if kind == Kind.INACTIVITY:
                quiet_since = c.last_activity or c.active_since
                context = {"inactive_days": (now - quiet_since).days if quiet_since else None}
            elif kind == Kind.BEHIND_PACE:
                context = {"enrolments": behind[c.profile.user_id]}
            elif kind == Kind.REVIEWS_DUE:
                context = _reviews_context(reviews[c.profile.user_id])
            else:
                context = digests[c.profile.user_id]
            rows.append(
                ReminderDelivery(
                    user_id=c.profile.user_id,
                    kind=kind,
                    period_key=period_key(kind, c.local_day),
                    claim_token=token,
                    context=context,
                    claimed_at=now,
                )
            )
    ReminderDelivery.objects.bulk_create(rows, ignore_conflicts=True)
    return list(
        ReminderDelivery.objects.filter(claim_token=token)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _reviews_context(due: dict[str, Any]) -> dict[str, Any]:
    """What a reviews-due email shows (stored as JSON with the claim)."""
    return {key: due[key] for key in ("reviews", "more", "retention")}


# --- The emails -------------------------------------------------------------------------------


def unsubscribe_token(user_id: int, kind: str) -> str:
    """Signed, without expiry: an unsubscribe link must keep working."""
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign_object({"u": user_id, "k": kind})


def unsubscribe_read(token: str) -> tuple[int, str]:
    """(user id, kind) from a token; raises signing.BadSignature if it was tampered with."""
    data = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign_object(token)
    if data.get("k") not in Kind.values:
        raise signing.BadSignature("unknown reminder kind")
    return int(data["u"]), data["k"]


SUBJECTS = {
    Kind.INACTIVITY: "Your learning path misses you",
    Kind.BEHIND_PACE: "You're behind pace for your target date",
    Kind.WEEKLY_DIGEST: "Your week on Pathwise",
    Kind.REVIEWS_DUE: "Some of your skills are due a review",
}


def reminder_email(delivery: ReminderDelivery) -> EmailMultiAlternatives:
    """The email for a delivery, in plain text and HTML, with one-click unsubscribe headers."""
    unsubscribe_url = settings.PATHWISE_BASE_URL + reverse(
        "reminder-unsubscribe", args=[unsubscribe_token(delivery.user_id, delivery.kind)]
    )
    context = {
        **delivery.context,
        "kind": delivery.kind,
        "kind_label": Kind(delivery.kind).label.lower(),
        "dashboard_url": settings.PATHWISE_BASE_URL + "/",
        "reviews_url": settings.PATHWISE_BASE_URL + reverse("readiness") + "#reviews",
        "plan_url": settings.PATHWISE_BASE_URL + reverse("plan") + "#this-week",
        "unsubscribe_url": unsubscribe_url,
    }
    template = f"tracker/email/{delivery.kind}"
    message = EmailMultiAlternatives(
        subject=SUBJECTS[Kind(delivery.kind)],
        body=render_to_string(f"{template}.txt", context),
        to=[delivery.user.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    return message


@dataclass(frozen=True)
class SendResult:
    sent: list[int]
    retry: list[int]
    failed: list[int]


def reminders_send(*, delivery_ids: Sequence[int]) -> SendResult:
    """Send the claimed deliveries among these ids; ids already taken by another run (or
    already sent) are skipped, so running a batch twice sends nothing twice."""
    token = uuid.uuid4()
    ReminderDelivery.objects.filter(
        pk__in=delivery_ids, status=ReminderDelivery.Status.CLAIMED
    ).update(status=ReminderDelivery.Status.SENDING, claim_token=token, attempts=F("attempts") + 1)
    mine = list(
        ReminderDelivery.objects.filter(
            claim_token=token, status=ReminderDelivery.Status.SENDING
        ).select_related("user")
    )
    sent: list[int] = []
    retry: list[int] = []
    failed: list[int] = []
    errors: dict[int, str] = {}
    with get_connection() as connection:
        for delivery in mine:
            try:
                connection.send_messages([reminder_email(delivery)])
            except OSError as error:  # SMTP and socket errors
                errors[delivery.pk] = str(error)
                (retry if delivery.attempts < MAX_SEND_ATTEMPTS else failed).append(delivery.pk)
            else:
                sent.append(delivery.pk)
    deliveries = ReminderDelivery.objects.filter(claim_token=token)
    deliveries.filter(pk__in=sent).update(
        status=ReminderDelivery.Status.SENT, sent_at=timezone.now()
    )
    deliveries.filter(pk__in=retry).update(status=ReminderDelivery.Status.CLAIMED)
    for pk in failed:
        deliveries.filter(pk=pk).update(status=ReminderDelivery.Status.FAILED, error=errors[pk])
    return SendResult(sent=sent, retry=retry, failed=failed)


def reminder_unsubscribe(*, token: str) -> str:
    """Turn off the reminder kind the token names; returns the kind."""
    user_id, kind = unsubscribe_read(token)
    LearnerProfile.objects.filter(user_id=user_id).update(**{KIND_ENABLED_FIELD[Kind(kind)]: False})
    return kind


def send_test_reminder(*, profile: LearnerProfile, kind: str) -> ReminderDelivery:
    """Claim and send one reminder now for a learner, whatever is due (operations command)."""
    now = timezone.now()
    context: dict[str, Any] = {}
    if kind == Kind.INACTIVITY:
        context = {"inactive_days": profile.inactivity_days}
    elif kind == Kind.BEHIND_PACE:
        context = {"enrolments": _enrolment_paces([profile.user_id], now).get(profile.user_id, [])}
    elif kind == Kind.REVIEWS_DUE:
        due = _reviews_due([profile], now).get(profile.user_id)
        context = (
            _reviews_context(due)
            if due
            else {"reviews": [], "more": 0, "retention": round(profile.desired_retention * 100)}
        )
    else:
        candidate = Candidate(profile, now.astimezone(ZoneInfo(profile.timezone)), None, None, True)
        context = _digests([candidate], now)[profile.user_id]
    delivery = ReminderDelivery.objects.create(
        user_id=profile.user_id,
        kind=kind,
        period_key=f"test-{uuid.uuid4().hex[:15]}",
        claim_token=uuid.uuid4(),
        context=context,
    )
    reminders_send(delivery_ids=[delivery.pk])
    delivery.refresh_from_db()
    return delivery
