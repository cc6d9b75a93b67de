"""The product's periodic tasks, created once here and editable afterwards in the admin
(django-celery-beat). Reversing removes only these tasks."""

from django.db import migrations

SCHEDULES = [
    # (name, task, interval seconds or crontab fields, queue)
    ("Sweep stale readiness", "readiness.sweep", {"every": 60}, "readiness"),
    ("Send due reminders", "reminders.plan", {"minute": "0", "hour": "*"}, "reminders"),
    (
        "Write daily readiness snapshots",
        "readiness.daily_snapshots",
        {"minute": "30", "hour": "23"},
        "readiness",
    ),
]


def create_schedules(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    for name, task, when, queue in SCHEDULES:
        if "every" in when:
            schedule, _ = IntervalSchedule.objects.get_or_create(
                every=when["every"], period="seconds"
            )
            timing = {"interval": schedule}
        else:
            schedule, _ = CrontabSchedule.objects.get_or_create(
                minute=when["minute"],
                hour=when["hour"],
                day_of_week="*",
                day_of_month="*",
                month_of_year="*",
                timezone="UTC",
            )
            timing = {"crontab": schedule}
        PeriodicTask.objects.update_or_create(
            name=name, defaults={"task": task, "queue": queue, "enabled": True, **timing}
        )


def remove_schedules(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[name for name, *_ in SCHEDULES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("tracker", "0004_reminder_delivery"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedules, remove_schedules)]
