"""A lead in headless Chromium, at 1280 and 375 px: starts a cohort from the Teams page, invites
a learner (a bad address first: the form says which), assigns a path, and reads a five-member
cohort's report; a learner accepts an invite from its link. Every page is checked (axe-core,
console, no horizontal scroll)."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from teams.models import Cohort, Membership
from tests.browser import WIDTHS, check_page, sign_in
from tests.factories import LevelFactory, RoleFactory, UserFactory, published_path
from tests.teams.members import member_scored, ten_members

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", WIDTHS)
def test_a_lead_starts_a_cohort_invites_assigns_and_reads_the_report(open_page, width, monkeypatch):
    monkeypatch.setattr("teams.services.enqueue_or_skip", lambda task, *args: task(*args))
    role, level = RoleFactory.create(name="LLM Engineer"), LevelFactory.create(name="Junior")
    path = published_path(steps=2, role=role, level=level, title="Retrieval basics")
    lead = UserFactory.create(email="teacher@example.com")
    page = open_page(width)
    sign_in(page, lead)

    page.goto(page.base + reverse("teams"))
    check_page(page, "teams")
    page.get_by_label("Name").fill("Evening class")
    page.get_by_label("Target role").select_option(label="LLM Engineer")
    page.get_by_label("Target level").select_option(label="Junior")
    page.get_by_role("button", name="Create cohort").click()
    cohort = Cohort.objects.get(name="Evening class")
    page.wait_for_url(f"**/teams/{cohort.pk}/")
    check_page(page, "team-cohort-empty")
    assert page.get_by_test_id("too-few").is_visible()

    page.get_by_label("Email addresses").fill("ada@example.com, nope")
    page.get_by_role("button", name="Send invites").click()
    assert page.get_by_text("Not email addresses: nope.").is_visible()
    page.get_by_label("Email addresses").fill("ada@example.com")
    page.get_by_role("button", name="Send invites").click()
    page.wait_for_url(f"**/teams/{cohort.pk}/#invites")
    assert page.get_by_text("1 invite on its way.").is_visible()
    assert [m.to for m in mail.outbox] == [["ada@example.com"]]

    page.locator("#id_path").select_option(label=path.title)
    page.get_by_label("Due date").fill("2099-01-31")
    page.get_by_role("button", name="Assign").click()
    page.wait_for_url(f"**/teams/{cohort.pk}/#assignments")
    assert page.get_by_text("Retrieval basics · due 31 January 2099").is_visible()

    # Ten members who do not share: the figures appear; the one who shares is named.
    ten_members(cohort)
    sharer = member_scored(cohort, 90.0, 4.0, 2.0, shares_detail=True)
    page.goto(page.base + reverse("team-cohort", args=[cohort.pk]))
    check_page(page, "team-cohort-report")
    assert page.get_by_text("Median readiness for the target: 70%.").is_visible()
    assert page.get_by_test_id("shared-detail").get_by_text(sharer.user.email).is_visible()


def test_a_learner_accepts_an_invite_from_its_link(open_page, monkeypatch):
    monkeypatch.setattr("teams.services.enqueue_or_skip", lambda task, *args: task(*args))
    from teams.services import cohort_create, invites_send

    cohort = cohort_create(
        lead=UserFactory.create(email="lead@example.com"),
        name="Spring bootcamp",
        target_role=RoleFactory.create(),
        target_level=LevelFactory.create(),
    )
    invites_send(cohort=cohort, emails=["ada@example.com"])
    link = re.search(r"http\S+/teams/invites/\S+/", str(mail.outbox[0].body))
    assert link
    ada = UserFactory.create(email="ada@example.com")
    page = open_page(375)
    sign_in(page, ada)

    page.goto(page.base + "/teams/" + link.group(0).split("/teams/", 1)[1])
    check_page(page, "team-invite")
    assert page.get_by_text("lead@example.com invites you to this cohort").is_visible()
    page.get_by_role("button", name="Join the cohort").click()
    page.wait_for_url("**/teams/")
    check_page(page, "teams-member")
    assert page.get_by_text("You joined Spring bootcamp.").is_visible()
    assert Membership.objects.filter(cohort=cohort, user=ada).exists()
