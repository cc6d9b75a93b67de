"""The teams pages: starting a cohort, assigning, the learner's side (share, leave, the
dashboard card), and curators' read-only admin without learners' emails."""

from datetime import date

import pytest
import time_machine
from django.test import Client

from teams.models import Assignment, Cohort, Membership
from teams.services import assignment_set
from tests.factories import CuratorFactory, UserFactory, published_path
from tests.teams.members import NOW, five_members, member_scored, ten_members
from tests.web.clients import signed_in

pytestmark = pytest.mark.django_db


def test_starting_a_cohort_with_a_form_error_then_for_real(cohort):
    teacher = signed_in(UserFactory.create())
    role, level = cohort.target_role, cohort.target_level

    missing = teacher.post("/teams/", {"name": "", "target_role": role.pk})
    made = teacher.post(
        "/teams/", {"name": "Evening class", "target_role": role.pk, "target_level": level.pk}
    )

    assert missing.status_code == 422
    assert "This field is required." in missing.content.decode()
    new = Cohort.objects.get(name="Evening class")
    assert made["Location"] == f"/teams/{new.pk}/"
    page = teacher.get(f"/teams/{new.pk}/").content.decode()
    assert "Too few to show." in page
    assert (
        "Figures appear once the cohort has 5 members who do not share their detail (0 now)" in page
    )


def test_assigning_a_path_and_a_due_date_in_the_past_is_a_form_error(cohort):
    lead = signed_in(cohort.lead)
    path = published_path(steps=2)

    with time_machine.travel(NOW, tick=False):
        late = lead.post(
            f"/teams/{cohort.pk}/assignments/", {"path": path.slug, "due_date": "2026-11-01"}
        )
        ok = lead.post(
            f"/teams/{cohort.pk}/assignments/", {"path": path.slug, "due_date": "2027-01-31"}
        )

    assert late.status_code == 422
    assert "The due date has passed" in late.content.decode()
    assert ok.status_code == 302
    assert list(Assignment.objects.values_list("path__slug", "due_date")) == [
        (path.slug, date(2027, 1, 31))
    ]


def test_the_cohort_page_shows_the_aggregates_and_those_who_share(cohort):
    members = ten_members(cohort)
    sharer = member_scored(cohort, 90.0, 4.0, 2.0, shares_detail=True)

    page = signed_in(cohort.lead).get(f"/teams/{cohort.pk}/").content.decode()

    assert "Median readiness for the target: 70%." in page
    assert 'data-testid="skill-spread"' in page
    assert sharer.user.email in page
    assert all(m.user.email not in page for m in members)


def test_a_member_sees_the_assignment_on_the_dashboard_shares_and_leaves(cohort):
    member = member_scored(cohort, 30.0, 1.0, 1.0)
    path = published_path(steps=2)
    with time_machine.travel(NOW, tick=False):
        assignment_set(cohort=cohort, path=path, due_date=date(2027, 1, 31))
    learner = signed_in(member.user)

    dashboard = learner.get("/dashboard/").content.decode()
    learner.post(f"/teams/memberships/{member.pk}/share/", {"shares_detail": "on"})
    shared = Membership.objects.get(pk=member.pk).shares_detail
    learner.post(f"/teams/memberships/{member.pk}/share/", {})
    stopped = Membership.objects.get(pk=member.pk).shares_detail
    someone_else = signed_in(UserFactory.create()).post(f"/teams/memberships/{member.pk}/leave/")
    left = learner.post(f"/teams/memberships/{member.pk}/leave/")

    assert 'data-testid="assignments"' in dashboard
    assert f"{path.title} (Spring bootcamp), due 31 January 2027" in dashboard
    assert (shared, stopped) == (True, False)
    assert someone_else.status_code == 404
    assert left.status_code == 302
    assert not Membership.objects.exists()
    assert 'data-testid="assignments"' not in learner.get("/dashboard/").content.decode()


def test_curators_see_cohorts_in_the_admin_without_any_learners_email(cohort, mfa_client_for):
    members = five_members(cohort)
    curator = mfa_client_for(CuratorFactory.create())

    listing = curator.get("/admin/teams/cohort/")
    detail = curator.get(f"/admin/teams/cohort/{cohort.pk}/change/")
    add = curator.get("/admin/teams/cohort/add/")

    assert listing.status_code == 200
    assert detail.status_code == 200
    text = listing.content.decode() + detail.content.decode()
    assert "Spring bootcamp" in text
    assert cohort.lead.email not in text
    assert all(m.user.email not in text for m in members)
    assert add.status_code == 403
    assert Client().get("/admin/teams/cohort/").status_code == 302
    assert signed_in(members[0].user).get("/admin/teams/cohort/").status_code == 302


def test_the_admin_lists_refuse_filters_that_would_count_or_name(cohort, mfa_client_for):
    curator = mfa_client_for(CuratorFactory.create())

    by_lead = curator.get(f"/admin/teams/cohort/?lead={cohort.lead_id}")
    by_role = curator.get(f"/admin/teams/cohort/?target_role__id__exact={cohort.target_role_id}")
    by_count = curator.get("/admin/analytics/pathsummary/?enrolled=3")

    assert by_lead.status_code == 400
    assert by_role.status_code == 200
    assert "Spring bootcamp" in by_role.content.decode()
    assert by_count.status_code == 400
