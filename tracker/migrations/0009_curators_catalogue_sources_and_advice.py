from django.db import migrations

from tracker.curators import curators_group_sync


def sync_curators_group(apps, schema_editor):
    """Curators edit the catalogue's new models too (its source, comparison advice)."""
    curators_group_sync(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("tracker", "0008_learner_changed_at"),
        ("careers", "0002_catalogue_provenance_pair_advice_collaboration"),
    ]

    operations = [migrations.RunPython(sync_curators_group, migrations.RunPython.noop)]
