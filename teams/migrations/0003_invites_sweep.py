from django.db import migrations

SWEEP = (
    "Send cohort invites that missed their task",
    "reminders.cohort_invites_sweep",
    "reminders",
)


def create_sweep_schedule(apps, schema_editor):
    """Hourly (django-celery-beat; editable in the admin)."""
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    schedule, _ = CrontabSchedule.objects.get_or_create(
        minute="40", hour="*", day_of_week="*", day_of_month="*", month_of_year="*", timezone="UTC"
    )
    name, task, queue = SWEEP
    PeriodicTask.objects.update_or_create(
        name=name, defaults={"task": task, "queue": queue, "enabled": True, "crontab": schedule}
    )


def remove_sweep_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=SWEEP[0]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("teams", "0002_curators_view_cohorts"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_sweep_schedule, remove_sweep_schedule)]
