"""The path editor: a step's page (skills by autocomplete and named level, prerequisites ticked
among earlier steps), ordering rules, Publish and Preview on the path's page, query counts."""

from collections.abc import Sequence
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from paths.models import LearningPath, Step
from paths.services import path_publish
from paths.signals import path_steps_changed
from tests.admin_forms import inline_data, step_row
from tests.factories import PathFactory, SkillFactory, StepFactory, StepSkillFactory

pytestmark = pytest.mark.django_db


def step_url(step: Step) -> str:
    return reverse("admin:paths_step_change", args=[step.pk])


def path_url(path: LearningPath) -> str:
    return reverse("admin:paths_learningpath_change", args=[path.pk])


def preview_url(path: LearningPath) -> str:
    return reverse("admin:paths_learningpath_preview", args=[path.pk])


def step_data(
    step: Step,
    *,
    skills: Sequence[tuple[int, Any]] = (),
    prerequisites: Sequence[int] = (),
    existing: Sequence[tuple[int, int, Any]] = (),
    **changes: Any,
) -> dict[str, Any]:
    """POST data of a step's page: `existing` rows (id, skill id, level), then new `skills`
    rows (skill id as the autocomplete sends it, level)."""
    data: dict[str, Any] = {
        "title": step.title,
        "kind": step.kind,
        "resource_url": step.resource_url,
        "estimated_minutes": step.estimated_minutes,
        "prerequisites": list(prerequisites),
        "step_skills-TOTAL_FORMS": len(existing) + len(skills),
        "step_skills-INITIAL_FORMS": len(existing),
        "step_skills-MIN_NUM_FORMS": 0,
        "step_skills-MAX_NUM_FORMS": 1000,
    }
    rows = [(pk, skill, level) for pk, skill, level in existing] + [
        ("", skill, level) for skill, level in skills
    ]
    for i, (pk, skill, level) in enumerate(rows):
        data[f"step_skills-{i}-id"] = pk
        data[f"step_skills-{i}-step"] = step.pk
        data[f"step_skills-{i}-skill"] = skill
        data[f"step_skills-{i}-level"] = level
    data.update(changes)
    return data


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def path_with_steps(n: int, *, skills: bool = True) -> LearningPath:
    path = PathFactory.create()
    for position in range(1, n + 1):
        step = StepFactory.create(path=path, position=position, title=f"Step {position}")
        if skills:
            StepSkillFactory.create(step=step, level=2)
    return path


# -- a step's page ---------------------------------------------------------------------------


def test_step_page_offers_a_skill_autocomplete_named_levels_and_earlier_steps_only(
    curator_client,
):
    path = path_with_steps(4)
    third = path.steps.get(position=3)

    response = curator_client.get(step_url(third))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="admin-autocomplete"' in html
    assert 'data-model-name="stepskill" data-field-name="skill"' in html
    assert '<option value="3">3 · Practitioner</option>' in html
    assert '<option value="5">5 · Expert</option>' in html
    prerequisites = response.context["adminform"].form.fields["prerequisites"]
    assert [step.title for step in prerequisites.queryset] == ["Step 1", "Step 2"]
    assert 'type="checkbox" name="prerequisites"' in html
    assert 'select name="prerequisites"' not in html


def test_the_skill_autocomplete_finds_skills_by_their_public_name(curator_client):
    SkillFactory.create(slug="rag-architecture", name="RAG architecture")
    SkillFactory.create(slug="statistics", name="Statistics")

    response = curator_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "paths", "model_name": "stepskill", "field_name": "skill", "term": "RAG"},
    )

    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == ["RAG architecture"]


def test_curator_sets_a_steps_skills_by_pk_and_level_and_an_earlier_prerequisite(curator_client):
    path = path_with_steps(3, skills=False)
    first, second, third = path.steps.order_by("position")
    rag = SkillFactory.create(name="RAG architecture")
    evals = SkillFactory.create(name="Evaluation")

    response = curator_client.post(
        step_url(third),
        step_data(third, skills=[(rag.pk, 3), (evals.pk, 2)], prerequisites=[first.pk]),
    )

    assert response.status_code == 302
    assert response["Location"] == path_url(path)  # back to the path's steps
    assert dict(third.step_skills.values_list("skill__name", "level")) == {
        "RAG architecture": 3,
        "Evaluation": 2,
    }
    assert list(third.prerequisites.values_list("title", flat=True)) == ["Step 1"]
    assert not second.prerequisites.exists()


def test_a_later_step_is_refused_as_a_prerequisite(curator_client):
    path = path_with_steps(3)
    first, _, third = path.steps.order_by("position")

    response = curator_client.post(step_url(first), step_data(first, prerequisites=[third.pk]))

    assert response.status_code == 200
    assert "Select a valid choice." in response.content.decode()
    assert not first.prerequisites.exists()


def test_step_page_refuses_a_level_outside_the_bands_and_an_unknown_skill(curator_client):
    path = path_with_steps(1, skills=False)
    step = path.steps.get()
    skill = SkillFactory.create()

    too_high = curator_client.post(step_url(step), step_data(step, skills=[(skill.pk, 9)]))
    unknown = curator_client.post(step_url(step), step_data(step, skills=[(999_999, 2)]))

    assert too_high.status_code == unknown.status_code == 200
    assert "Select a valid choice. 9 is not one of the available choices." in (
        too_high.content.decode()
    )
    assert "Select a valid choice." in unknown.content.decode()
    assert not step.step_skills.exists()


def test_changing_a_published_paths_step_skills_tells_the_learner_side_once(curator_client):
    path = path_with_steps(2)
    path.status = LearningPath.Status.PUBLISHED
    path.save()
    step = path.steps.get(position=1)
    link = step.step_skills.get()
    sent: list[int] = []

    def receiver(sender: Any, path_id: int, **kwargs: Any) -> None:
        sent.append(path_id)

    path_steps_changed.connect(receiver)
    try:
        unchanged = curator_client.post(
            step_url(step), step_data(step, existing=[(link.pk, link.skill_id, link.level)])
        )
        changed = curator_client.post(
            step_url(step), step_data(step, existing=[(link.pk, link.skill_id, 5)])
        )
    finally:
        path_steps_changed.disconnect(receiver)

    assert unchanged.status_code == changed.status_code == 302
    assert sent == [path.pk]
    assert step.step_skills.get().level == 5


def test_deleting_a_step_on_its_page_closes_the_gap(curator_client):
    path = path_with_steps(3)
    second = path.steps.get(position=2)

    response = curator_client.post(
        reverse("admin:paths_step_delete", args=[second.pk]), {"post": "yes"}
    )

    assert response.status_code == 302
    assert response["Location"] == path_url(path)
    assert list(path.steps.order_by("position").values_list("position", "title")) == [
        (1, "Step 1"),
        (2, "Step 3"),
    ]


# -- the steps table -------------------------------------------------------------------------


def test_a_step_cannot_be_dragged_above_its_prerequisite(curator_client):
    path = path_with_steps(2)
    first, second = path.steps.order_by("position")
    second.prerequisites.add(first)

    response = curator_client.post(
        path_url(path),
        inline_data(path, [step_row(first, position=2), step_row(second, position=1)]),
    )

    assert response.status_code == 200
    assert "“Step 2” needs “Step 1” first" in response.content.decode()
    assert list(path.steps.order_by("position").values_list("title", flat=True)) == [
        "Step 1",
        "Step 2",
    ]


def test_path_page_queries_do_not_grow_with_steps(curator_client):
    small = path_with_steps(2)
    large = path_with_steps(12)
    for path in (small, large):
        for step in path.steps.filter(position__gt=1):
            step.prerequisites.add(path.steps.get(position=1))

    curator_client.get(path_url(small))  # warm the session and content types
    with CaptureQueriesContext(connection) as few:
        assert curator_client.get(path_url(small)).status_code == 200
    with CaptureQueriesContext(connection) as many:
        response = curator_client.get(path_url(large))

    assert response.status_code == 200
    assert "step 1" in response.content.decode()  # the prerequisites summary
    assert len(many) == len(few)


# -- Publish and Preview on the path's page --------------------------------------------------


def test_save_and_publish_button_publishes_a_complete_path(curator_client, curator):
    path = path_with_steps(2)

    page = curator_client.get(path_url(path)).content.decode()
    response = curator_client.post(
        path_url(path),
        {
            **inline_data(path, [step_row(step) for step in path.steps.order_by("position")]),
            "_publish": "Save and publish",
        },
        follow=True,
    )

    assert 'name="_publish"' in page
    assert response.redirect_chain[-1][0] == path_url(path)
    path.refresh_from_db()
    assert path.status == LearningPath.Status.PUBLISHED
    assert path.curated_by == curator
    assert f'Published "{path.title}": learners see it now.' in messages_of(response)
    assert 'name="_publish"' not in response.content.decode()  # published: nothing to do


def test_save_and_publish_refuses_a_path_without_steps_and_says_why(curator_client):
    path = PathFactory.create()

    response = curator_client.post(
        path_url(path), {**inline_data(path, []), "_publish": "Save and publish"}, follow=True
    )

    path.refresh_from_db()
    assert path.status == LearningPath.Status.DRAFT
    assert messages_of(response) == [
        "Saved, but not published.",
        f'"{path.title}" cannot be published: it has no steps.',
    ]


def test_preview_shows_a_draft_as_learners_would_see_it(curator_client):
    path = path_with_steps(2)
    path.title = "Draft path about retrieval"
    path.save()
    public = reverse("path", args=[path.slug])

    response = curator_client.get(preview_url(path))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Draft path about retrieval" in html
    assert "Step 1" in html
    assert "Step 2" in html
    assert "Status: Draft. Only staff can open this preview." in html
    assert f'href="{path_url(path)}">Back to the editor</a>' in html
    assert "paths/path.html" in [t.name for t in response.templates]
    assert "Preview — not published" in html
    assert "/enrol/" not in html
    assert curator_client.get(public).status_code == 404  # learners still see nothing


def test_the_preview_of_a_published_path_says_learners_see_it_now(curator_client):
    path = path_with_steps(1)
    path_publish(path=path)

    html = curator_client.get(preview_url(path)).content.decode()

    assert "This is how learners see the path now." in html
    assert "not published" not in html


def test_preview_is_for_staff_only(client, learner):
    path = path_with_steps(1)
    url = preview_url(path)

    anonymous = client.get(url)
    client.force_login(learner)
    signed_in = client.get(url)

    for response in (anonymous, signed_in):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
