"""A curator in headless Chromium, at 1280 and 375 px, finds the analytics from the admin's
home, reads a path's funnel on the list, opens the path's page with its charts, and downloads
its CSV; a small path reads "too few to show". Every page is checked (axe-core, console,
no horizontal scroll)."""

import pytest
from django.urls import reverse

from analytics.services import analytics_refresh
from tests.analytics.world import AT, grant_analytics, hand_computed_path, small_path
from tests.browser import WIDTHS, check_page, sign_in
from tests.factories import CuratorFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", WIDTHS)
def test_a_curator_reads_a_paths_analytics(open_page, width):
    world = hand_computed_path()
    small = small_path(learners=4, required=True)
    analytics_refresh(at=AT)
    curator = grant_analytics(CuratorFactory.create())
    page = open_page(width)
    sign_in(page, curator, mfa=True)

    # From the admin's home to the list of paths.
    page.goto(page.base + reverse("admin:index"))
    page.get_by_role("link", name="Path analytics").first.click()
    page.wait_for_url(f"**{reverse('admin:analytics_pathsummary_changelist')}")
    check_page(page, "admin-analytics-list")
    row = page.locator("#result_list tr", has_text="Retrieval in production")
    assert row.locator("td.field-shown_completion_rate").inner_text() == "45%"
    small_row = page.locator("#result_list tr", has_text=small.title)
    assert small_row.locator("td.field-shown_enrolled").inner_text() == "too few to show"

    # The path's page: funnel, gain, steps and minutes, with their charts.
    row.get_by_role("link", name="Retrieval in production").click()
    page.wait_for_url(f"**{reverse('admin:analytics_pathsummary_change', args=[world.path.pk])}")
    check_page(page, "admin-analytics-path")
    assert page.locator("[data-figure=days]").inner_text() == "14.5 (12.0–20.0)"
    assert page.locator("[data-figure=gain]").inner_text() == "40.0 (20.0–70.0)"
    assert page.locator("tr[data-step='1'] [data-figure=suggested]").first.inner_text() == (
        "40 (change it)"
    )
    assert page.locator("svg.bar").count() == 4 + 3 + 3  # funnel, steps, minutes
    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV (one row per step)").click()
    lines = download.value.path().read_text().splitlines()
    assert lines[0].startswith("path,position,step,kind,estimated_minutes,reached")
    assert len(lines) == 4

    # A path of four learners: nothing about them is shown.
    page.goto(page.base + reverse("admin:analytics_pathsummary_change", args=[small.pk]))
    check_page(page, "admin-analytics-too-few")
    assert page.locator("[data-figure=days]").inner_text() == "too few to show"
    assert page.locator("rect.bar-fill").count() == 0
