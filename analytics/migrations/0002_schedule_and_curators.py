"""The nightly refresh of the curator analytics (django-celery-beat; editable in the admin), and
the Curators group's permission to view them (view only: the rows are written by the task)."""

from django.db import migrations

from tracker.curators import curators_group_sync

NIGHTLY = ("Refresh curator analytics", "analytics.refresh", "celery")


def create_nightly_schedule(apps, schema_editor):
    """03:15 UTC, after the daily readiness snapshots (23:30) and quiet hours for most users."""
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    schedule, _ = CrontabSchedule.objects.get_or_create(
        minute="15", hour="3", day_of_week="*", day_of_month="*", month_of_year="*", timezone="UTC"
    )
    name, task, queue = NIGHTLY
    PeriodicTask.objects.update_or_create(
        name=name, defaults={"task": task, "queue": queue, "enabled": True, "crontab": schedule}
    )


def remove_nightly_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NIGHTLY[0]).delete()


def sync_curators_group(apps, schema_editor):
    """Curators view the summaries (tracker/curators.py AGGREGATE_VIEWS)."""
    curators_group_sync(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("analytics", "0001_initial"),
        ("tracker", "0014_calendar_feed"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.RunPython(create_nightly_schedule, remove_nightly_schedule),
        migrations.RunPython(sync_curators_group, migrations.RunPython.noop),
    ]
