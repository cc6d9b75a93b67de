"""Everything stored about a learner, as JSON (GET /api/v1/me/export/)."""

from typing import Any

from django.forms.models import model_to_dict

from tracker.models import (
    Enrolment,
    LearnerProfile,
    ProgressEntry,
    ReadinessScore,
    ReadinessSnapshot,
    ReminderDelivery,
    SkillClaim,
    User,
)


def _rows(queryset: Any, *fields: str) -> list[dict[str, Any]]:
    return list(queryset.values(*fields))


def learner_export(*, user: User) -> dict[str, Any]:
    profile = LearnerProfile.objects.get(user=user)
    return {
        "account": {
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "date_joined": user.date_joined,
            "last_login": user.last_login,
        },
        "profile": model_to_dict(profile, exclude=["user"]),
        "enrolments": _rows(
            Enrolment.objects.filter(user=user),
            "id",
            "path__slug",
            "status",
            "target_date",
            "enrolled_at",
            "completed_at",
        ),
        "progress": _rows(
            ProgressEntry.objects.filter(user=user),
            "id",
            "enrolment_id",
            "step_id",
            "step__title",
            "minutes",
            "status",
            "note",
            "evidence_url",
            "occurred_at",
            "client_id",
            "created_at",
        ),
        "skill_claims": _rows(
            SkillClaim.objects.filter(user=user),
            "skill__slug",
            "level",
            "evidence_url",
            "note",
            "created_at",
            "updated_at",
        ),
        "readiness": _rows(
            ReadinessScore.objects.filter(user=user),
            "role__slug",
            "level__slug",
            "score",
            "breakdown",
            "computed_at",
        ),
        "readiness_history": _rows(
            ReadinessSnapshot.objects.filter(user=user), "role__slug", "level__slug", "day", "score"
        ),
        "reminders": _rows(
            ReminderDelivery.objects.filter(user=user),
            "kind",
            "period_key",
            "status",
            "claimed_at",
            "sent_at",
        ),
    }
