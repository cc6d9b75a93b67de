"""The "Curators" group: staff who edit the catalogue in the admin and nothing about users."""

from typing import Any

CURATORS_GROUP = "Curators"
CATALOGUE_APPS = ("careers", "paths", "assessments")
# Rows the loader manages for itself, and learners' own rows kept in a catalogue app (their
# skill checks and memory states): curators get no permission on them.
EXCLUDED_MODELS = ("cataloguerecord", "skillcheck", "checkitem", "memorystate")
# Aggregates curators may view (no learner row: counts and medians over MIN_GROUP or more).
AGGREGATE_VIEWS = {"teams": ("cohort", "assignment"), "analytics": ("pathsummary", "stepsummary")}
MIN_GROUP = 5
"""Any figure about learners shown to someone else (a curator, a cohort's lead) covers at least
this many learners (k-anonymity); a smaller group reads "too few to show"."""


def count_shown(count: int) -> bool:
    """Whether a count of learners may be shown: none names nobody; 1 to MIN_GROUP - 1 would."""
    return count == 0 or count >= MIN_GROUP


def curators_group_sync(apps: Any) -> None:
    """Give the group every permission on the catalogue apps and the view permission on the
    aggregates. `apps` is the migration state, so this runs inside data migrations as the
    models stood then (an app not migrated yet adds nothing)."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True  # make create_permissions look at it
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None

    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    group, _ = group_model.objects.get_or_create(name=CURATORS_GROUP)
    catalogue = permission_model.objects.filter(content_type__app_label__in=CATALOGUE_APPS).exclude(
        content_type__model__in=EXCLUDED_MODELS
    )
    aggregates = permission_model.objects.none()
    for app_label, models in AGGREGATE_VIEWS.items():
        aggregates |= permission_model.objects.filter(
            content_type__app_label=app_label, codename__in=[f"view_{m}" for m in models]
        )
    group.permissions.set(catalogue | aggregates)
