"""Every page of the web dashboard: status, content, a query count that does not grow with the
data, and another learner's enrolment answering 404. Forms work with htmx and without it."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from careers.models import Role, SeniorityLevel
from config.api import server_error
from paths.models import LearningPath
from tests.factories import UserFactory, published_path
from tests.web.clients import signed_in
from tracker.api.serializers import ProfileSerializer
from tracker.demo import demo_history_seed
from tracker.models import Enrolment, LearnerProfile, ProgressEntry, User
from tracker.recompute import readiness_recompute
from tracker.services import enrolment_create, learner_profile_update, progress_log

pytestmark = pytest.mark.django_db

PAGES = [
    ("/dashboard/", "Your dashboard"),
    ("/roles/", "AI career roles"),
    ("/roles/llm-engineer/", "Where it sits in the AI stack"),
    ("/roles/compare/?roles=ml-engineer,llm-engineer", "Frequently asked questions"),
    ("/faq/", "Which pays more?"),
    (
        "/which-role/?background=data-science&maths=strong&work=models&experience=some",
        "Our suggestion",
    ),
    ("/paths/", "Learning paths"),
    (
        "/paths/?role=llm-engineer&level=junior&skill=rag-architecture&search=RAG",
        "From backend engineer",
    ),
    ("/paths/llm-engineer-from-backend/", "What finishing it gives"),
    ("/enrolments/{enrolment}/", "Log progress"),
    ("/enrolments/{enrolment}/withdraw/", "Yes, withdraw"),
    ("/readiness/", "Breakdown"),
    ("/readiness/?role=ml-engineer&level=senior", "ML Engineer, Senior"),
    ("/settings/", "Profile and reminders"),
]


def learner_with(enrolments: int) -> tuple[User, int]:
    user = UserFactory.create()
    learner_profile_update(
        user=user,
        target_role=Role.objects.get(slug="llm-engineer"),
        target_level=SeniorityLevel.objects.get(slug="junior"),
    )
    paths = list(LearningPath.objects.filter(status="published")) + [
        published_path(steps=3) for _ in range(max(0, enrolments - 5))
    ]
    first = None
    for path in paths[:enrolments]:
        enrolment = enrolment_create(user=user, path=path)
        first = first or enrolment
        for step in path.steps.order_by("position")[:2]:
            progress_log(enrolment=enrolment, step=step, minutes=20, status="completed")
    readiness_recompute(user_id=user.pk)
    assert first is not None
    return user, first.pk


@pytest.mark.parametrize(("url", "text"), PAGES)
def test_page_renders_with_a_fixed_number_of_queries(catalogue, url, text):
    counts = []
    for size in (1, 20):
        user, enrolment = learner_with(size)
        client = signed_in(user)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url.format(enrolment=enrolment))
        assert response.status_code == 200
        assert text in response.content.decode()
        counts.append(len(queries))

    assert counts[0] == counts[1], counts


def test_another_learners_enrolment_is_404(catalogue):
    _, enrolment = learner_with(1)
    other = signed_in(UserFactory.create())

    assert other.get(f"/enrolments/{enrolment}/").status_code == 404
    step = Enrolment.objects.get(pk=enrolment).path.steps.get(position=3)
    posted = other.post(
        f"/enrolments/{enrolment}/log/", {"step": step.pk, "minutes": 5, "status": "started"}
    )
    assert posted.status_code == 404
    assert other.post(f"/enrolments/{enrolment}/status/", {"status": "paused"}).status_code == 404
    assert other.get(f"/enrolments/{enrolment}/withdraw/").status_code == 404
    assert other.post(f"/enrolments/{enrolment}/withdraw/").status_code == 404
    assert other.post(f"/enrolments/{enrolment}/undo/").status_code == 404
    assert Enrolment.objects.get(pk=enrolment).status == "active"
    assert ProgressEntry.objects.filter(step=step).count() == 0


def test_signed_out_pages_and_redirects(client, catalogue):
    landing = client.get("/")

    assert landing.status_code == 200
    assert "Move into AI" in landing.content.decode()
    assert client.get("/accounts/signup/").status_code == 200
    assert client.get("/accounts/password/reset/").status_code == 200
    dashboard = client.get("/dashboard/")
    assert dashboard.status_code == 302
    assert dashboard["Location"].startswith("/accounts/login/")
    not_found = client.get("/nowhere/")
    assert not_found.status_code == 404
    assert "Page not found" in not_found.content.decode()


def test_role_page_shows_each_level_with_its_salary_or_no_data(client, catalogue):
    page = client.get("/roles/ml-engineer/").content.decode()

    assert page.count("no data") == 3  # junior, mid, staff/principal
    assert "£130,000–£180,000+ at Research-driven organisations" in page
    assert "£100,000–£160,000+ at Deep-tech companies" in page
    assert "Kubeflow" in page


def test_signed_out_compare_shows_the_background_rules(client, catalogue):
    page = client.get("/roles/compare/").content.decode()

    assert "Which should you target?" in page
    assert "Backend engineering</strong> → LLM Engineer" in page
    assert "Which pays more?" in page


def test_dashboard_shows_progress_pace_streak_and_heatmap(catalogue):
    user = UserFactory.create()
    demo_history_seed(user=user)

    page = signed_in(user).get("/dashboard/").content.decode()

    assert 'aria-label="Progress on From backend engineer to LLM engineer' in page
    assert "6 of 11 steps" in page
    assert "Longest:" in page
    assert page.count("data-day=") == 365  # a cell per day, each focusable (roving tabindex)
    assert page.count('tabindex="0" data-day=') == 1  # today's
    assert "Next best steps" in page


@pytest.fixture
def enrolment(catalogue):
    user = UserFactory.create()
    path = LearningPath.objects.get(slug="llm-engineer-from-backend")
    return enrolment_create(user=user, path=path)


def test_logging_without_javascript_redirects_with_a_message(enrolment):
    client = signed_in(enrolment.user)
    step = enrolment.path.steps.get(position=1)

    response = client.post(
        f"/enrolments/{enrolment.pk}/log/",
        {
            "step": step.pk,
            "minutes": 40,
            "status": "completed",
            "note": "read it",
            "evidence_url": "https://example.com/notes",
        },
        follow=True,
    )

    # Back to the log card, with the result next to its button (issue 16).
    assert response.redirect_chain == [(f"/enrolments/{enrolment.pk}/#log", 302)]
    assert f"Logged 40 minutes on “{step.title}”, done." in response.content.decode()
    entry = ProgressEntry.objects.get()
    assert (entry.minutes, entry.status, entry.note, entry.evidence_url) == (
        40,
        "completed",
        "read it",
        "https://example.com/notes",
    )


def test_logging_with_htmx_swaps_the_step_list(enrolment):
    client = signed_in(enrolment.user)
    step = enrolment.path.steps.get(position=1)

    response = client.post(
        f"/enrolments/{enrolment.pk}/log/",
        {"step": step.pk, "minutes": 25, "status": "completed"},
        HTTP_HX_REQUEST="true",
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body  # a fragment
    assert 'data-status="completed"' in body
    assert f"Logged 25 minutes on “{step.title}”, done." in body
    assert "Path progress: 9%, 1 of 11 steps done." in body


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"minutes": -5, "status": "started"}, "greater than or equal to 0"),
        ({"minutes": 2000, "status": "started"}, "less than or equal to 1440"),
        ({"minutes": "lots", "status": "started"}, "Enter a whole number"),
        ({"minutes": 10, "status": "completed", "position": 3}, "Complete its prerequisites first"),
        (
            {"minutes": 10, "status": "started", "evidence_url": "javascript:alert(1)"},
            "Enter a valid URL",
        ),
    ],
)
def test_bad_progress_is_a_form_error_and_stores_nothing(enrolment, data, message):
    client = signed_in(enrolment.user)
    step = enrolment.path.steps.get(position=data.pop("position", 1))

    response = client.post(f"/enrolments/{enrolment.pk}/log/", {"step": step.pk, **data})

    assert response.status_code == 422
    assert message in response.content.decode()
    assert ProgressEntry.objects.count() == 0


def test_pause_resume_withdraw_and_target_date(enrolment):
    client = signed_in(enrolment.user)
    url = f"/enrolments/{enrolment.pk}/status/"

    client.post(url, {"status": "paused"})
    assert Enrolment.objects.get(pk=enrolment.pk).status == "paused"
    client.post(url, {"status": "active"})
    client.post(url, {"target_date": "2099-01-31"})
    assert str(Enrolment.objects.get(pk=enrolment.pk).target_date) == "2099-01-31"
    past = client.post(url, {"target_date": "2001-01-01"}, follow=True)
    assert "cannot be in the past" in past.content.decode()
    garbage = client.post(url, {"target_date": "someday"}, follow=True)
    assert "Enter a valid date." in garbage.content.decode()
    assert str(Enrolment.objects.get(pk=enrolment.pk).target_date) == "2099-01-31"
    client.post(url, {"status": "withdrawn"})
    assert Enrolment.objects.get(pk=enrolment.pk).status == "withdrawn"


def test_enrol_from_the_path_page(catalogue):
    user = UserFactory.create()
    client = signed_in(user)

    response = client.post("/paths/llm-engineer-from-backend/enrol/", follow=True)
    again = client.post("/paths/llm-engineer-from-backend/enrol/", follow=True)

    assert "You are enrolled on" in response.content.decode()
    assert "already enrolled" in again.content.decode()
    assert Enrolment.objects.filter(user=user).count() == 1


def test_settings_save_and_refuse_bad_values(catalogue):
    user = UserFactory.create()
    client = signed_in(user)
    form = {
        "background": "",
        "target_role": Role.objects.get(slug="ml-engineer").pk,
        "target_level": SeniorityLevel.objects.get(slug="mid").pk,
        "timezone": "Asia/Tokyo",
        "weekly_goal_minutes": 300,
        "remind_inactivity": "on",
        "inactivity_days": 4,
        "preferred_hour": 8,
        "quiet_hours_start": "",
        "quiet_hours_end": "",
    }

    saved = client.post("/settings/", form, follow=True)
    bad = client.post("/settings/", {**form, "timezone": "Mars/Base", "preferred_hour": 30})

    assert "Settings saved." in saved.content.decode()
    assert bad.status_code == 422
    assert "is not a time zone name" in bad.content.decode()
    profile = LearnerProfile.objects.get(user=user)
    assert (profile.timezone, profile.preferred_hour, profile.remind_weekly_digest) == (
        "Asia/Tokyo",
        8,
        False,
    )


def test_download_my_data_and_delete_my_account(catalogue):
    user = UserFactory.create()
    client = signed_in(user)

    export = client.get("/settings/export/")
    wrong = client.post("/settings/delete/", {"password": "not it"}, follow=True)
    deleted = client.post("/settings/delete/", {"password": "a-long-test-password"}, follow=True)

    assert export["Content-Disposition"] == 'attachment; filename="pathwise-export.json"'
    assert export.json()["account"]["email"] == user.email
    assert set(export.json()["profile"]) == set(ProfileSerializer.Meta.fields)  # as /me/ gives
    assert "nothing was deleted" in wrong.content.decode()
    assert "all its data are deleted" in deleted.content.decode()
    assert not User.objects.filter(pk=user.pk).exists()


def test_every_form_carries_a_csrf_token(catalogue):
    user, enrolment = learner_with(1)
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)

    page = client.get(f"/enrolments/{enrolment}/").content.decode()
    refused = client.post(f"/enrolments/{enrolment}/status/", {"status": "paused"})

    assert page.count("csrfmiddlewaretoken") == page.count("<form")
    assert refused.status_code == 403


def test_server_error_page_is_in_the_sites_style(rf):
    response = server_error(rf.get("/dashboard/"))

    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()
    assert "/static/css/app.css" in response.content.decode()
