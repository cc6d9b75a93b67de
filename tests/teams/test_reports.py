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
from tests.teams.members import NOW, five_members, member_scored, ten_members
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
    assert five.median_score == 50.0
    assert MIN_GROUP == 5


def test_members_who_share_do_not_count_toward_the_five(cohort):
    """What the shared detail lets a lead subtract must still leave five: with one of five
    sharing, the other four would be laid bare."""
    five_members(cohort)
    sharer = member_scored(cohort, 60.0, 3.0, 1.0, shares_detail=True)
    Membership.objects.filter(cohort=cohort).exclude(pk=sharer.pk)[0].delete()

    four_private = cohort_report(cohort=cohort, now=NOW)
    member_scored(cohort, 20.0, 1.0, 1.0)
    five_private = cohort_report(cohort=cohort, now=NOW)

    assert (four_private.members, four_private.private_members, four_private.too_few) == (
        5,
        4,
        True,
    )
    assert [d.score for d in four_private.shared] == [60.0]  # their own detail still shows
    assert (five_private.members, five_private.too_few) == (6, False)


def test_the_figures_by_hand(cohort):
    ten_members(cohort)
    member_scored(cohort, 10.0, 0.0, 0.0)
    member_scored(cohort, 12.0, 0.0, 0.0)

    report = cohort_report(cohort=cohort, now=NOW)

    assert report.score_bands is not None
    assert report.skills is not None
    # Scores: two at 10-12, five at 30, five at 70. Two is a count of fewer than five: hidden.
    assert [(b.band, b.members) for b in report.score_bands] == [
        ("0-20", None),
        ("20-40", 5),
        ("40-60", 0),
        ("60-80", 5),
        ("80-100", 0),
    ]
    assert report.median_score == 30.0
    # Evaluation (target 2): five at it, five at 1 (half), two at 0 (below: hidden).
    # RAG (target 4): five at it, five at 2, two at 0. Medians over all twelve.
    assert [
        (s.skill, s.at_target, s.halfway, s.below_half, s.median_level) for s in report.skills
    ] == [("evals", 5, 5, None, 1.0), ("rag", 5, 5, None, 2.0)]


def test_progress_and_pace_on_an_assigned_path(cohort):
    """Path of 4 steps x 60 minutes, due in 4 weeks. Five members completed it; a sixth
    enrolled and logged nothing (nothing to project from: not on pace). A seventh, who shares
    their detail, did 3 steps over the last week (180 minutes a week: the last 60 take a few
    days): on pace."""
    members = ten_members(cohort)[:6]
    sharer = member_scored(cohort, 50.0, 2.0, 1.0, shares_detail=True)
    path = published_path(steps=4, minutes=60)
    with time_machine.travel(NOW, tick=False):
        assignment = assignment_set(cohort=cohort, path=path, due_date=date(2026, 12, 30))
    steps = list(path.steps.order_by("position"))
    with time_machine.travel(NOW - timedelta(days=10), tick=False):
        for m in [*members, sharer]:
            enrolment_create(user=m.user, path=path)
    for user, done in [*((m.user, 4) for m in members[:5]), (sharer.user, 3)]:
        enrolment = Enrolment.objects.get(user=user, path=path)
        for days_ago, step in zip((6, 4, 2, 1), steps[:done], strict=False):
            progress_log(
                enrolment=enrolment,
                step=step,
                minutes=60,
                status="completed",
                occurred_at=NOW - timedelta(days=days_ago),
            )

    report = cohort_report(cohort=cohort, now=NOW)

    assert report.paths is not None
    (progress,) = report.paths
    assert progress.assignment == assignment
    assert (progress.enrolled, progress.completed, progress.on_pace) == (7, 5, 6)
    # Shares of steps done: five at 1, one at 0.75, one at 0 -> median 1.
    assert progress.median_steps_done == 1.0
    assert report.on_pace_everywhere == 6
    # The seven others of the ten are not enrolled: counted in none of the path's figures.
    (shared,) = report.shared
    assert (shared.membership, shared.score) == (sharer, 50.0)
    assert shared.paths == [SharedPath(assignment, 3, 4, True)]


def test_a_small_subgroup_reads_fewer_than_five(cohort):
    ten_members(cohort)
    path = published_path(steps=2)
    with time_machine.travel(NOW, tick=False):
        assignment_set(cohort=cohort, path=path, due_date=date(2026, 12, 30))
    first = Membership.objects.filter(cohort=cohort).order_by("pk").first()
    assert first is not None
    enrolment_create(user=first.user, path=path)  # one enrolled: their own progress

    report = cohort_report(cohort=cohort, now=NOW)

    assert report.paths is not None
    (progress,) = report.paths
    assert (progress.enrolled, progress.completed, progress.median_steps_done) == (None, 0, None)
    page = signed_in(cohort.lead).get(f"/teams/{cohort.pk}/").content.decode()
    assert "fewer than 5" in page


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
    members = ten_members(cohort)
    leaver = member_scored(cohort, 95.0, 4.0, 2.0, shares_detail=True)
    before = cohort_report(cohort=cohort, now=NOW)

    membership_leave(membership=leaver)
    after = cohort_report(cohort=cohort, now=NOW)

    assert (before.members, after.members) == (11, 10)
    assert before.score_bands is not None
    assert after.score_bands is not None
    assert [b.members for b in before.score_bands] == [0, 5, 0, 5, None]
    assert [b.members for b in after.score_bands] == [0, 5, 0, 5, 0]
    assert [d.membership.user_id for d in before.shared] == [leaver.user_id]
    assert after.shared == []
    assert len(members) == 10


def test_the_csv_holds_aggregates_only(cohort):
    members = [*ten_members(cohort), member_scored(cohort, 10.0, 0.0, 0.0)]

    rows = list(csv.reader(io.StringIO(report_csv(cohort_report(cohort=cohort, now=NOW)))))
    for member in members[:7]:
        membership_leave(membership=member)
    too_few = list(csv.reader(io.StringIO(report_csv(cohort_report(cohort=cohort, now=NOW)))))

    assert rows[0] == ["section", "item", "measure", "value"]
    assert ["readiness", "all", "median", "30.0"] in rows
    assert ["readiness", "0-20", "members", "fewer than 5"] in rows
    assert ["skill", "rag", "at target", "5"] in rows
    assert ["skill", "rag", "below half", "fewer than 5"] in rows
    text = "\n".join(",".join(r) for r in rows)
    assert all(m.user.email not in text for m in members)
    assert too_few == [
        ["section", "item", "measure", "value"],
        ["cohort", "Spring bootcamp", "members", "4"],
        [
            "cohort",
            "Spring bootcamp",
            "figures",
            "too few to show (fewer than 5 members who do not share their detail)",
        ],
    ]


def test_the_cohort_page_and_csv_in_a_fixed_number_of_queries(cohort):
    lead = signed_in(cohort.lead)
    path = published_path(steps=3)
    with time_machine.travel(NOW, tick=False):
        assignment_set(cohort=cohort, path=path, due_date=date(2026, 12, 30))
    counts = []
    for members in (7, 25):
        while Membership.objects.filter(cohort=cohort).count() < members:
            shares = Membership.objects.filter(cohort=cohort).count() % 4 == 0
            member = member_scored(cohort, 50.0, 2.0, 1.0, shares_detail=shares)
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
