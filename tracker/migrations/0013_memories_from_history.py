"""Memory states rebuilt from each learner's history, by the rule the services now follow
(assessments/memory.py `shown`): each step's first completion shows the skills it teaches at
the level its kind proves, each passed skill check its skill at its level, replayed in the
order they were recorded. It uses the live `shown` rule on purpose: the memories must be what
the services would have written. Replaces the memories the first skill checks wrote (older scheduler settings, no
level). Every learner is marked stale: the readiness formula changed with this release."""

from collections import defaultdict

from django.db import migrations
from django.utils import timezone
from fsrs import Rating

from assessments.memory import CHECK, STEP, shown
from tracker.readiness import proven_level

BATCH = 2000


def _showings(apps):
    """(user, recorded, at, skill, level, by) of everything shown, in the order it was
    recorded: each step's first completion, each passed check."""
    ProgressEntry = apps.get_model("tracker", "ProgressEntry")
    StepSkill = apps.get_model("paths", "StepSkill")
    SkillCheck = apps.get_model("assessments", "SkillCheck")
    first_completed = {}
    for user_id, step_id, recorded, at in (
        ProgressEntry.objects.filter(status="completed")
        .order_by("created_at", "pk")
        .values_list("user_id", "step_id", "created_at", "occurred_at")
        .iterator(chunk_size=BATCH)
    ):
        first_completed.setdefault((user_id, step_id), (recorded, min(at, recorded)))
    taught = defaultdict(list)
    for step_id, kind, skill_id, level in StepSkill.objects.values_list(
        "step_id", "step__kind", "skill_id", "level"
    ):
        taught[step_id].append((skill_id, proven_level(kind, level)))
    showings = [
        (user_id, recorded, at, skill_id, level, STEP)
        for (user_id, step_id), (recorded, at) in first_completed.items()
        for skill_id, level in taught[step_id]
    ]
    showings += [
        (user_id, at, at, skill_id, level, CHECK)
        for user_id, at, skill_id, level in SkillCheck.objects.filter(
            passed=True, purpose="verify", submitted_at__isnull=False
        ).values_list("user_id", "submitted_at", "skill_id", "level")
    ]
    return sorted(showings, key=lambda s: (s[0], s[1], s[2]))


def memories_from_history(apps, schema_editor):
    MemoryState = apps.get_model("assessments", "MemoryState")
    memories = {}
    for user_id, _recorded, at, skill_id, level, by in _showings(apps):
        memory = memories.setdefault(
            (user_id, skill_id), MemoryState(user_id=user_id, skill_id=skill_id, level=1)
        )
        shown(memory, level=level, rating=Rating.Good, at=at, by=by)
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
