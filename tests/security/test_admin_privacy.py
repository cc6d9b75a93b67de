"""Curators never see a learner in the admin.

Deleting catalogue rows makes Django list every related row (delete page, "delete selected"
confirmation, an inline delete's protected-objects error). Rows of learner-side models are
shown to curators as counts per model ("Progress entries: 2"), never by their str(), which
holds the learner's email. Catalogue rows are still listed one by one."""

from datetime import timedelta
from typing import Any

import pytest
from django.apps import apps
from django.contrib import admin
from django.db.models import Model
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from assessments.banks import banks_load
from careers.models import FrequentQuestion, Role, SeniorityLevel, Tool
from config.admin_privacy import PrivateDeletes
from paths.models import LearningPath, Step
from tests.admin_forms import inline_data, step_row
from tests.factories import UserFactory
from tracker.curators import AGGREGATE_VIEWS, CATALOGUE_APPS
from tracker.models import ProgressEntry, SkillClaim, User
from tracker.recompute import readiness_recompute, readiness_snapshots_backfill
from tracker.services import (
    enrolment_create,
    learner_profile_update,
    progress_log,
    skill_claim_set,
)

pytestmark = [pytest.mark.django_db, pytest.mark.reliability("Security")]

# Every model a curator edits in the admin; one registered later is covered without a change here.
CATALOGUE_MODELS = sorted(
    (model for model in admin.site._registry if model._meta.app_label in CATALOGUE_APPS),
    key=lambda model: model._meta.label,
)
# Aggregates curators may open: counts and medians over MIN_GROUP or more, never a learner row.
AGGREGATE_MODELS = {
    model
    for model in admin.site._registry
    if model._meta.model_name in AGGREGATE_VIEWS.get(model._meta.app_label, ())
}
EMAIL = "private.learner@example.com"
PATH_SLUG = "llm-engineer-from-backend"


@pytest.fixture
def learner_data(catalogue: None) -> User:
    """A learner on the real catalogue (question banks included) with a target, an enrolment,
    two progress entries on the first step, a skill claim, readiness scores and a snapshot."""
    banks_load()
    learner = UserFactory.create(email=EMAIL)
    learner_profile_update(
        user=learner,
        target_role=Role.objects.get(slug="llm-engineer"),
        target_level=SeniorityLevel.objects.get(slug="junior"),
    )
    path = LearningPath.objects.get(slug=PATH_SLUG)
    enrolment = enrolment_create(user=learner, path=path)
    first = path.steps.order_by("position")[0]
    progress_log(enrolment=enrolment, step=first, minutes=30)
    progress_log(enrolment=enrolment, step=first, minutes=60, status="completed")
    skill_claim_set(user=learner, skill=first.step_skills.all()[0].skill, level=2)
    readiness_recompute(user_id=learner.pk)
    readiness_snapshots_backfill(user_id=learner.pk, days=[timezone.localdate() - timedelta(1)])
    return learner


def learner_rows(learner: User) -> list[Model]:
    """Every row of the learner side that belongs to the learner (the user included)."""
    rows: list[Model] = [learner]
    for model in apps.get_app_config("tracker").get_models():
        if any(field.name == "user" for field in model._meta.get_fields()):
            rows.extend(model._default_manager.filter(user=learner))
    return rows


def assert_private(response: Any, learner: User) -> None:
    html = response.content.decode()
    assert learner.email not in html
    for row in learner_rows(learner):
        assert str(row) not in html
        assert escape(str(row)) not in html


def targets(model: type[Model], learner: User) -> list[Model]:
    """The model's rows that the learner's rows point at (those whose delete pages would list
    them), and its first row."""
    pks = {
        getattr(row, field.attname)
        for row in learner_rows(learner)
        for field in row._meta.concrete_fields
        if field.is_relation and field.related_model is model
    }
    first = model._default_manager.order_by("pk").first()
    assert first is not None, f"the catalogue has no {model._meta.label}"
    return [first, *model._default_manager.filter(pk__in=pks - {None, first.pk})]


def admin_url(model: type[Model], view: str, *args: Any) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def bulk_delete_confirmation(client: Client, model: type[Model]) -> Any:
    """The "delete selected" action on every row, up to its confirmation page (not confirmed)."""
    return client.post(
        admin_url(model, "changelist"),
        {
            "action": "delete_selected",
            "_selected_action": list(model._default_manager.values_list("pk", flat=True)),
        },
    )


@pytest.mark.parametrize("model", CATALOGUE_MODELS, ids=lambda model: model._meta.label)
def test_curator_pages_of_every_catalogue_model_name_no_learner(
    model: type[Model], curator_client: Client, learner_data: User
) -> None:
    before = model._default_manager.count()
    for obj in targets(model, learner_data):
        for view in ("delete", "change", "history"):
            response = curator_client.get(admin_url(model, view, obj.pk))
            assert response.status_code == 200, (view, obj)
            assert_private(response, learner_data)
    changelist = curator_client.get(admin_url(model, "changelist"))
    bulk = bulk_delete_confirmation(curator_client, model)

    assert changelist.status_code == 200
    assert_private(changelist, learner_data)
    assert bulk.status_code == 200
    assert bulk.templates[0].name == "admin/delete_selected_confirmation.html"
    assert_private(bulk, learner_data)
    assert model._default_manager.count() == before  # shown, not confirmed


def test_learner_rows_are_counted_on_delete_pages(curator_client, learner_data):
    path = LearningPath.objects.get(slug=PATH_SLUG)
    claim = SkillClaim.objects.get(user=learner_data)

    path_page = curator_client.get(admin_url(LearningPath, "delete", path.pk)).content.decode()
    skill_page = curator_client.get(admin_url(type(claim.skill), "delete", claim.skill_id))
    bulk = bulk_delete_confirmation(curator_client, LearningPath).content.decode()

    # The enrolment protects the path and the progress its first step: counted, and named as
    # what blocks the delete (not as a permission the curator lacks).
    for page in (path_page, bulk):
        assert "protected related objects" in page
        assert "Enrolments: 1" in page
        assert "Progress entries: 2" in page
    skill_html = skill_page.content.decode()
    assert "Skill claims: 1" in skill_html
    requirement = claim.skill.requirements.first()
    assert "Role requirement: <a" in skill_html  # catalogue rows are still listed
    assert escape(str(requirement)) in skill_html


def test_curator_deleting_a_step_inline_sees_a_count(curator_client, learner_data):
    path = LearningPath.objects.get(slug=PATH_SLUG)
    steps = list(path.steps.order_by("position"))
    rows = [step_row(steps[0], DELETE="on")] + [step_row(step) for step in steps[1:]]

    response = curator_client.post(
        admin_url(LearningPath, "change", path.pk), inline_data(path, rows)
    )

    assert response.status_code == 200  # the form again, with the error
    assert_private(response, learner_data)
    html = response.content.decode()
    assert "would require deleting the following protected related objects" in html
    assert "Progress entries: 2" in html
    assert Step.objects.filter(pk=steps[0].pk).exists()
    assert ProgressEntry.objects.filter(user=learner_data).count() == 2


def test_curator_still_deletes_rows_no_learner_depends_on(curator_client, learner_data):
    tool = Tool.objects.order_by("pk")[0]
    questions = list(FrequentQuestion.objects.values_list("pk", flat=True)[:2])

    single = curator_client.post(admin_url(Tool, "delete", tool.pk), {"post": "yes"})
    bulk = curator_client.post(
        admin_url(FrequentQuestion, "changelist"),
        {"action": "delete_selected", "_selected_action": questions, "post": "yes"},
    )

    assert single.status_code == bulk.status_code == 302
    assert not Tool.objects.filter(pk=tool.pk).exists()
    assert not FrequentQuestion.objects.filter(pk__in=questions).exists()


def test_curators_reach_no_other_model(curator_client, curator, learner_data):
    """Anything else a curator could open would need the same care: there is nothing else but
    the aggregates (cohorts and path analytics, tested with their apps), and the autocomplete
    refuses to search users (the one catalogue field pointing at them)."""
    reachable = {
        model
        for model in admin.site._registry
        if curator.has_perm(f"{model._meta.app_label}.view_{model._meta.model_name}")
    }
    users = curator_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "paths", "model_name": "learningpath", "field_name": "curated_by"},
    )

    assert reachable == set(CATALOGUE_MODELS) | AGGREGATE_MODELS
    assert {model._meta.label for model in AGGREGATE_MODELS} == {
        "teams.Cohort",
        "analytics.PathSummary",
    }
    assert users.status_code == 403
    assert EMAIL not in users.content.decode()


def test_every_registered_admin_counts_learner_rows():
    """PathwiseAdminSite.register adds the counting to every ModelAdmin, third-party too."""
    assert all(isinstance(each, PrivateDeletes) for each in admin.site._registry.values())


def test_a_superuser_still_sees_whom_a_delete_touches(learner_data, mfa_client_for):
    superuser = User.objects.create_superuser(email="admin@example.com", password="x" * 20)
    client = mfa_client_for(superuser)
    path = LearningPath.objects.get(slug=PATH_SLUG)
    entry = ProgressEntry.objects.filter(user=learner_data).first()

    page = client.get(admin_url(LearningPath, "delete", path.pk))
    bulk = bulk_delete_confirmation(client, LearningPath)
    inline = client.post(
        admin_url(LearningPath, "change", path.pk),
        inline_data(path, [step_row(step, DELETE="on") for step in path.steps.all()]),
    )

    for response in (page, bulk, inline):
        assert response.status_code == 200
        # A superuser may open the learner's rows in the admin anyway, so they are listed.
        assert escape(str(entry)) in response.content.decode()
