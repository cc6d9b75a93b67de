"""Every page, in Chromium at 1280 and 375 px, as a visitor, a learner with history and a
curator: no serious or critical axe-core violation, no console error, no horizontal scroll,
a screenshot, and the page's timings and transferred bytes printed. Key pages again in the
dark scheme (axe checks the contrast of what is drawn)."""

from typing import Any

import pytest

from assessments.banks import banks_load
from assessments.services import skill_check_start, skill_check_submit
from careers.models import Skill
from paths.catalogue import catalogue_load
from paths.models import LearningPath
from tests.browser import WIDTHS, check_page, sign_in
from tests.factories import CuratorFactory, UserFactory
from tracker.demo import demo_history_seed
from tracker.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VISITOR = {
    "landing": "/",
    "roles": "/roles/",
    "role": "/roles/llm-engineer/",
    "compare": "/roles/compare/?roles=ml-engineer,llm-engineer",
    "paths": "/paths/",
    "path": "/paths/llm-engineer-from-backend/",
    "login": "/accounts/login/",
    "signup": "/accounts/signup/",
    "password-reset": "/accounts/password/reset/",
}
LEARNER = {
    "dashboard": "/dashboard/",
    "enrolment": "/enrolments/{enrolment}/",
    "path-enrolled": "/paths/llm-engineer-from-backend/",
    "readiness": "/readiness/",
    "readiness-other": "/readiness/?role=ml-engineer&level=senior",
    "plan": "/plan/",
    "settings": "/settings/",
    "check-start": "/skills/rag-architecture/check/2/",
    "check-open": "/checks/{open_check}/",
    "review-start": "/skills/evaluation/review/",
    "check-result": "/checks/{done_check}/",
}
CURATOR = {
    "admin": "/admin/",
    "admin-paths": "/admin/paths/learningpath/",
    "admin-path": "/admin/paths/learningpath/{path}/change/",
}
DARK = ["landing", "dashboard", "readiness"]


def learner_with_history() -> User:
    learner = UserFactory.create()
    demo_history_seed(user=learner)
    return learner


def checks_for(learner: User) -> dict[str, int]:
    """An open skill check (vector databases, level 2) and a submitted one (RAG architecture,
    level 2): one attempt per skill is open at a time."""
    banks_load()
    vectors, rag = (
        Skill.objects.get(slug="vector-databases"),
        Skill.objects.get(slug="rag-architecture"),
    )
    open_check = skill_check_start(user=learner, skill=vectors, level=2)
    done = skill_check_start(user=learner, skill=rag, level=2)
    skill_check_submit(check=done, answers={})
    return {"open_check": open_check.pk, "done_check": done.pk}


def visit_all(page: Any, pages: dict[str, str], ids: dict[str, int], prefix: str = "") -> None:
    for name, address in pages.items():
        page.goto(page.base + address.format(**ids))
        check_page(page, f"{prefix}{name}")


@pytest.mark.parametrize("width", WIDTHS)
def test_every_page_meets_the_bar(open_page, width):
    catalogue_load()
    learner = learner_with_history()
    ids = {
        "enrolment": learner.enrolments.order_by("pk").values_list("pk", flat=True)[0],
        "path": LearningPath.objects.get(slug="llm-engineer-from-backend").pk,
        **checks_for(learner),
    }

    visit_all(open_page(width), VISITOR, ids)

    page = open_page(width)
    sign_in(page, learner)
    visit_all(page, LEARNER, ids)

    if width == WIDTHS[0]:  # the admin is a desktop tool
        page = open_page(width)
        sign_in(page, CuratorFactory.create(), mfa=True)
        visit_all(page, CURATOR, ids)


def test_key_pages_in_the_dark_scheme(open_page):
    catalogue_load()
    learner = learner_with_history()
    page = open_page(375, color_scheme="dark")
    sign_in(page, learner)
    everything = {**VISITOR, **LEARNER}

    visit_all(page, {name: everything[name] for name in DARK}, {}, prefix="dark-")

    background = page.evaluate("getComputedStyle(document.documentElement).backgroundColor")
    assert background == "rgb(18, 19, 26)"  # --bg of the dark scheme
