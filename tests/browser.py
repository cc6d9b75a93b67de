"""Browser-test harness, a pytest plugin of tests/conftest.py: Debian's Chromium driven by
Playwright, one browser per session.

`open_page(width)` gives a page that records console errors and failed requests;
`check_page(page, name)` then asserts what every page must meet (no serious or critical axe-core
violation, no console error, no horizontal scroll), saves a screenshot under var/screenshots/ and
prints the page's navigation timings and transferred bytes. `sign_in(page, user)` hands the
browser a session made by Django's test client (the sign-in forms have their own tests)."""

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.test.client import RequestFactory

from tracker.models import User

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
SERIOUS = {"serious", "critical"}
WIDTHS = [1280, 375]

TIMINGS_JS = """() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const resources = performance.getEntriesByType('resource');
  return {
    ttfb_ms: Math.round(nav.responseStart - nav.startTime),
    dom_ms: Math.round(nav.domContentLoadedEventEnd - nav.startTime),
    load_ms: Math.round(nav.loadEventEnd - nav.startTime),
    html_bytes: nav.transferSize,
    html_decoded_bytes: nav.decodedBodySize,
    total_bytes: nav.transferSize + resources.reduce((sum, r) => sum + r.transferSize, 0),
    requests: 1 + resources.length,
  };
}"""


@pytest.fixture(scope="session")
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


@pytest.fixture
def open_page(browser: Any, live_server: Any) -> Iterator[Callable[..., Any]]:
    """open_page(width, color_scheme="light", timezone_id="Europe/London") -> a Playwright page
    in a fresh context, with `page.errors` (console errors, page errors, failed requests and
    resources) and `page.base` (the live server's URL). Contexts are closed after the test."""
    contexts: list[Any] = []

    def make(width: int, color_scheme: str = "light", timezone_id: str = "Europe/London") -> Any:
        context = browser.new_context(
            viewport={"width": width, "height": 900},
            color_scheme=color_scheme,
            locale="en-GB",
            timezone_id=timezone_id,
            has_touch=width < 600,
        )
        contexts.append(context)
        page = context.new_page()
        page.errors = []
        page.width = width
        page.base = live_server.url
        page.on("console", lambda m: _console_error(page, m))
        page.on("pageerror", lambda exc: page.errors.append(str(exc)))
        page.on("requestfailed", lambda r: page.errors.append(f"{r.url}: {r.failure}"))
        page.on("response", lambda r: _failed_resource(page, r))
        return page

    yield make
    for context in contexts:
        context.close()


def _console_error(page: Any, message: Any) -> None:
    # Chromium logs every 4xx/5xx as "Failed to load resource" without the address: failed
    # resources are recorded with theirs by _failed_resource; a refused form's 422 is by design.
    if message.type == "error" and not message.text.startswith("Failed to load resource"):
        page.errors.append(message.text)


def _failed_resource(page: Any, response: Any) -> None:
    if response.status >= 400 and response.request.resource_type != "document":
        page.errors.append(f"{response.status} {response.url}")


def sign_in(page: Any, user: User, *, mfa: bool = False) -> None:
    """Give the page's browser context a signed-in session for `user` (with a second factor
    recorded when `mfa`, as the admin asks of staff)."""
    client = Client()
    client.force_login(user)
    if mfa:
        from allauth.account.internal.flows.login import record_authentication

        request = RequestFactory().get("/")
        request.session = client.session
        record_authentication(request, user, "password", email=user.email)
        record_authentication(request, user, "mfa", type="totp")
        request.session.save()
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": cookie.key, "value": cookie.value, "url": page.base, "httpOnly": True}]
    )


def axe_violations(page: Any) -> list[str]:
    """Serious and critical axe-core violations on the page as it is now."""
    from axe_playwright_python.sync_playwright import Axe

    # No CSS preload: axe would rebuild @imported sheets as <style> elements, which the CSP
    # (style-src 'self') refuses, logging axe's errors as the page's. The preload only feeds
    # the css-orientation-lock rule.
    results = Axe().run(page, options={"resultTypes": ["violations"], "preload": False})
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in SERIOUS
    ]


def check_page(page: Any, name: str) -> dict[str, int]:
    """What every page must meet; returns (and prints) its timings and bytes."""
    page.wait_for_load_state("load")
    assert axe_violations(page) == [], page.url
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{overflow} px of horizontal scroll at {page.width} px on {page.url}"
    assert page.errors == [], page.url
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}-{page.width}.png"), full_page=True)
    timings: dict[str, int] = page.evaluate(TIMINGS_JS)
    print(f"\n[page] {name}@{page.width} {page.url} {timings}")
    return timings
