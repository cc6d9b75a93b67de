from django.db import migrations

from tracker.curators import curators_group_sync


def sync_curators_group(apps, schema_editor):
    """Curators view cohorts and their assignments in the admin (no learners)."""
    curators_group_sync(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("teams", "0001_initial"),
        ("tracker", "0014_calendar_feed"),
    ]

    operations = [migrations.RunPython(sync_curators_group, migrations.RunPython.noop)]
