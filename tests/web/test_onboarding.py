"""The first run: after sign-up and verification a learner answers four short questions (one page
each, no JavaScript needed), every answer saved through the profile services, then gets a
published path to enrol on. Each step refuses bad input with 422 and the error under its field,
keeping what was entered."""

import re

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from careers.models import Background, Role, SeniorityLevel
from tests.factories import UserFactory
from tests.web.clients import signed_in
from tracker.models import Enrolment, LearnerProfile, User
from tracker.onboarding import suggested_path
from tracker.services import enrolment_create, learner_profile_update

pytestmark = pytest.mark.django_db

STEP = "/welcome/{}/"


def profile_of(user: User) -> LearnerProfile:
    return LearnerProfile.objects.select_related("background", "target_role", "target_level").get(
        user=user
    )


def error_after(page: str, field: str) -> str:
    """The text between the field's (last) input and the next label: where its error must be."""
    return page.rsplit(f'name="{field}"', 1)[1].split("<label", 1)[0]


def test_a_new_learner_goes_through_every_step_to_a_suggested_path(catalogue):
    user = UserFactory.create(onboarded=False)
    client = signed_in(user)
    backend = Background.objects.get(slug="backend-engineering")
    llm = Role.objects.get(slug="llm-engineer")
    junior = SeniorityLevel.objects.get(slug="junior")

    start = client.get("/welcome/")
    assert start.status_code == 302
    assert start["Location"] == STEP.format("background")
    first = client.get(STEP.format("background")).content.decode()
    assert "Step 1 of 4" in first
    assert 'data-browser-timezone=""' in first  # the script fills the browser's zone in

    step1 = client.post(
        STEP.format("background"), {"background": backend.pk, "timezone": "Asia/Kolkata"}
    )
    assert step1["Location"] == STEP.format("role")
    profile = profile_of(user)
    assert (profile.background, profile.timezone) == (backend, "Asia/Kolkata")

    # The recommendation for a backend engineer, with its reasons, labelled as Pathwise's
    # reading of the source; its role and first rung come pre-selected.
    role_page = client.get(STEP.format("role")).content.decode()
    assert "Suggested for you: LLM Engineer" in role_page
    assert escape(backend.rationale) in role_page  # the source's reason, quoted
    assert "Pathwise's reading of the source article" in role_page
    assert re.search(rf'value="{llm.pk}"[^>]*checked', role_page)
    assert re.search(rf'value="{junior.pk}"[^>]*checked', role_page)
    assert "AI Architect / AI Platform Engineer starts at Senior." in role_page

    step2 = client.post(STEP.format("role"), {"target_role": llm.pk, "target_level": junior.pk})
    assert step2["Location"] == STEP.format("goal")
    step3 = client.post(STEP.format("goal"), {"goal": "300"})
    assert step3["Location"] == STEP.format("reminders")
    assert profile_of(user).onboarded_at is None  # not done until the last step

    reminders = client.get(STEP.format("reminders")).content.decode()
    assert 'value="Asia/Kolkata"' in reminders  # the zone the browser gave, to confirm
    assert 'type="time"' in reminders
    assert '<datalist id="time-zones">' in reminders
    step4 = client.post(
        STEP.format("reminders"),
        {"reminders": "on", "preferred_hour": "07:00", "timezone": "Asia/Kolkata"},
    )
    assert step4["Location"] == STEP.format("done")

    profile = profile_of(user)
    assert profile.onboarded_at is not None
    assert (profile.target_role, profile.target_level) == (llm, junior)
    assert (profile.weekly_goal_minutes, profile.preferred_hour, profile.timezone) == (
        300,
        7,
        "Asia/Kolkata",
    )
    kinds = (
        profile.remind_inactivity,
        profile.remind_behind_pace,
        profile.remind_weekly_digest,
    )
    assert kinds == (True, True, True)

    done = client.get(STEP.format("done")).content.decode()
    assert "LLM Engineer, Junior" in done
    assert "5 h a week" in done
    assert "At 07:00, Asia/Kolkata time" in done
    assert 'action="/paths/llm-engineer-from-backend/enrol/"' in done
    assert 'href="/dashboard/"' in done

    enrolled = client.post("/paths/llm-engineer-from-backend/enrol/")
    assert enrolled.status_code == 302
    assert Enrolment.objects.filter(user=user, path__slug="llm-engineer-from-backend").count() == 1
    # Coming back, the path is continued, never enrolled on twice.
    again = client.get(STEP.format("done")).content.decode()
    assert "Continue this path" in again
    assert "/enrol/" not in again


def test_a_custom_goal_and_reminders_off(catalogue):
    user = UserFactory.create(onboarded=False)
    client = signed_in(user)

    client.post(STEP.format("goal"), {"goal": "custom", "custom_minutes": "240"})
    client.post(STEP.format("reminders"), {"preferred_hour": "20:00", "timezone": "UTC"})

    profile = profile_of(user)
    assert profile.weekly_goal_minutes == 240
    kinds = (
        profile.remind_inactivity,
        profile.remind_behind_pace,
        profile.remind_weekly_digest,
    )
    assert kinds == (False, False, False)
    assert (profile.preferred_hour, profile.timezone) == (20, "UTC")
    page = client.get(STEP.format("goal")).content.decode()
    assert re.search(r'value="custom"[^>]*checked', page)
    assert 'value="240"' in page


@pytest.mark.parametrize(
    ("step", "data", "field", "message"),
    [
        ("background", {}, "background", "Choose the background closest to yours"),
        ("background", {"background": "999999"}, "background", "Select a valid choice"),
        ("role", {"target_role": "{llm}"}, "target_level", "Choose the level you want to reach."),
        (
            "role",
            {"target_role": "{architect}", "target_level": "{junior}"},
            "target_level",
            "AI Architect / AI Platform Engineer has no Junior level; its levels: Senior, "
            "Staff / Principal.",
        ),
        ("goal", {"goal": "custom"}, "custom_minutes", "Enter your minutes a week"),
        (
            "goal",
            {"goal": "custom", "custom_minutes": "20000"},
            "custom_minutes",
            "less than or equal to 10080",
        ),
        ("goal", {"goal": "lots"}, "goal", "Select a valid choice"),
        (
            "reminders",
            {"reminders": "on", "preferred_hour": "07:30", "timezone": "Europe/London"},
            "preferred_hour",
            "Choose a time on the hour",
        ),
        (
            "reminders",
            {"reminders": "on", "preferred_hour": "07:00", "timezone": "Mars/Olympus"},
            "timezone",
            "is not a time zone name",
        ),
        (
            "reminders",
            {"reminders": "on", "preferred_hour": "", "timezone": "Europe/London"},
            "preferred_hour",
            "This field is required.",
        ),
    ],
)
def test_each_step_refuses_bad_input_on_its_field_and_keeps_the_rest(
    catalogue, step, data, field, message
):
    user = UserFactory.create(onboarded=False)
    client = signed_in(user)
    ids = {
        "{llm}": Role.objects.get(slug="llm-engineer").pk,
        "{architect}": Role.objects.get(slug="ai-architect").pk,
        "{junior}": SeniorityLevel.objects.get(slug="junior").pk,
    }
    data = {key: ids.get(value, value) for key, value in data.items()}
    before = LearnerProfile.objects.filter(user=user).values().get()

    response = client.post(STEP.format(step), data)

    assert response.status_code == 422
    page = response.content.decode()
    assert message in error_after(page, field)
    assert 'aria-invalid="true"' in page
    for name, value in data.items():  # what was typed comes back
        if name in {"custom_minutes", "timezone", "preferred_hour"} and value:
            assert f'value="{value}"' in page
    after = LearnerProfile.objects.filter(user=user).values().get()
    assert after == before  # nothing saved, and the onboarding is not done


def test_the_browsers_time_zone_is_checked_and_an_unknown_one_ignored(catalogue):
    user = UserFactory.create(onboarded=False)
    client = signed_in(user)
    background = Background.objects.get(slug="data-science")

    response = client.post(
        STEP.format("background"), {"background": background.pk, "timezone": "Mars/Olympus"}
    )

    assert response.status_code == 302  # the hidden field is the browser's: no error to show
    profile = profile_of(user)
    assert (profile.background, profile.timezone) == (background, "Europe/London")

    # Chromium still reports India's zone by its old name: stored by the current one.
    client.post(
        STEP.format("background"), {"background": background.pk, "timezone": "Asia/Calcutta"}
    )
    assert profile_of(user).timezone == "Asia/Kolkata"


def test_skipping_the_rest_finishes_the_onboarding_and_opens_the_dashboard(catalogue):
    user = UserFactory.create(onboarded=False)
    client = signed_in(user)

    page = client.get(STEP.format("goal")).content.decode()
    skipped = client.post("/welcome/skip/")

    assert 'href="/welcome/reminders/"' in page  # skip this step
    assert 'href="/welcome/role/"' in page  # back
    assert 'action="/welcome/skip/"' in page  # skip the rest
    assert skipped["Location"] == "/dashboard/"
    assert profile_of(user).onboarded_at is not None
    assert client.get("/welcome/skip/").status_code == 405


def test_an_unknown_step_is_404_and_signed_out_visitors_log_in_first(catalogue):
    assert (
        signed_in(UserFactory.create(onboarded=False)).get(STEP.format("nope")).status_code == 404
    )
    response = Client().get(STEP.format("background"))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_suggested_path_fits_the_target_best(catalogue):
    ml = Role.objects.get(slug="ml-engineer")
    architect = Role.objects.get(slug="ai-architect")
    levels = {level.slug: level for level in SeniorityLevel.objects.all()}

    def slug(role: Role | None, level: SeniorityLevel | None) -> str | None:
        path = suggested_path(role=role, level=level)
        return path.slug if path else None

    assert slug(ml, levels["mid"]) == "ml-engineer-production-pipelines"
    assert slug(ml, None) == "ml-engineer-foundations"
    # no staff ML path: the nearest level below
    assert slug(ml, levels["staff-principal"]) == "ml-engineer-senior-depth"
    assert slug(architect, levels["staff-principal"]) == "ai-architect-full-stack"
    assert slug(None, None) is None


def test_without_a_target_the_done_page_suggests_a_path_for_the_recommended_role(catalogue):
    user = UserFactory.create(onboarded=False)
    learner_profile_update(user=user, background=Background.objects.get(slug="data-science"))

    page = signed_in(user).get(STEP.format("done")).content.decode()

    assert "A path for the role suggested for you" in page
    assert 'action="/paths/ml-engineer-foundations/enrol/"' in page


@pytest.mark.parametrize("step", ["background", "role", "goal", "reminders", "done"])
def test_onboarding_pages_take_a_fixed_number_of_queries(catalogue, step):
    counts = []
    for extra_enrolments in (0, 3):
        user = UserFactory.create(onboarded=False)
        learner_profile_update(
            user=user,
            background=Background.objects.get(slug="backend-engineering"),
            target_role=Role.objects.get(slug="ml-engineer"),
            target_level=SeniorityLevel.objects.get(slug="junior"),
        )
        from paths.models import LearningPath

        for path in LearningPath.objects.filter(status="published")[:extra_enrolments]:
            enrolment_create(user=user, path=path)
        client = signed_in(user)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(STEP.format(step))
        assert response.status_code == 200
        counts.append(len(queries))

    assert counts[0] == counts[1], counts
    assert counts[0] <= 14, counts


# --- Where sign-up and verification land ---------------------------------------------------------


def test_sign_up_and_the_emailed_code_land_on_the_onboarding(catalogue):
    client = Client()

    signed_up = client.post(
        "/accounts/signup/", {"email": "new@example.com", "password1": "correct horse battery"}
    )
    assert signed_up.status_code == 302
    assert signed_up["Location"] == "/accounts/confirm-email/"
    code = re.search(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", str(mail.outbox[-1].body), re.MULTILINE)
    assert code is not None
    confirmed = client.post("/accounts/confirm-email/", {"code": code.group(1)})

    assert confirmed.status_code == 302
    assert confirmed["Location"] == "/welcome/"
    assert client.get("/welcome/", follow=True).status_code == 200


def test_logging_in_lands_on_the_onboarding_until_it_is_done(catalogue):
    user = UserFactory.create(onboarded=False)
    credentials = {"login": user.email, "password": "a-long-test-password"}

    first = Client().post("/accounts/login/", credentials)
    signed_in(user).post("/welcome/skip/")
    later = Client().post("/accounts/login/", credentials)

    assert first["Location"] == "/welcome/"
    assert later["Location"] == "/dashboard/"


def test_the_dashboard_sends_a_learner_who_has_not_onboarded_to_the_first_run(catalogue):
    new = signed_in(UserFactory.create(onboarded=False))
    onboarded = signed_in(UserFactory.create())
    staff = signed_in(UserFactory.create(onboarded=False, is_staff=True))

    assert new.get("/dashboard/")["Location"] == "/welcome/"
    assert onboarded.get("/dashboard/").status_code == 200
    assert staff.get("/dashboard/").status_code == 200
