"""A new learner's first run in headless Chromium, at 1280 and 375 px, from a browser in India:
sign up (a refused password first, its reason under the field), confirm the emailed code,
answer the four onboarding questions with the time zone taken from the browser, enrol on the
suggested path, mark its first step done and see readiness rise, on the enrolment page and on
the dashboard, in under two minutes. Every page passes check_page (axe-core, console, no
horizontal scroll, screenshot, timings)."""

import re
import time

import pytest
from django.core import mail

from paths.catalogue import catalogue_load
from tests.browser import WIDTHS, check_page
from tracker.models import Enrolment, LearnerProfile
from tracker.recompute import readiness_recompute

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ZONE = "Asia/Kolkata"


@pytest.mark.parametrize("width", WIDTHS)
def test_sign_up_and_onboarding_to_a_suggested_path(open_page, width):
    catalogue_load()
    page = open_page(width, timezone_id=ZONE)
    base = page.base
    email = f"priya-{width}@example.com"
    started = time.monotonic()

    # Sign up: a too-short password is explained under the password field, then a good one.
    page.goto(f"{base}/accounts/signup/")
    check_page(page, "account-signup")
    page.get_by_label("Email").fill(email)
    page.locator("#id_password1").fill("abc")
    page.get_by_role("button", name="Sign up").click()
    error = page.locator("#id_password1 ~ ul.errorlist")
    error.first.wait_for()
    assert "too short" in error.first.inner_text()
    check_page(page, "account-signup-refused")
    page.locator("#id_password1").fill("correct horse battery")
    page.get_by_role("button", name="Sign up").click()

    # The emailed code, branded.
    page.get_by_role("heading", name="Confirm your email address").wait_for()
    check_page(page, "account-confirm-code")
    message = mail.outbox[-1]
    assert message.subject == "Pathwise: Confirm your email address"
    code = re.search(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", str(message.body), re.MULTILINE)
    assert code is not None
    page.get_by_label("Code").fill(code.group(1))
    page.get_by_role("button", name="Confirm").click()

    # 1. Background (the browser's zone goes with it).
    page.wait_for_url(f"{base}/welcome/background/")
    check_page(page, "onboarding-background")
    page.get_by_label("Backend engineering").check()
    page.get_by_role("button", name="Continue").click()

    # 2. The recommendation and its reasons; its role and first rung are pre-selected.
    page.wait_for_url(f"{base}/welcome/role/")
    page.get_by_role("heading", name="Suggested for you: LLM Engineer").wait_for()
    assert page.get_by_role("radio", name="LLM Engineer").is_checked()
    assert page.get_by_role("radio", name="Junior").is_checked()
    check_page(page, "onboarding-role")
    page.get_by_role("button", name="Continue").click()

    # 3. Weekly goal: typing another amount chooses it (the page's script).
    page.wait_for_url(f"{base}/welcome/goal/")
    check_page(page, "onboarding-goal")
    page.get_by_label("Another amount, in minutes a week").fill("240")
    assert page.locator("input[name=goal][value=custom]").is_checked()
    page.get_by_role("button", name="Continue").click()

    # 4. Reminders at 07:00 in the zone the browser gave.
    page.wait_for_url(f"{base}/welcome/reminders/")
    assert page.get_by_label("Time zone").input_value() == ZONE
    check_page(page, "onboarding-reminders")
    page.get_by_label("Email me reminders").check()
    page.get_by_label("Send them at").fill("07:00")
    page.get_by_role("button", name="Finish").click()

    # Done: the suggested path, enrolled on from here.
    page.wait_for_url(f"{base}/welcome/done/")
    page.get_by_text("At 07:00, Asia/Kolkata time").wait_for()
    check_page(page, "onboarding-done")
    page.get_by_role("button", name="Enrol on this path").click()
    page.get_by_text("You are enrolled on").wait_for()
    check_page(page, "onboarding-enrolled")

    profile = LearnerProfile.objects.select_related("target_role", "target_level").get(
        user__email=email
    )
    assert profile.onboarded_at is not None
    assert (profile.timezone, profile.preferred_hour, profile.weekly_goal_minutes) == (
        ZONE,
        7,
        240,
    )
    assert profile.target_role is not None
    assert profile.target_level is not None
    assert (profile.target_role.slug, profile.target_level.slug) == ("llm-engineer", "junior")
    assert profile.background is not None
    assert profile.background.slug == "backend-engineering"
    enrolment = Enrolment.objects.get(user=profile.user)
    assert enrolment.path.slug == "llm-engineer-from-backend"

    # The first step, done in one tap: progress and readiness change beside it.
    first = enrolment.path.steps.order_by("position").first()
    assert first is not None
    page.locator(f"#done-{first.pk}").click()
    result = page.locator(f"#step-{first.pk} [data-testid='step-result']")
    result.wait_for()
    change = re.search(r"Readiness for LLM Engineer, Junior: 0% → (\d+)%", result.inner_text())
    assert change is not None
    assert int(change.group(1)) > 0
    assert page.get_by_test_id("percent-done").inner_text() == "9%"
    readiness_recompute(user_id=profile.user.pk)  # the worker's job, run here
    page.goto(f"{base}/dashboard/")
    assert page.get_by_test_id("target-score").inner_text() == f"{change.group(1)}%"
    assert time.monotonic() - started < 120  # sign-up to a visible readiness change
    check_page(page, "first-run-dashboard")

    # Settings show what was chosen, with a time picker and the searchable zone.
    page.goto(f"{base}/settings/")
    assert page.get_by_label("Time zone").input_value() == ZONE
    assert page.get_by_label("Reminder time").input_value() == "07:00"
    check_page(page, "settings")
