from django.db import migrations

from tracker.curators import curators_group_sync


def sync_curators_group(apps, schema_editor):
    """Curators edit the question banks too (assessments)."""
    curators_group_sync(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("tracker", "0010_learner_onboarded_at"),
        ("assessments", "0001_initial"),
    ]

    operations = [migrations.RunPython(sync_curators_group, migrations.RunPython.noop)]
