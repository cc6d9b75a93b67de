"""The home screen is read far more often than it changes (apps poll it), so its serialized
form is cached per learner under a key made of everything that changes it: the profile's
`changed_at` (moved by every write to the learner's data), when the target score was last
computed, and the learner's local date (streaks and pace count days). A read then costs one
small query and a cache lookup."""

from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.core.cache import cache
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from tracker.models import LearnerProfile, ReadinessScore, User

# Catalogue edits (a path renamed) do not move the key; this bounds how long they show late.
CACHE_SECONDS = 300


def _stamp(moment: datetime | None) -> str:
    return "-" if moment is None else f"{moment.timestamp():.6f}"


def dashboard_cache_key(user: User) -> str:
    target_score_at = ReadinessScore.objects.filter(
        user_id=OuterRef("user_id"),
        role_id=OuterRef("target_role_id"),
        level_id=OuterRef("target_level_id"),
    ).values("computed_at")[:1]
    changed_at, zone, score_at = (
        LearnerProfile.objects.filter(user=user)
        .annotate(score_at=Subquery(target_score_at))
        .values_list("changed_at", "timezone", "score_at")
        .get()
    )
    today = timezone.now().astimezone(ZoneInfo(zone)).date()
    return f"dashboard:{user.pk}:{_stamp(changed_at)}:{_stamp(score_at)}:{today.isoformat()}"


def dashboard_cached(user: User, build: Callable[[], Any]) -> Any:
    return cache.get_or_set(dashboard_cache_key(user), build, CACHE_SECONDS)
