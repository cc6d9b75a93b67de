"""A curator in headless Chromium reorders, edits and publishes a path without typing a slug:
drags a step (adminsortable2), picks a skill with the autocomplete and a named level, ticks an
earlier step as a prerequisite, publishes from the path's page, previews it, then edits it in
a draft copy and publishes that. Every admin page is checked (axe-core, console, width)."""

from typing import Any

import pytest
from django.urls import reverse

from paths.models import LearningPath, Step
from tests.browser import check_page, sign_in
from tests.factories import (
    CuratorFactory,
    PathFactory,
    SkillFactory,
    StepFactory,
    StepSkillFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH = 1280  # the admin is a desk tool; the learner pages are tested at 375 px as well


def fits(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= WIDTH, f"{page.url} is {width} px wide"


def titles(path: LearningPath) -> list[str]:
    return list(path.steps.order_by("position").values_list("title", flat=True))


def test_curator_reorders_edits_and_publishes_a_path_without_typing_a_slug(open_page):
    curator = CuratorFactory.create()
    SkillFactory.create(slug="rag-architecture", name="RAG architecture")
    path = PathFactory.create(title="Retrieval in production")
    for position, title in enumerate(("Read about RAG", "Build an index", "Ship it"), start=1):
        step = StepFactory.create(path=path, position=position, title=title)
        StepSkillFactory.create(step=step, level=2)
    page = open_page(WIDTH)
    sign_in(page, curator, mfa=True)
    path_url = page.base + reverse("admin:paths_learningpath_change", args=[path.pk])

    # The path's page: drag "Ship it" above "Build an index", save.
    page.goto(path_url)
    check_page(page, "admin-path-editor")
    fits(page)
    page.locator("#steps-2 td.original p").drag_to(page.locator("#steps-1 td.original p"))
    assert page.input_value("#id_steps-2-position") == "2"
    assert page.input_value("#id_steps-1-position") == "3"
    page.click("input[name=_continue]")
    page.wait_for_url(path_url)
    assert titles(path) == ["Read about RAG", "Ship it", "Build an index"]

    # The step's page: a skill by its public name and a named level, an earlier step ticked.
    last = path.steps.get(position=3)
    page.click(f"#steps-2 a[href$='{reverse('admin:paths_step_change', args=[last.pk])}']")
    page.wait_for_selector("#select2-id_step_skills-1-skill-container[aria-label]")
    check_page(page, "admin-step-editor")
    fits(page)
    # (each answer awaited: select2 aborts a request still running when the next one starts)
    with page.expect_response(lambda response: "/admin/autocomplete/" in response.url):
        page.click("#step_skills-1 .select2-selection")
    with page.expect_response(lambda response: "term=RAG" in response.url):
        page.fill(".select2-container--open .select2-search__field", "RAG")
    page.click(".select2-results__option >> text=RAG architecture")
    page.select_option("#id_step_skills-1-level", label="3 · Practitioner")
    page.get_by_label("1. Read about RAG").check()
    assert page.locator("input[name=prerequisites]").count() == 2  # the earlier steps only
    page.click("input[name=_save]")
    page.wait_for_url(path_url)
    assert dict(last.step_skills.values_list("skill__name", "level"))["RAG architecture"] == 3
    assert list(last.prerequisites.values_list("title", flat=True)) == ["Read about RAG"]

    # Publish from the path's page, then preview it.
    page.click("input[name=_publish]")
    page.wait_for_url(path_url)
    assert "learners see it now" in page.inner_text(".messagelist")
    check_page(page, "admin-path-published")
    path.refresh_from_db()
    assert path.status == LearningPath.Status.PUBLISHED
    page.click("a.viewsitelink >> text=Preview")
    page.wait_for_url("**/preview/")
    assert page.locator("h1").inner_text() == "Retrieval in production"
    check_page(page, "admin-path-preview")

    # A published path is edited in a draft copy; publishing it keeps the path and its steps.
    page.goto(path_url)
    page.click("text=Edit in a draft copy")
    draft = LearningPath.objects.get(draft_of=path)
    page.wait_for_url(f"**{reverse('admin:paths_learningpath_change', args=[draft.pk])}")
    check_page(page, "admin-path-draft")
    fits(page)
    page.fill("#id_steps-0-title", "Read about retrieval")
    page.click("input[name=_publish]")
    page.wait_for_url(path_url)
    assert titles(path) == ["Read about retrieval", "Ship it", "Build an index"]
    assert path.steps.get(position=3).pk == Step.objects.get(title="Build an index").pk
    assert not LearningPath.objects.filter(pk=draft.pk).exists()
