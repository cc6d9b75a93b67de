"""Everything stored about a learner, as JSON (GET /api/v1/me/export/ and the web download),
named and shaped as the API names things: each part is what its API endpoint gives (profile as
GET /api/v1/me/, enrolments as /api/v1/enrolments/ ...), without internal bookkeeping fields."""

from typing import Any

from django.db.models import Count
from django.utils import timezone

from assessments.models import SkillCheck
from tracker import calendar_feed, reviews, selectors
from tracker.api.serializers import ExportSerializer
from tracker.models import ProgressEntry, ReadinessSnapshot, ReminderDelivery, SkillClaim, User


def learner_export(*, user: User) -> dict[str, Any]:
    document = {
        "account": user,
        "profile": selectors.profile_get(user=user),
        "enrolments": selectors.enrolments_for(user=user).order_by("enrolled_at", "pk"),
        "progress": ProgressEntry.objects.filter(user=user).order_by("occurred_at", "pk"),
        "skill_claims": SkillClaim.objects.filter(user=user)
        .select_related("skill")
        .order_by("skill__slug"),
        "readiness": selectors.readiness_scores_for(user=user),
        "readiness_history": [],  # filled in below
        "reminders": ReminderDelivery.objects.filter(user=user).order_by("claimed_at", "pk"),
        "skill_checks": SkillCheck.objects.filter(user=user)
        .select_related("skill")
        .annotate(question_count=Count("items"))
        .order_by("started_at", "pk"),
        "memory": reviews.memories_for(user=user, at=timezone.now()),
        "calendar_feed": calendar_feed.calendar_feed_get(user=user),
    }
    data = dict(ExportSerializer(document).data)
    data["readiness_history"] = readiness_history_export(user=user)
    return data


def readiness_history_export(*, user: User) -> list[dict[str, Any]]:
    """Every daily snapshot, as ExportSnapshotSerializer shows one, built from plain rows: the
    nightly snapshot writes all twelve roles and levels, so a year is 4 380 rows, and a model
    object and the serializer's fields per row made the export of a year seven times as slow as
    that of a month."""
    rows = (
        ReadinessSnapshot.objects.filter(user=user)
        .order_by("role__position", "level__rank", "day")
        .values_list("role__slug", "level__slug", "day", "score")
    )
    return [
        {"role": role, "level": level, "day": day.isoformat(), "score": score}
        for role, level, day, score in rows
    ]
