from django.db import migrations, models
from django.db.models import F


def existing_learners_are_onboarded(apps, schema_editor):
    """Learners who signed up before the onboarding existed have already found their way
    around: they are not sent through it."""
    LearnerProfile = apps.get_model("tracker", "LearnerProfile")
    LearnerProfile.objects.filter(onboarded_at__isnull=True).update(onboarded_at=F("changed_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("tracker", "0009_curators_catalogue_sources_and_advice"),
    ]

    operations = [
        migrations.AddField(
            model_name="learnerprofile",
            name="onboarded_at",
            field=models.DateTimeField(
                blank=True,
                help_text="When the learner finished or skipped the first-run onboarding.",
                null=True,
            ),
        ),
        migrations.RunPython(existing_learners_are_onboarded, migrations.RunPython.noop),
    ]
