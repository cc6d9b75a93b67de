"""A lead's view of a cohort: aggregates only, from 5 members (k-anonymity), checked by hand;
sharing one's own detail and leaving; CSV; a fixed number of queries."""

import csv
import io
from datetime import date, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from teams.models import Membership
from teams.reports import MIN_GROUP, SharedPath, cohort_report, report_csv
from teams.services import assignment_set, membership_leave, membership_share_set
from tests.factories import UserFactory, published_path
from tests.teams.members import NOW, five_members, member_scored
from tests.web.clients import signed_in
from tracker.models import Enrolment
from tracker.services import enrolment_create, progress_log

pytestmark = pytest.mark.django_db


def test_four_members_are_too_few_and_five_are_enough(cohort):
    members = five_members(cohort)
    membership_leave(membership=members[0])

    four = cohort_report(cohort=cohort, now=NOW)
    member_scored(cohort, 10.0, 0.0, 0.5)
    five = cohort_report(cohort=cohort, now=NOW)

    assert (four.members, four.too_few) == (4, True)
    assert (four.score_bands, four.median_score, four.skills, four.paths) == (None,) * 4
    assert four.on_pace_everywhere is None
    assert (five.members, five.too_few) == (5, False)
    assert MIN_GROUP == 5


def test_the_figures_by_hand(cohort):
    five_members(cohort)

    report = cohort_report(cohort=cohort, now=NOW)

    assert report.score_bands is not None
    assert report.skills is not None
    # Scores 10, 35, 50, 75, 90: one in each band but 80-100, which holds the 90.
    assert [(b.band, b.members) for b in report.score_bands] == [
        ("0-20", 1),
        ("20-40", 1),
        ("40-60", 1),
        ("60-80", 1),
        ("80-100", 1),
    ]
    assert report.median_score == 50.0
    # Evaluation (target 2): 2.0 twice at it; 1.0 and 1.5 at half or more; 0.5 below half.
    # RAG (target 4): 4.0 twice at it; 2.0 and 2.4 at half or more; 0.0 below.
    assert [
        (s.skill, s.at_target, s.halfway, s.below_half, s.median_level) for s in report.skills
    ] == [("evals", 2, 2, 1, 1.5), ("rag", 2, 2, 1, 2.4)]


def test_progress_and_pace_on_an_assigned_path(cohort):
    """Path of 4 steps x 60 minutes, due in 4 weeks. A: completed. B: 3 steps done over the
    last week (180 minutes a week: the last 60 take a few days). C: enrolled, nothing logged
    (nothing to project from: not on pace). D, E: not enrolled."""
    members = five_members(cohort)
    path = published_path(steps=4, minutes=60)
    with time_machine.travel(NOW, tick=False):
        assignment = assignment_set(cohort=cohort, path=path, due_date=date(2026, 12, 30))
    steps = list(path.steps.order_by("position"))
    a, b, c = (m.user for m in members[:3])
    with time_machine.travel(NOW - timedelta(days=10), tick=False):
        for user in (a, b, c):
            enrolment_create(user=user, path=path)
    for days_ago, step in zip((6, 4, 2), steps[:3], strict=True):
        occurred = NOW - timedelta(days=days_ago)
        for user in (a, b):
            progress_log(
                enrolment=Enrolment.objects.get(user=user, path=path),
                step=step,
                minutes=60,
                status="completed",
                occurred_at=occurred,
            )
    progress_log(
        enrolment=Enrolment.objects.get(user=a, path=path),
        step=steps[3],
        minutes=60,
        status="completed",
        occurred_at=NOW - timedelta(days=1),
    )

    report = cohort_report(cohort=cohort, now=NOW)

    assert report.paths is not None
    (progress,) = report.paths
    assert progress.assignment == assignment
    assert (progress.enrolled, progress.completed, progress.on_pace) == (3, 1, 2)
    # Shares of steps done among the enrolled: 1, 0.75, 0 -> median 0.75.
    assert progress.median_steps_done == 0.75
    assert report.on_pace_everywhere == 2
    # The fifth member shares their detail: not enrolled, no steps, not on pace.
    (shared,) = report.shared
    assert (shared.membership, shared.score) == (members[4], 90.0)
    assert shared.paths == [SharedPath(assignment, 0, 0, False)]


def test_sharing_shows_ones_own_detail_even_in_a_small_cohort_and_stopping_hides_it(cohort):
    member = member_scored(cohort, 42.0, 1.0, 1.0, shares_detail=True)

    shared = cohort_report(cohort=cohort, now=NOW)
    membership_share_set(membership=member, shares_detail=False)
    hidden = cohort_report(cohort=cohort, now=NOW)

    assert shared.too_few
    assert [(d.membership.user.email, d.score) for d in shared.shared] == [
        (member.user.email, 42.0)
    ]
    assert hidden.shared == []


def test_leaving_takes_the_learner_out_of_every_figure(cohort):
    members = five_members(cohort)
    member_scored(cohort, 60.0, 3.0, 2.0)
    before = cohort_report(cohort=cohort, now=NOW)

    membership_leave(membership=members[4])  # the 90, who shared
    after = cohort_report(cohort=cohort, now=NOW)

    assert (before.members, after.members) == (6, 5)
    assert after.score_bands is not None
    assert [b.members for b in after.score_bands] == [1, 1, 1, 2, 0]  # 10, 35, 50, 60 and 75
    assert after.shared == []
    assert after.median_score == 50.0


def test_the_csv_holds_aggregates_only(cohort):
    members = five_members(cohort)

    rows = list(csv.reader(io.StringIO(report_csv(cohort_report(cohort=cohort, now=NOW)))))
    small = cohort_report(cohort=cohort, now=NOW)
    for member in members[:1]:
        membership_leave(membership=member)
    too_few = list(csv.reader(io.StringIO(report_csv(cohort_report(cohort=cohort, now=NOW)))))

    assert rows[0] == ["section", "item", "measure", "value"]
    assert ["readiness", "all", "median", "50.0"] in rows
    assert ["skill", "rag", "at target", "2"] in rows
    text = "\n".join(",".join(r) for r in rows)
    assert all(m.user.email not in text for m in members)
    assert not small.too_few
    assert too_few == [
        ["section", "item", "measure", "value"],
        ["cohort", "Spring bootcamp", "members", "4"],
        ["cohort", "Spring bootcamp", "figures", "too few to show (< 5)"],
    ]


def test_the_cohort_page_and_csv_in_a_fixed_number_of_queries(cohort):
    lead = signed_in(cohort.lead)
    path = published_path(steps=3)
    with time_machine.travel(NOW, tick=False):
        assignment_set(cohort=cohort, path=path, due_date=date(2026, 12, 30))
    counts = []
    for members in (5, 25):
        while Membership.objects.filter(cohort=cohort).count() < members:
            member = member_scored(cohort, 50.0, 2.0, 1.0, shares_detail=True)
            enrolment = enrolment_create(user=member.user, path=path)
            progress_log(
                enrolment=enrolment, step=path.steps.get(position=1), minutes=30, status="completed"
            )
        with CaptureQueriesContext(connection) as page:
            assert lead.get(f"/teams/{cohort.pk}/").status_code == 200
        with CaptureQueriesContext(connection) as export:
            assert lead.get(f"/teams/{cohort.pk}/report.csv").status_code == 200
        counts.append((len(page), len(export)))

    assert counts[0] == counts[1], counts


def test_a_lead_sees_only_their_own_cohorts_pages(cohort):
    other_lead = signed_in(UserFactory.create())
    five_members(cohort)

    for url in (f"/teams/{cohort.pk}/", f"/teams/{cohort.pk}/report.csv"):
        assert other_lead.get(url).status_code == 404
    for url in ("invites/", "assignments/", "delete/"):
        assert other_lead.post(f"/teams/{cohort.pk}/{url}", {}).status_code == 404
    assert Membership.objects.filter(cohort=cohort).count() == 5
