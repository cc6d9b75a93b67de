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
        "readiness_history": ReadinessSnapshot.objects.filter(user=user)
        .select_related("role", "level")
        .order_by("role__position", "level__rank", "day"),
        "reminders": ReminderDelivery.objects.filter(user=user).order_by("claimed_at", "pk"),
        "skill_checks": SkillCheck.objects.filter(user=user)
        .select_related("skill")
        .annotate(question_count=Count("items"))
        .order_by("started_at", "pk"),
        "memory": reviews.memories_for(user=user, at=timezone.now()),
        "calendar_feed": calendar_feed.calendar_feed_get(user=user),
    }
    return dict(ExportSerializer(document).data)
