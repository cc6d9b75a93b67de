"""Curator analytics in the admin: the hand-computed figures on the list, the path's page and
the CSV files, the minimum group rule, who may see them, and query counts that do not grow."""

import csv
import io
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from analytics.models import PathSummary
from analytics.services import analytics_refresh
from paths.models import LearningPath, Step
from tests.analytics.world import AT, enrol, grant_analytics, hand_computed_path, log, small_path
from tests.factories import CuratorFactory, PathFactory, SkillFactory, UserFactory
from tests.test_i18n import unmarked_strings
from tracker.models import User

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:analytics_pathsummary_changelist")
PATHS_CSV = reverse("admin:analytics_pathsummary_csv")
TOO_FEW = "too few to show"


def page_url(path: LearningPath) -> str:
    return reverse("admin:analytics_pathsummary_change", args=[path.pk])


def steps_csv_url(path: LearningPath) -> str:
    return reverse("admin:analytics_pathsummary_steps_csv", args=[path.pk])


def squeeze(text: str) -> str:
    return " ".join(text.split())


class Cells(HTMLParser):
    """The text of the changelist's result cells (by row) and of elements marked data-figure
    (by step)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[list[str]] = []
        self.raw_figures: dict[tuple[str, str], str] = {}
        self._results = False
        self._cell: list[str] | None = None
        self._figure: tuple[str, str] | None = None
        self._step = ""

    @property
    def figures(self) -> dict[tuple[str, str], str]:
        return {key: squeeze(text) for key, text in self.raw_figures.items()}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "table":
            self._results = found.get("id") == "result_list"
        if tag == "tr":
            self.rows.append([])
            self._step = found.get("data-step") or ""
        if tag in ("td", "th") and self._results:
            self._cell = []
        if "data-figure" in found:
            self._figure = (self._step, found["data-figure"] or "")
            self.raw_figures[self._figure] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append(squeeze("".join(self._cell)))
            self._cell = None
        if tag == "table":
            self._results = False
        if tag in ("td", "dd"):
            self._figure = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        if self._figure is not None:
            self.raw_figures[self._figure] += data


def parsed(response) -> Cells:
    cells = Cells()
    cells.feed(response.content.decode())
    return cells


def csv_rows(response) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(response.content.decode())))


@pytest.fixture
def analytics_client(mfa_client_for) -> Client:
    return mfa_client_for(grant_analytics(CuratorFactory.create()))


@pytest.fixture
def world():
    built = hand_computed_path()
    small = small_path(learners=4, required=True)
    analytics_refresh(at=AT)
    return built, small


# -- the figures, as a curator sees them ---------------------------------------------------------


def test_the_list_shows_each_path_funnel_with_small_groups_hidden(analytics_client, world):
    response = analytics_client.get(CHANGELIST)

    assert response.status_code == 200
    results = [row for row in parsed(response).rows if row][1:]  # the header row first
    rows = {row[0]: row[1:-1] for row in results}  # without computed at
    assert rows == {
        "Retrieval in production": [
            "11",
            "10",
            "5",
            "45%",
            "5",
            "14.5 (12.0–20.0)",
            "40.0 (20.0–70.0)",
        ],
        "Prompting in a week": [TOO_FEW] * 7,
        "Search basics": [TOO_FEW] * 5 + [TOO_FEW, "no requirements for this role and level"],
    }
    assert PATHS_CSV in response.content.decode()


def test_the_path_page_shows_the_hand_computed_figures(analytics_client, world):
    built, _ = world

    response = analytics_client.get(page_url(built.path))

    assert response.status_code == 200
    figures = parsed(response).figures
    assert figures[("", "completion-rate")] == "45%"
    assert figures[("", "days")] == "14.5 (12.0–20.0)"
    assert figures[("", "gain-learners")] == "9"
    assert figures[("", "gain")] == "40.0 (20.0–70.0)"
    assert figures[("", "gain-possible")] == "70.0"
    per_step = {
        step: [figures[(step, name)] for name in ("reached", "started", "completed", "stopped")]
        for step in "123"
    }
    assert per_step == {
        "1": ["11", "10", "9", TOO_FEW],  # 1 stopped here
        "2": ["9", "7", "6", TOO_FEW],  # 3 stopped here
        "3": ["6", "5", "5", TOO_FEW],
    }
    minutes = {
        step: [figures[(step, name)] for name in ("estimate", "minutes", "suggested")]
        for step in "123"
    }
    assert minutes == {
        "1": ["30", "40 (30–50)", "40 (change it)"],
        "2": ["60", "75 (66–88)", "75 (change it)"],
        "3": ["20", "20 (20–25)", "20"],
    }
    html = response.content.decode()
    assert "Pathwise&#x27;s own measure" in html
    assert steps_csv_url(built.path) in html
    assert "<script" not in html.split('id="content"')[1]  # charts are SVG drawn on the server
    # The funnel's bars: started 10 and completed 5 of 11 enrolled.
    assert 'class="bar-fill bar-2" width="90.91"' in html
    assert 'class="bar-fill bar-3" width="45.45"' in html


def test_a_path_of_four_learners_shows_too_few_everywhere(analytics_client, world):
    _, small = world

    response = analytics_client.get(page_url(small))
    steps = analytics_client.get(steps_csv_url(small))

    figures = parsed(response).figures
    assert {figures[("", name)] for name in ("completion-rate", "days", "gain")} == {TOO_FEW}
    assert {value for (step, _), value in figures.items() if step == "1" and _ != "estimate"} == {
        TOO_FEW
    }
    assert '<rect class="bar-fill' not in response.content.decode()  # no bar for a hidden figure
    row = csv_rows(steps)[0]
    assert row["reached"] == row["real_minutes_median"] == row["suggested_minutes"] == TOO_FEW
    assert row["estimated_minutes"] == "30"


def test_the_csv_files_hold_the_shown_figures(analytics_client, world):
    built, _ = world

    paths = analytics_client.get(PATHS_CSV)
    steps = analytics_client.get(steps_csv_url(built.path))

    assert paths["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in paths["Content-Disposition"]
    by_title = {row["path"]: row for row in csv_rows(paths)}
    main = by_title["Retrieval in production"]
    assert {k: main[k] for k in ("enrolled", "started", "completed", "stopped")} == {
        "enrolled": "11",
        "started": "10",
        "completed": "5",
        "stopped": "5",
    }
    assert main["completion_rate_percent"] == "45.45"
    assert (main["days_to_complete_median"], main["days_to_complete_p25"]) == ("14.5", "12.0")
    assert (main["readiness_gain_median"], main["readiness_gain_possible"]) == ("40.0", "70.0")
    assert by_title["Prompting in a week"]["enrolled"] == TOO_FEW
    assert [
        (
            r["position"],
            r["reached"],
            r["completed"],
            r["stopped_here"],
            r["real_minutes_median"],
            r["real_minutes_p25"],
            r["real_minutes_p75"],
            r["suggested_minutes"],
        )
        for r in csv_rows(steps)
    ] == [
        ("1", "11", "9", TOO_FEW, "40.0", "30.0", "50.0", "40"),
        ("2", "9", "6", TOO_FEW, "75.0", "66.25", "87.5", "75"),
        ("3", "6", "5", TOO_FEW, "20.0", "20.0", "25.0", "20"),
    ]


def test_a_title_that_looks_like_a_formula_stays_text_in_the_csv(analytics_client):
    path = small_path(learners=5)
    LearningPath.objects.filter(pk=path.pk).update(title="=HYPERLINK(1)")
    analytics_refresh(at=AT)

    rows = csv_rows(analytics_client.get(PATHS_CSV))

    assert rows[0]["path"] == "'=HYPERLINK(1)"


# -- who may see it -------------------------------------------------------------------------------


def every_url(path: LearningPath) -> list[str]:
    return [CHANGELIST, PATHS_CSV, page_url(path), steps_csv_url(path)]


@pytest.fixture
def one_path() -> LearningPath:
    path = small_path(learners=5)
    analytics_refresh(at=AT)
    return path


@pytest.mark.parametrize("who", ["anonymous", "learner"])
def test_anonymous_and_learners_are_sent_to_sign_in(who, one_path, client):
    if who == "learner":
        client.force_login(UserFactory.create())

    for url in every_url(one_path):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("admin:login")), url


def test_staff_without_the_permission_are_refused(one_path, mfa_client_for):
    staff = UserFactory.create(is_staff=True)
    client = mfa_client_for(staff)

    for url in every_url(one_path):
        assert client.get(url).status_code == 403, url
    assert "Path analytics" not in client.get(reverse("admin:index")).content.decode()


def test_curators_and_superusers_see_every_analytics_page(
    one_path, analytics_client, mfa_client_for
):
    superuser = User.objects.create_superuser(email="root@example.com", password="x" * 20)
    for client in (analytics_client, mfa_client_for(superuser)):
        for url in every_url(one_path):
            assert client.get(url).status_code == 200, url
        assert "Path analytics" in client.get(reverse("admin:index")).content.decode()


def test_the_migration_lets_curators_view_analytics_and_nothing_more():
    curator = CuratorFactory.create()  # the group as its migrations left it

    analytics = {p for p in curator.get_all_permissions() if p.startswith("analytics.")}

    assert analytics == {"analytics.view_pathsummary", "analytics.view_stepsummary"}


def test_nothing_writes_or_deletes_analytics_in_the_admin(one_path, analytics_client):
    summary_id = one_path.pk
    for suffix in ("add/", f"{summary_id}/delete/", f"{summary_id}/history/"):
        assert analytics_client.get(CHANGELIST + suffix).status_code == 404
    response = analytics_client.post(
        CHANGELIST, {"action": "delete_selected", "_selected_action": [summary_id]}
    )
    assert PathSummary.objects.filter(pk=summary_id).exists()
    assert response.status_code == 200


def test_a_curator_still_deletes_a_path_that_has_analytics(analytics_client):
    path = PathFactory.create(status=LearningPath.Status.PUBLISHED)  # no learners
    analytics_refresh(at=AT)
    assert PathSummary.objects.filter(path=path).exists()

    response = analytics_client.post(
        reverse("admin:paths_learningpath_delete", args=[path.pk]), {"post": "yes"}
    )

    assert response.status_code == 302
    assert not LearningPath.objects.filter(pk=path.pk).exists()
    assert not PathSummary.objects.filter(pk=path.pk).exists()


# -- a fixed number of queries --------------------------------------------------------------


def grow(paths: int, learners: int, steps: int) -> LearningPath:
    """`paths` published paths of `steps` steps, each completed by `learners` learners; the
    last one is returned."""
    skill = SkillFactory.create()
    for _ in range(paths):
        path = PathFactory.create(status=LearningPath.Status.PUBLISHED)
        made = [
            Step.objects.create(
                path=path, position=p, title=f"Step {p}", kind="project", estimated_minutes=30
            )
            for p in range(1, steps + 1)
        ]
        for step in made:
            step.step_skills.create(skill=skill, level=2)
        for m in range(learners):
            enrolment = enrol(UserFactory.create(), path, days_ago=9)
            for step in made:
                log(enrolment, step, 20 + m, days_ago=8)
    analytics_refresh(at=AT)
    return path


def queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_pages_and_csv_take_the_same_queries_at_two_data_sizes(analytics_client):
    small = grow(paths=1, learners=5, steps=1)
    before = [queries(analytics_client, url) for url in every_url(small)]
    large = grow(paths=8, learners=12, steps=6)

    after = [queries(analytics_client, url) for url in every_url(large)]

    assert PathSummary.objects.count() == 9
    assert before == after


# -- templates ------------------------------------------------------------------------------


def test_every_visible_string_of_the_analytics_templates_is_marked_for_translation():
    templates = sorted((Path(settings.BASE_DIR) / "analytics" / "templates").rglob("*.html"))

    assert len(templates) == 2
    assert {str(t.name): unmarked_strings(t) for t in templates} == {t.name: [] for t in templates}
