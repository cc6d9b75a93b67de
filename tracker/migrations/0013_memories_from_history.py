"""Memory states rebuilt from each learner's history, by the rule the services now follow
(assessments/memory.py `shown`): each completed step shows the skills it teaches at the level
its kind proves, each passed skill check its skill at its level, replayed in the order they
were recorded. Replaces the memories the first skill checks wrote (older scheduler settings, no
level). Every learner is marked stale: the readiness formula changed with this release."""

from django.db import migrations
from django.utils import timezone
from fsrs import Rating

from assessments.memory import shown
from tracker.readiness import proven_level

BATCH = 2000


def _showings(apps):
    """(user, recorded, at, skill, level) of everything shown, in the order it was recorded."""
    StepSkill = apps.get_model("paths", "StepSkill")
    SkillCheck = apps.get_model("assessments", "SkillCheck")
    showings = [
        (user_id, recorded, at, skill_id, proven_level(kind, level))
        for user_id, recorded, at, skill_id, kind, level in StepSkill.objects.filter(
            step__progress_entries__status="completed"
        ).values_list(
            "step__progress_entries__user_id",
            "step__progress_entries__created_at",
            "step__progress_entries__occurred_at",
            "skill_id",
            "step__kind",
            "level",
        )
    ]
    showings += [
        (user_id, at, at, skill_id, level)
        for user_id, at, skill_id, level in SkillCheck.objects.filter(
            passed=True, submitted_at__isnull=False
        ).values_list("user_id", "submitted_at", "skill_id", "level")
    ]
    return sorted(showings, key=lambda s: (s[0], s[1], s[2]))


def memories_from_history(apps, schema_editor):
    MemoryState = apps.get_model("assessments", "MemoryState")
    memories = {}
    for user_id, _recorded, at, skill_id, level in _showings(apps):
        memory = memories.setdefault(
            (user_id, skill_id), MemoryState(user_id=user_id, skill_id=skill_id, level=1)
        )
        shown(memory, level=level, rating=Rating.Good, at=at)
    MemoryState.objects.all().delete()
    MemoryState.objects.bulk_create(memories.values(), batch_size=BATCH)
    apps.get_model("tracker", "LearnerProfile").objects.update(readiness_stale_at=timezone.now())


class Migration(migrations.Migration):
    dependencies = [
        ("tracker", "0012_reviews"),
        ("assessments", "0002_reviews"),
        ("paths", "0002_draft_copies"),
    ]

    operations = [migrations.RunPython(memories_from_history, migrations.RunPython.noop)]
