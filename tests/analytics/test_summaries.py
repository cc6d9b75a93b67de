"""The figures, checked against the hand-computed fixture (tests/analytics/world.py)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from analytics.figures import count_shown, quartiles, suggested_minutes
from analytics.models import PathSummary, StepSummary
from analytics.services import analytics_refresh
from paths.models import LearningPath
from tests.analytics.world import AT, enrol, hand_computed_path, log, small_path
from tests.factories import PathFactory, UserFactory

pytestmark = pytest.mark.django_db

STEP_FIGURES = (
    "reached",
    "started",
    "completed",
    "stopped",
    "minutes_p25",
    "minutes_median",
    "minutes_p75",
    "suggested_minutes",
)


def step_rows(path: LearningPath) -> list[tuple]:
    return list(
        StepSummary.objects.filter(path=path)
        .order_by("step__position")
        .values_list("step__position", *STEP_FIGURES)
    )


def test_the_path_figures_are_the_hand_computed_ones():
    world = hand_computed_path()

    refreshed = analytics_refresh(path_ids=[world.path.pk], at=AT)

    assert refreshed == 1
    summary = PathSummary.objects.get(path=world.path)
    assert (summary.enrolled, summary.started, summary.completed, summary.stopped) == (11, 10, 5, 5)
    assert (summary.days_p25, summary.days_median, summary.days_p75) == (12.0, 14.5, 20.0)
    assert summary.gain_learners == 9
    assert (summary.gain_p25, summary.gain_median, summary.gain_p75) == (20.0, 40.0, 70.0)
    assert summary.gain_possible == 70.0
    assert summary.computed_at == AT


def test_the_step_figures_are_the_hand_computed_ones():
    world = hand_computed_path()

    analytics_refresh(path_ids=[world.path.pk], at=AT)

    assert step_rows(world.path) == [
        # position, reached, started, completed, stopped here, p25, median, p75, suggested
        (1, 11, 10, 9, 1, 30.0, 40.0, 50.0, 40),
        (2, 9, 7, 6, 3, 66.25, 75.0, 87.5, 75),
        (3, 6, 5, 5, 1, 20.0, 20.0, 25.0, 20),
    ]
    # Every stopped learner is counted at exactly one step.
    assert sum(row[4] for row in step_rows(world.path)) == 5


def test_four_learners_give_counts_but_no_medians_or_suggestion():
    path = small_path(learners=4)

    analytics_refresh(path_ids=[path.pk], at=AT)

    summary = PathSummary.objects.get(path=path)
    assert (summary.enrolled, summary.started, summary.completed) == (4, 4, 4)
    assert (summary.days_median, summary.gain_median) == (None, None)
    assert step_rows(path) == [(1, 4, 4, 4, 0, None, None, None, None)]


def test_five_learners_are_enough_for_a_median_and_a_suggestion():
    path = small_path(learners=5)  # 10, 20, 30, 40, 50 minutes against 30 estimated

    analytics_refresh(path_ids=[path.pk], at=AT)

    assert step_rows(path) == [(1, 5, 5, 5, 0, 20.0, 30.0, 40.0, 30)]
    assert PathSummary.objects.get(path=path).days_median == 5.0


def test_a_learner_who_enrolled_twice_counts_once():
    path = small_path(learners=4)
    again = UserFactory.create()
    enrol(again, path, days_ago=30, status="withdrawn")
    log(enrol(again, path, days_ago=2), path.steps.get(), 5, days_ago=1, completed=False)

    analytics_refresh(path_ids=[path.pk], at=AT)

    summary = PathSummary.objects.get(path=path)
    # Their latest enrolment is active and they worked yesterday: not stopped.
    assert (summary.enrolled, summary.started, summary.completed, summary.stopped) == (5, 5, 4, 0)


def test_a_role_without_requirements_has_no_readiness_gain():
    path = small_path(learners=5)  # its role and level require nothing

    analytics_refresh(path_ids=[path.pk], at=AT)

    summary = PathSummary.objects.get(path=path)
    assert (summary.gain_learners, summary.gain_median, summary.gain_possible) == (0, None, None)


def test_drafts_get_no_summary_and_every_published_or_archived_path_does():
    world = hand_computed_path()
    archived = small_path(learners=1)
    archived.status = LearningPath.Status.ARCHIVED
    archived.save()
    draft = PathFactory.create(status=LearningPath.Status.DRAFT)

    refreshed = analytics_refresh(at=AT)

    assert refreshed == 3
    assert set(PathSummary.objects.values_list("path_id", flat=True)) == {
        world.path.pk,
        world.other_path.pk,
        archived.pk,
    }
    assert not PathSummary.objects.filter(path=draft).exists()


def test_the_computation_takes_the_same_queries_for_ten_times_the_learners():
    small, large = small_path(5, required=True), small_path(50, required=True)

    with CaptureQueriesContext(connection) as few:
        analytics_refresh(path_ids=[small.pk], at=AT)
    with CaptureQueriesContext(connection) as many:
        analytics_refresh(path_ids=[large.pk], at=AT)

    assert len(few) == len(many)
    # Both went through the readiness gain (exercise, level 2 of target 2, counted 4/5).
    gains = PathSummary.objects.filter(path__in=[small, large]).values_list(
        "gain_median", flat=True
    )
    assert list(gains) == [80.0, 80.0]


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([1, 2, 3, 4], None),
        ([20, 25, 30, 35, 40, 45, 50, 55, 60], (30.0, 40.0, 50.0)),
        ([50, 65, 70, 80, 90, 100], (66.25, 75.0, 87.5)),
    ],
)
def test_quartiles_interpolate_and_need_five_values(values, expected):
    assert quartiles(values) == expected


@pytest.mark.parametrize(
    ("median", "suggested"),
    [(None, None), (37.5, 40), (37.4, 35), (42.5, 45), (1.0, 5), (2.6, 5), (75.0, 75)],
)
def test_suggestions_round_half_up_to_five_minutes(median, suggested):
    assert suggested_minutes(median) == suggested


@pytest.mark.parametrize(
    ("count", "within", "shown"),
    [(0, 0, True), (3, 3, False), (0, 4, False), (5, 5, True), (0, 7, True), (4, 7, False)],
)
def test_counts_of_fewer_than_five_learners_are_not_shown(count, within, shown):
    assert count_shown(count, within=within) is shown
