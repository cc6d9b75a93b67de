"""Memory states for the history learners had before spaced review: each completed step is a
Good review of the skills it teaches, and each passed skill check one of its skill, replayed in
order through FSRS (assessments/memory.py), so that old evidence fades and reviews fall due like
new. Learners who already have a memory of a skill keep it."""

from itertools import groupby

from django.db import migrations
from fsrs import Rating

from assessments.memory import card_store, new_card, reviewed
from tracker.readiness import proven_level

BATCH = 2000


def _events(apps):
    """(user, at, skill, level) for every review in the history."""
    StepSkill = apps.get_model("paths", "StepSkill")
    SkillCheck = apps.get_model("assessments", "SkillCheck")
    events = [
        (user_id, at, skill_id, proven_level(kind, level))
        for user_id, at, skill_id, kind, level in StepSkill.objects.filter(
            step__progress_entries__status="completed"
        ).values_list(
            "step__progress_entries__user_id",
            "step__progress_entries__occurred_at",
            "skill_id",
            "step__kind",
            "level",
        )
    ]
    events += SkillCheck.objects.filter(passed=True, purpose="verify").values_list(
        "user_id", "submitted_at", "skill_id", "level"
    )
    return events


def memories_from_history(apps, schema_editor):
    MemoryState = apps.get_model("assessments", "MemoryState")
    kept = set(MemoryState.objects.values_list("user_id", "skill_id"))
    memories = []
    for (user_id, skill_id), reviews in groupby(
        sorted(_events(apps), key=lambda e: (e[0], e[2], e[1])), key=lambda e: (e[0], e[2])
    ):
        if (user_id, skill_id) in kept:
            continue
        memory = None
        for _, at, _, level in reviews:
            if memory is None:
                memory = MemoryState(user_id=user_id, skill_id=skill_id, level=max(level, 1))
                card_store(memory, new_card(at))
            memory.level = max(memory.level, level)
            reviewed(memory, Rating.Good, at)
        memories.append(memory)
    MemoryState.objects.bulk_create(memories, batch_size=BATCH)


class Migration(migrations.Migration):
    dependencies = [
        ("tracker", "0012_reviews"),
        ("assessments", "0002_reviews"),
        ("paths", "0002_draft_copies"),
    ]

    operations = [migrations.RunPython(memories_from_history, migrations.RunPython.noop)]
