"""In headless Chromium (Debian's, driven by Playwright): sign up, choose a target, enrol, log
progress on two steps, see the bar move and the readiness rise, and the charts drawn with no
console errors, at 1280 px and at 375 px. Screenshots go to var/screenshots/."""

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core import mail

from paths.catalogue import catalogue_load
from tracker.models import User
from tracker.recompute import readiness_recompute

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        if os.environ.get("CI") == "true":
            pytest.fail("CI needs Debian's chromium at /usr/bin/chromium (.ci/run installs it)")
        pytest.skip("Debian's chromium is not installed (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls made by the test
    # itself are still plain synchronous calls.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def assert_fits(page: Any, width: int) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{overflow} px of horizontal scroll at {width} px on {page.url}"


@pytest.mark.parametrize("width", [1280, 375])
def test_learner_journey_in_a_real_browser(browser, live_server, width):
    catalogue_load()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": width, "height": 900})
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    url = live_server.url
    email = f"ada-{width}@example.com"

    # Sign up, then confirm the address with the emailed code.
    page.goto(f"{url}/accounts/signup/")
    page.get_by_label("Email").fill(email)
    page.locator("#id_password1").fill("correct horse battery")
    page.get_by_role("button", name="Sign Up").click()
    code = re.search(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", str(mail.outbox[-1].body), re.MULTILINE)
    assert code is not None
    page.get_by_label("Code").fill(code.group(1))
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url(f"{url}/dashboard/")

    # Choose a target role and level.
    page.goto(f"{url}/settings/")
    page.get_by_label("Target role").select_option(label="LLM Engineer")
    page.get_by_label("Target level").select_option(label="Junior")
    page.get_by_role("button", name="Save settings").click()
    page.get_by_text("Settings saved.").wait_for()
    learner = User.objects.get(email=email)
    readiness_recompute(user_id=learner.pk)  # the worker's job, run here
    page.goto(f"{url}/dashboard/")
    assert page.get_by_test_id("target-score").inner_text() == "0%"

    # Enrol and log two steps; the bar moves without a page load.
    page.goto(f"{url}/paths/llm-engineer-from-backend/")
    page.get_by_role("button", name="Enrol on this path").click()
    page.get_by_text("You are enrolled on").wait_for()
    percent = page.get_by_test_id("percent-done")
    assert percent.inner_text() == "0%"
    for position, expected in ((1, "9%"), (2, "18%")):
        page.locator("#id_step").select_option(index=position)  # 0 is the blank choice
        page.locator("#id_minutes").fill("40")
        page.locator("#id_status").select_option("completed")
        page.get_by_role("button", name="Log progress").click()
        page.get_by_test_id("percent-done").filter(has_text=expected).wait_for()
    assert page.locator('[data-status="completed"]').count() == 2

    # After the recompute the score has risen, on the dashboard and the readiness page.
    readiness_recompute(user_id=learner.pk)
    page.goto(f"{url}/dashboard/")
    score = float(page.get_by_test_id("target-score").inner_text().rstrip("%"))
    assert score > 0
    assert_fits(page, width)
    page.screenshot(path=str(SCREENSHOTS / f"dashboard-{width}.png"), full_page=True)

    page.goto(f"{url}/readiness/")
    assert float(page.get_by_test_id("readiness-score").inner_text().rstrip("%")) == score
    for canvas in ("radar-chart", "history-chart"):
        drawn = page.evaluate(
            "id => { const c = document.getElementById(id); const chart = window.Chart && "
            "Chart.getChart(c); return !!chart && c.width > 0 && c.toDataURL().length > 2000; }",
            canvas,
        )
        assert drawn, canvas
    assert_fits(page, width)
    page.screenshot(path=str(SCREENSHOTS / f"readiness-{width}.png"), full_page=True)

    page.goto(f"{url}/roles/compare/?roles=ml-engineer,llm-engineer")
    page.get_by_role("heading", name="Frequently asked questions").wait_for()
    page.screenshot(path=str(SCREENSHOTS / f"compare-{width}.png"), full_page=True)

    assert_fits(page, width)
    assert errors == []
    page.close()
