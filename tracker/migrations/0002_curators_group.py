from django.db import migrations

from tracker.curators import curators_group_sync


def create_curators_group(apps, schema_editor):
    curators_group_sync(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("tracker", "0001_initial"),
        ("careers", "0001_initial"),
        ("paths", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_curators_group, migrations.RunPython.noop)]
