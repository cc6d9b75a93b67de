"""Editing a published path in a draft copy: learners see nothing until the curator publishes
it, and publishing applies it onto the same path, keeping step rows and learners' progress."""

from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse

from paths.models import LearningPath, Step, StepSkill
from paths.selectors import published_paths_with_steps
from paths.services import path_draft_open, path_publish
from paths.signals import path_steps_changed
from tests.admin_forms import inline_data, step_row
from tests.factories import PathFactory, SkillFactory, StepFactory, StepSkillFactory, UserFactory
from tracker.models import Enrolment, ProgressEntry
from tracker.services import enrolment_create, progress_log

pytestmark = pytest.mark.django_db


def path_url(path: LearningPath) -> str:
    return reverse("admin:paths_learningpath_change", args=[path.pk])


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def published() -> LearningPath:
    """Three steps; the third comes after the first."""
    path = PathFactory.create(slug="rag-in-production", title="RAG in production")
    for position in (1, 2, 3):
        step = StepFactory.create(path=path, position=position, title=f"Step {position}")
        StepSkillFactory.create(step=step, level=2)
    path.steps.get(position=3).prerequisites.add(path.steps.get(position=1))
    return path_publish(path=path)


@pytest.fixture
def progress(published: LearningPath) -> ProgressEntry:
    """A learner completed the first step."""
    enrolment = enrolment_create(user=UserFactory.create(), path=published)
    progress_log(
        enrolment=enrolment, step=published.steps.get(position=1), minutes=20, status="completed"
    )
    return ProgressEntry.objects.get()


@pytest.fixture
def signals() -> Any:
    sent: list[int] = []

    def receiver(sender: Any, path_id: int, **kwargs: Any) -> None:
        sent.append(path_id)

    path_steps_changed.connect(receiver)
    yield sent
    path_steps_changed.disconnect(receiver)


def test_edit_in_a_draft_copy_opens_one_draft_and_reopens_it(curator_client, published):
    page = curator_client.get(path_url(published)).content.decode()
    url = reverse("admin:paths_learningpath_draft", args=[published.pk])

    first = curator_client.post(url)
    again = curator_client.post(url)

    assert f'action="{url}"' in page
    assert "Edit in a draft copy" in page
    draft = LearningPath.objects.get(draft_of=published)
    assert first["Location"] == again["Location"] == path_url(draft)
    assert draft.status == LearningPath.Status.DRAFT
    assert draft.slug == "rag-in-production-draft"
    copies = list(draft.steps.order_by("position"))
    originals = list(published.steps.order_by("position"))
    assert [c.draft_of_id for c in copies] == [o.pk for o in originals]
    assert [c.title for c in copies] == ["Step 1", "Step 2", "Step 3"]
    assert list(copies[2].prerequisites.all()) == [copies[0]]
    assert curator_client.get(url).status_code == 405  # only a POST opens one
    draft_page = curator_client.get(path_url(draft)).content.decode()
    assert 'data-testid="draft-note"' in draft_page
    assert 'name="_publish"' in draft_page
    assert 'name="slug"' not in draft_page  # the published path's address stays


def test_a_draft_path_is_edited_directly_not_copied(published):
    draft_path = PathFactory.create()

    with pytest.raises(ValidationError, match="Only a published path"):
        path_draft_open(path=draft_path)


def test_publishing_the_draft_applies_it_onto_the_same_path_and_keeps_progress(
    curator_client, curator, published, progress, signals
):
    draft = path_draft_open(path=published)
    one, two, three = draft.steps.order_by("position")
    new_skill = SkillFactory.create(name="Evaluation")
    kept_ids = {step.draft_of_id or 0: step.pk for step in (one, two, three)}

    # In the draft: drop step 2, rename and move step 3 first... which must come after step 1:
    # so untick that, retitle step 1, add a new step at the end.
    three.prerequisites.clear()
    response = curator_client.post(
        path_url(draft),
        inline_data(
            draft,
            [
                step_row(three, position=1, title="Step 3, first now"),
                step_row(one, position=2, title="Step 1, renamed"),
                step_row(two, position=3, DELETE="on"),
                {
                    "id": "",
                    "position": "",
                    "title": "A new project",
                    "kind": Step.Kind.PROJECT,
                    "resource_url": "",
                    "estimated_minutes": 90,
                },
            ],
        ),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    new_step = draft.steps.get(title="A new project")
    StepSkill.objects.create(step=new_step, skill=new_skill, level=4)

    # Learners still see the published path as it was.
    seen = published_paths_with_steps().get(pk=published.pk)
    assert [s.title for s in seen.steps.all()] == ["Step 1", "Step 2", "Step 3"]
    assert signals == []

    published_response = curator_client.post(
        path_url(draft),
        {
            **inline_data(draft, [step_row(s) for s in draft.steps.order_by("position")]),
            "_publish": "Save and publish",
        },
        follow=True,
    )

    assert published_response.redirect_chain[-1][0] == path_url(published)
    assert 'Published "RAG in production": learners see it now.' in messages_of(published_response)
    assert not LearningPath.objects.filter(pk=draft.pk).exists()
    published.refresh_from_db()
    assert published.slug == "rag-in-production"
    assert published.status == LearningPath.Status.PUBLISHED
    assert published.curated_by == curator
    steps = list(published.steps.order_by("position"))
    assert [(s.position, s.title) for s in steps] == [
        (1, "Step 3, first now"),
        (2, "Step 1, renamed"),
        (3, "A new project"),
    ]
    # The kept steps are the same rows; the dropped one is gone; the new one is new.
    original_ids = list(kept_ids)
    assert steps[0].pk == original_ids[2]
    assert steps[1].pk == original_ids[0]
    assert steps[2].pk not in original_ids
    assert not Step.objects.filter(pk=original_ids[1]).exists()
    assert all(s.draft_of_id is None for s in steps)
    assert dict(steps[2].step_skills.values_list("skill__name", "level")) == {"Evaluation": 4}
    assert not steps[0].prerequisites.exists()
    # The learner's progress still points at the step they completed, on the same enrolment.
    progress.refresh_from_db()
    assert progress.step_id == steps[1].pk
    assert Enrolment.objects.get().path_id == published.pk
    assert signals == [published.pk]  # learners marked stale once


def test_a_draft_dropping_a_step_with_progress_is_refused_and_nothing_changes(
    curator_client, published, progress, signals
):
    draft = path_draft_open(path=published)
    one, two, three = draft.steps.order_by("position")
    three.prerequisites.clear()
    one.delete()  # the step the learner completed
    Step.objects.filter(pk=two.pk).update(position=1)
    Step.objects.filter(pk=three.pk).update(position=2)

    response = curator_client.post(
        path_url(draft),
        {
            **inline_data(draft, [step_row(s) for s in draft.steps.order_by("position")]),
            "_publish": "Save and publish",
        },
        follow=True,
    )

    assert response.redirect_chain[-1][0] == path_url(draft)
    assert (
        '"RAG in production" cannot be published: learners have progress on "Step 1", which '
        "this draft removes; keep those steps (to start again, delete this draft)."
    ) in messages_of(response)
    assert LearningPath.objects.filter(pk=draft.pk).exists()
    assert list(published.steps.order_by("position").values_list("title", flat=True)) == [
        "Step 1",
        "Step 2",
        "Step 3",
    ]
    progress.refresh_from_db()
    assert progress.step.path_id == published.pk
    assert signals == []


def test_publish_action_on_a_draft_copy_applies_it_too(curator_client, published):
    draft = path_draft_open(path=published)
    draft.steps.filter(position=2).update(title="Step 2, better")

    response = curator_client.post(
        reverse("admin:paths_learningpath_changelist"),
        {"action": "publish", "_selected_action": [draft.pk]},
        follow=True,
    )

    assert 'Published "RAG in production".' in messages_of(response)
    assert list(published.steps.order_by("position").values_list("title", flat=True)) == [
        "Step 1",
        "Step 2, better",
        "Step 3",
    ]
    assert list(LearningPath.objects.values_list("pk", flat=True)) == [published.pk]


def test_a_published_path_is_read_only_while_its_draft_is_open(curator_client, published):
    draft = path_draft_open(path=published)
    step = published.steps.get(position=1)
    renamed = inline_data(published, [step_row(s) for s in published.steps.order_by("position")])
    renamed["title"] = "Renamed directly"

    page = curator_client.get(path_url(published))
    edit = curator_client.post(path_url(published), renamed)
    step_edit = curator_client.post(
        reverse("admin:paths_step_change", args=[step.pk]), {"title": "Renamed step"}
    )
    reopened = curator_client.post(reverse("admin:paths_learningpath_draft", args=[published.pk]))

    assert page.status_code == 200
    assert 'data-testid="read-only-note"' in page.content.decode()
    assert 'name="_save"' not in page.content.decode()
    assert edit.status_code == 403
    assert step_edit.status_code == 403
    published.refresh_from_db()
    step.refresh_from_db()
    assert (published.title, step.title) == ("RAG in production", "Step 1")
    assert reopened["Location"] == path_url(draft)  # the draft itself is still reachable


def test_the_draft_is_edited_and_the_path_opens_again_once_it_is_published(
    curator_client, published
):
    draft = path_draft_open(path=published)
    path_publish(path=draft)

    page = curator_client.get(path_url(published))

    assert 'name="_save"' in page.content.decode()
    assert 'data-testid="read-only-note"' not in page.content.decode()
