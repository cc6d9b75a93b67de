"""In headless Chromium, at 1280 and 375 px (tests/browser.py): a visitor goes from the
landing page through the role quiz to its suggestion, compares the two close roles and reads
the FAQ; a learner's readiness page draws a radar on a wide screen and a bar per skill on a
phone, with every label inside the canvas, a % axis, readable dates and a history table with
the chart's figures. check_page (axe-core, console, horizontal scroll, screenshot, timings) on
every page."""

from datetime import date, timedelta

import pytest

from careers.models import Role, SeniorityLevel, Skill
from paths.catalogue import catalogue_load
from tests.browser import WIDTHS, check_page, sign_in
from tests.factories import UserFactory
from tracker.models import ReadinessSnapshot
from tracker.recompute import readiness_recompute
from tracker.services import learner_profile_update, skill_claim_set

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHART = (
    "id => { const c = Chart.getChart(document.getElementById(id)); return c && c.config.type; }"
)

LABELS_INSIDE = """() => {
  const chart = Chart.getChart(document.getElementById("radar-chart"));
  const inside = (b) => b.left >= 0 && b.right <= chart.width + 0.5 && b.top >= 0
    && b.bottom <= chart.height + 0.5;
  if (chart.config.type === "radar") {
    const items = chart.scales.r._pointLabelItems;
    return { kind: "radar", count: items.length, inside: items.every(inside),
             size: Math.min(chart.chartArea.width, chart.chartArea.height) };
  }
  const y = chart.scales.y;
  const widest = y._labelSizes.widest.width;
  return { kind: "bar", count: y.ticks.length, inside: y.left >= 0 && widest <= y.width
             && inside(chart.chartArea), size: chart.chartArea.width };
}"""


@pytest.mark.parametrize("width", WIDTHS)
def test_landing_quiz_compare_and_faq(open_page, width):
    catalogue_load()
    page = open_page(width)

    page.goto(f"{page.base}/")
    page.get_by_test_id("preview-score").wait_for()
    assert page.get_by_test_id("preview-score").inner_text() == "53%"
    check_page(page, "catalogue-landing")

    # A backend engineer with strong maths who wants to train models: ML, narrowly.
    page.get_by_label("Backend engineering", exact=True).check()
    page.get_by_label("Strong: statistics", exact=False).check()
    page.get_by_label("Training and improving models", exact=False).check()
    page.get_by_label("Under 2 years", exact=True).check()
    page.get_by_role("button", name="Suggest a role").click()
    page.wait_for_url("**/which-role/?**")
    result = page.locator("#result")
    assert result.get_attribute("data-role") == "ml-engineer"
    assert "From backend engineering" in result.inner_text()
    check_page(page, "catalogue-quiz-result")

    page.get_by_role("link", name="compare them side by side").click()
    page.wait_for_url("**/roles/compare/?roles=ml-engineer,llm-engineer")
    matrix = page.get_by_test_id("skills-matrix")
    assert matrix.locator('tr[data-skill="statistics"] td').count() == 8
    # the page itself does not scroll sideways; a wide matrix scrolls in its own region
    check_page(page, "catalogue-compare")

    page.get_by_role("link", name="Which pays more?").click()
    page.wait_for_url("**/faq/#faq-1")
    assert page.locator("#faq-1").inner_text() == "Which pays more?"
    check_page(page, "catalogue-faq")


@pytest.mark.parametrize("width", WIDTHS)
def test_readiness_charts_fit_the_screen(open_page, width):
    catalogue_load()
    learner = UserFactory.create()
    role = Role.objects.get(slug="llm-engineer")
    level = SeniorityLevel.objects.get(slug="junior")
    learner_profile_update(user=learner, target_role=role, target_level=level)
    skill_claim_set(user=learner, skill=Skill.objects.get(slug="python-engineering"), level=4)
    readiness_recompute(user_id=learner.pk)
    ReadinessSnapshot.objects.filter(user=learner).delete()  # today's, from the recompute
    start = date(2026, 11, 3)
    for n, score in enumerate((0.0, 4.5, 4.5, 9.1, 12.3)):
        ReadinessSnapshot.objects.create(
            user=learner, role=role, level=level, day=start + timedelta(days=n), score=score
        )
    page = open_page(width)
    sign_in(page, learner)

    page.goto(f"{page.base}/readiness/")
    page.wait_for_function(
        "() => window.Chart && Chart.getChart(document.getElementById('history-chart'))"
    )
    expected = "radar" if width >= 600 else "bar"
    assert page.evaluate(CHART, "radar-chart") == expected
    labels = page.evaluate(LABELS_INSIDE)
    assert labels["kind"] == expected
    assert labels["count"] == 15
    assert labels["inside"], labels
    assert labels["size"] >= 180, labels  # a plot, not a 60 px thumbnail
    history = page.evaluate(
        "() => { const c = Chart.getChart(document.getElementById('history-chart'));"
        " return { y: c.scales.y.ticks.map(t => t.label), x: c.data.labels,"
        " data: c.data.datasets[0].data }; }"
    )
    assert history["y"] == ["0%", "25%", "50%", "75%", "100%"]
    assert history["x"] == ["3 Nov", "4 Nov", "5 Nov", "6 Nov", "7 Nov"]
    page.get_by_text("History as a table").click()
    cells = page.get_by_test_id("history-table").locator("tbody td").all_inner_texts()
    assert cells == [f"{score:.1f}%" for score in history["data"]]
    check_page(page, "readiness-charts")

    if width >= 600:  # narrowing the window redraws the radar as bars
        page.set_viewport_size({"width": 375, "height": 900})
        page.wait_for_function(f"() => ({CHART})('radar-chart') === 'bar'")
        assert page.evaluate(LABELS_INSIDE)["inside"]
