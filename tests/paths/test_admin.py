"""Curators in the admin: the catalogue yes, users no; publishing checks the path."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from careers.bands import BY_LEVEL
from careers.models import Role
from paths.models import LearningPath, Step
from tests.admin_forms import inline_data, step_row
from tests.factories import PathFactory, StepFactory, StepSkillFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:paths_learningpath_changelist")


def run_action(client, action: str, *paths: LearningPath):
    return client.post(
        CHANGELIST,
        {"action": action, "_selected_action": [p.pk for p in paths]},
        follow=True,
    )


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def complete_path(steps: int = 2) -> LearningPath:
    path = PathFactory.create()
    for position in range(1, steps + 1):
        StepSkillFactory.create(step=StepFactory.create(path=path, position=position))
    return path


def test_curator_can_edit_catalogue_but_not_users(curator_client, catalogue):
    assert curator_client.get(reverse("admin:careers_role_changelist")).status_code == 200
    assert curator_client.get(CHANGELIST).status_code == 200
    assert (
        curator_client.get(reverse("admin:careers_rolerequirement_changelist")).status_code == 200
    )
    assert curator_client.get(reverse("admin:tracker_user_changelist")).status_code == 403
    assert curator_client.get(reverse("admin:auth_group_changelist")).status_code == 403
    assert curator_client.get(reverse("admin:tracker_progressentry_changelist")).status_code == 403
    assert curator_client.get(reverse("admin:tracker_readinessscore_changelist")).status_code == 403


def test_curator_opens_role_and_path_pages_with_their_inlines(curator_client, catalogue):
    role = Role.objects.get(slug="llm-engineer")
    path = LearningPath.objects.get(slug="llm-engineer-from-backend")

    role_page = curator_client.get(reverse("admin:careers_role_change", args=[role.pk]))
    path_page = curator_client.get(reverse("admin:paths_learningpath_change", args=[path.pk]))

    assert role_page.status_code == 200
    assert role_page.context["inline_admin_formsets"][0].formset.total_form_count() == 60
    assert path_page.status_code == 200
    steps_formset = path_page.context["inline_admin_formsets"][0].formset
    assert steps_formset.initial_form_count() == path.steps.count()
    html = path_page.content.decode()
    # Each row summarises its skills by name and named level; nothing asks for a slug.
    link = path.steps.get(position=1).step_skills.select_related("skill")[0]
    assert f"{link.skill.name} {link.level} · {BY_LEVEL[link.level].name}" in html
    assert "skill-slug:level" not in html
    assert 'name="steps-0-skill_levels"' not in html
    assert 'name="steps-0-prerequisites"' not in html  # ticked on the step's own page


def test_learner_cannot_reach_the_admin(client, learner):
    client.force_login(learner)

    response = client.get(CHANGELIST)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_curator_publishes_a_complete_path(curator_client, curator):
    path = complete_path()

    response = run_action(curator_client, "publish", path)

    path.refresh_from_db()
    assert path.status == LearningPath.Status.PUBLISHED
    assert path.published_at is not None
    assert path.curated_by == curator
    assert f'Published "{path.title}".' in messages_of(response)


def test_publishing_a_path_without_steps_is_refused(curator_client):
    path = PathFactory.create()

    response = run_action(curator_client, "publish", path)

    path.refresh_from_db()
    assert path.status == LearningPath.Status.DRAFT
    assert f'"{path.title}" cannot be published: it has no steps.' in messages_of(response)


def test_publishing_a_path_with_a_step_teaching_no_skill_is_refused(curator_client):
    path = complete_path()
    StepFactory.create(path=path, position=3, title="Watch a talk")

    response = run_action(curator_client, "publish", path)

    path.refresh_from_db()
    assert path.status == LearningPath.Status.DRAFT
    assert any('step 3 "Watch a talk" teaches no skill' in m for m in messages_of(response))


def test_duplicate_makes_a_draft_copy_with_steps_skills_and_prerequisites(curator_client):
    path = complete_path(steps=3)
    first, _, third = path.steps.order_by("position")
    third.prerequisites.add(first)
    path.status = LearningPath.Status.PUBLISHED
    path.save()

    run_action(curator_client, "duplicate", path)

    copy = LearningPath.objects.get(slug=f"{path.slug}-copy")
    assert copy.status == LearningPath.Status.DRAFT
    assert copy.steps.count() == 3
    assert Step.objects.filter(path=copy, step_skills__isnull=False).distinct().count() == 3
    copied_third = copy.steps.get(position=3)
    assert list(copied_third.prerequisites.values_list("position", "path")) == [(1, copy.pk)]


def test_archive(curator_client):
    path = complete_path()

    run_action(curator_client, "archive", path)

    path.refresh_from_db()
    assert path.status == LearningPath.Status.ARCHIVED


def test_steps_inline_reorders_by_the_hidden_order_field(curator_client, catalogue):
    """The rows are dragged (adminsortable2); what reaches the server is each row's hidden
    position, and the path is renumbered 1..n in that order with its skills untouched."""
    path = PathFactory.create()
    first = StepFactory.create(path=path, position=1, title="First")
    second = StepFactory.create(path=path, position=2, title="Second")
    StepSkillFactory.create(step=first, level=3)
    url = reverse("admin:paths_learningpath_change", args=[path.pk])

    page = curator_client.get(url).content.decode()
    response = curator_client.post(
        url, inline_data(path, [step_row(first, position=2), step_row(second, position=1)])
    )

    assert 'type="hidden" name="steps-0-position"' in page
    assert 'class="_reorder_"' in page
    assert response.status_code == 302, response.content.decode()[:2000]
    assert list(path.steps.order_by("position").values_list("title", flat=True)) == [
        "Second",
        "First",
    ]
    assert list(first.step_skills.values_list("level", flat=True)) == [3]
