"""In Chromium, at 1280 and 375 px, with the keyboard only (Tab, Enter, Space: no mouse
click): enrol on a path, log a step and see the result next to the button and in the live
region with focus and scroll kept, mark a step done in one tap, withdraw (asked first) and
undo; then the dashboard's heatmap, opened at today on a phone and read with the keyboard and
by touch. Every distinct page passes check_page (axe-core, console, no horizontal scroll)."""

from typing import Any

import pytest
from playwright.sync_api import expect

from careers.models import Role, SeniorityLevel
from paths.catalogue import catalogue_load
from paths.models import LearningPath
from tests.browser import WIDTHS, check_page, sign_in
from tests.factories import UserFactory
from tracker.models import Enrolment, ProgressEntry
from tracker.services import learner_profile_update

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def tab_to(page: Any, selector: str, limit: int = 120) -> None:
    """Press Tab until the element matching `selector` has focus."""
    target = page.locator(selector)
    target.wait_for()
    for _ in range(limit):
        if target.evaluate("el => el === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


@pytest.mark.parametrize("width", WIDTHS)
def test_enrol_log_done_withdraw_undo_and_the_heatmap_by_keyboard(open_page, width):
    catalogue_load()
    user = UserFactory.create(email=f"keys-{width}@example.com")
    learner_profile_update(
        user=user,
        target_role=Role.objects.get(slug="llm-engineer"),
        target_level=SeniorityLevel.objects.get(slug="junior"),
    )
    path = LearningPath.objects.get(slug="llm-engineer-from-backend")
    first, second = path.steps.order_by("position")[:2]
    page = open_page(width)
    sign_in(page, user)

    # The path page: enrol with the keyboard.
    page.goto(f"{page.base}/paths/{path.slug}/")
    check_page(page, "learning-path")
    tab_to(page, "button:has-text('Enrol on this path')")
    page.keyboard.press("Enter")
    page.get_by_text("You are enrolled on").wait_for()
    enrolment = Enrolment.objects.get(user=user, path=path)
    check_page(page, "learning-enrolment")

    # Log the first step with the form: the result appears next to the button.
    assert page.locator("#id_step").input_value() == str(first.pk)
    tab_to(page, "#id_minutes")
    page.keyboard.press("Control+A")
    page.keyboard.type("40")
    tab_to(page, "#id_status")
    page.keyboard.press("ArrowDown")
    assert page.locator("#id_status").input_value() == "completed"
    tab_to(page, "#log-submit")
    scrolled = page.evaluate("window.scrollY")
    page.keyboard.press("Enter")
    result = page.get_by_test_id("log-result")
    result.wait_for()
    assert "Path progress: 9%, 1 of 11 steps done." in result.inner_text()
    assert "Readiness for LLM Engineer, Junior: 0% → " in result.inner_text()
    assert page.evaluate("document.activeElement.id") == "log-submit"  # focus kept
    assert abs(page.evaluate("window.scrollY") - scrolled) < 5  # no jump
    announced = page.locator("#announce").inner_text()
    assert "Logged 40 minutes on" in announced
    assert "Readiness for LLM Engineer" in announced
    assert page.get_by_test_id("percent-done").inner_text() == "9%"

    # One-tap done on the second step, with Space.
    tab_to(page, f"#done-{second.pk}")
    page.keyboard.press("Space")
    page.locator(f"#step-{second.pk} [data-testid='step-result']").wait_for()
    expect(page.locator(f"#step-{second.pk}")).to_be_focused()  # the step just done
    assert page.get_by_test_id("percent-done").inner_text() == "18%"
    assert "“" + second.title + "”, done." in page.locator("#announce").inner_text()
    assert sorted(
        ProgressEntry.objects.filter(enrolment=enrolment).values_list(
            "step_id", "status", "minutes"
        )
    ) == sorted([(first.pk, "completed", 40), (second.pk, "completed", second.estimated_minutes)])
    check_page(page, "learning-enrolment-logged")

    # Withdraw: asked first, then undone.
    tab_to(page, "a:has-text('Withdraw…')")
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Yes, withdraw").wait_for()
    check_page(page, "learning-withdraw")
    tab_to(page, "button:has-text('Yes, withdraw')")
    page.keyboard.press("Enter")
    page.get_by_test_id("undo").wait_for()
    assert Enrolment.objects.get(pk=enrolment.pk).status == "withdrawn"
    check_page(page, "learning-withdrawn")
    tab_to(page, "#undo-withdraw")
    page.keyboard.press("Enter")
    page.get_by_text("Withdrawal undone").wait_for()
    assert Enrolment.objects.get(pk=enrolment.pk).status == "active"
    assert page.get_by_test_id("percent-done").inner_text() == "18%"  # steps kept

    # The dashboard: readiness first; the heatmap opens at today and reads without hover.
    page.goto(f"{page.base}/dashboard/")
    check_page(page, "learning-dashboard")
    scroller = page.locator("[data-heat-scroll]")
    gap = scroller.evaluate("el => el.scrollWidth - el.clientWidth - el.scrollLeft")
    assert gap <= 1  # scrolled to the end: today
    if width < 600:
        assert scroller.evaluate("el => el.scrollWidth > el.clientWidth")  # it does scroll
    caption = page.get_by_test_id("heat-caption")
    logged = sum(ProgressEntry.objects.filter(user=user).values_list("minutes", flat=True))
    assert caption.inner_text().startswith("Today, ")
    assert caption.inner_text().endswith(f": {logged} minutes")
    today = page.locator("td[tabindex='0']").get_attribute("data-day")
    tab_to(page, "td[tabindex='0']")
    page.keyboard.press("ArrowLeft")  # the same weekday, a week earlier
    assert caption.inner_text().endswith(": 0 minutes")
    assert not caption.inner_text().startswith("Today")
    assert page.evaluate("document.activeElement.dataset.day") < today
    if width < 600:  # by touch: tapping today's cell shows it again
        page.locator(f"td[data-day='{today}']").tap()
        assert page.evaluate("document.activeElement.dataset.day") == today
        assert caption.inner_text().endswith(f": {logged} minutes")
