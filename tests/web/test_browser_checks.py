"""In Chromium: a learner whose prompt-engineering skill has faded sees it on the readiness
page, takes the review from there and answers it, then verifies evaluation with a skill check
from its breakdown line; the score and the breakdown change after the worker's recompute.
Every page passes check_page (axe-core, console, no horizontal scroll)."""

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from fsrs import Rating

from assessments.banks import banks_load
from assessments.models import SkillCheck
from assessments.services import memories_review
from careers.models import Role, SeniorityLevel, Skill
from paths.catalogue import catalogue_load
from tests.browser import check_page, sign_in
from tests.factories import UserFactory
from tracker.models import ReadinessScore
from tracker.recompute import readiness_recompute
from tracker.services import learner_profile_update

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def answer_right(page: Any, check: SkillCheck) -> None:
    """Tick each question's correct choices (read from the bank, as a learner who knows)."""
    for item in check.items.select_related("question").prefetch_related("question__choices"):
        for choice in item.question.choices.all():
            if choice.is_correct:
                page.locator(f"input[name='item-{item.pk}'][value='{choice.pk}']").check()


def test_a_fading_skill_is_reviewed_and_a_skill_verified_in_the_browser(open_page):
    catalogue_load()
    banks_load()
    role = Role.objects.get(slug="llm-engineer")
    junior = SeniorityLevel.objects.get(slug="junior")
    prompts = Skill.objects.get(slug="prompt-engineering")  # 2 at junior
    user = UserFactory.create(email="reviewer@example.com")
    learner_profile_update(user=user, target_role=role, target_level=junior)
    long_ago = timezone.now() - timedelta(days=200)
    memories_review(user_id=user.pk, skill_levels={prompts.pk: 2}, rating=Rating.Good, at=long_ago)
    SkillCheck.objects.create(
        user=user,
        skill=prompts,
        level=2,
        started_at=long_ago,
        expires_at=long_ago + timedelta(minutes=20),
        submitted_at=long_ago,
        correct_count=5,
        passed=True,
    )
    readiness_recompute(user_id=user.pk)
    before = ReadinessScore.objects.get(user=user, role=role, level=junior).score
    assert before is not None
    page = open_page(1280)
    sign_in(page, user)

    # The readiness page shows prompt engineering verified but fading, with a review to restore it.
    page.goto(f"{page.base}/readiness/")
    row = page.locator("[data-testid=breakdown] tr[data-skill='prompt-engineering']")
    assert "fading" in row.inner_text()
    assert "verified" in row.inner_text()
    check_page(page, "readiness-fading")
    page.locator("[data-testid='review-prompt-engineering']").click()
    check_page(page, "review-start")
    page.get_by_role("button", name="Start the review").click()
    review = SkillCheck.objects.get(user=user, purpose="review")
    assert review.items.count() == 3
    check_page(page, "review-questions")
    answer_right(page, review)
    page.get_by_role("button", name="Submit answers").click()
    page.get_by_role("heading", name="Remembered").wait_for()
    check_page(page, "review-result")
    review.refresh_from_db()
    assert (review.passed, review.correct_count) == (True, 3)

    # It counts in full again: the recompute (the worker's, here in the test) restores it.
    readiness_recompute(user_id=user.pk)
    restored = ReadinessScore.objects.get(user=user, role=role, level=junior).score
    assert restored is not None
    assert restored > before
    page.goto(f"{page.base}/readiness/")
    assert (
        "fading"
        not in page.locator(
            "[data-testid=breakdown] tr[data-skill='prompt-engineering']"
        ).inner_text()
    )

    # Verify evaluation with the check its line offers, and pass it.
    page.locator("[data-testid='verify-evaluation']").click()
    page.get_by_role("button", name="Start the check").click()
    check = SkillCheck.objects.get(user=user, purpose="verify", submitted_at=None)
    answer_right(page, check)
    page.get_by_role("button", name="Submit answers").click()
    page.get_by_role("heading", name="Passed").wait_for()
    readiness_recompute(user_id=user.pk)
    page.goto(f"{page.base}/readiness/")
    assert (
        "verified"
        in page.locator("[data-testid=breakdown] tr[data-skill='evaluation']").inner_text()
    )
    verified = ReadinessScore.objects.get(user=user, role=role, level=junior).score
    assert verified is not None
    assert verified > restored
