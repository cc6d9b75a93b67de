"""One rule for which role and level readiness is read for (tracker/targets.py), the same on
the web and in the API: an unknown slug is a 404 that says which, never a silent fallback."""

import pytest
from django.test import Client

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("query", "detail"),
    [
        ("role=nope", 'No role is called "nope".'),
        ("role=llm-engineer&level=nope", 'No level is called "nope".'),
    ],
)
def test_an_unknown_role_or_level_is_a_404_on_the_web_and_in_the_api(
    client_for, catalogue, query, detail
):
    user = UserFactory.create()
    web = Client()
    web.force_login(user)
    params = dict(pair.split("=") for pair in query.split("&"))

    page = web.get(f"/readiness/?{query}")
    api = client_for(user).get(
        f"/api/v1/readiness/{params['role']}/", {"level": params.get("level", "")}
    )

    assert page.status_code == 404
    assert api.status_code == 404
    assert api.json()["detail"] == detail


def test_without_a_level_a_role_opens_where_it_has_requirements(client_for, catalogue):
    api = client_for(UserFactory.create())

    architect = api.get("/api/v1/readiness/ai-architect/").json()
    llm = api.get("/api/v1/readiness/llm-engineer/").json()

    assert architect["level"] == "senior"  # a senior destination: no junior requirements
    assert llm["level"] == "junior"


def test_a_target_the_role_does_not_have_is_refused(client_for, catalogue):
    user = UserFactory.create()
    api = client_for(user)

    junior_architect = api.patch(
        "/api/v1/me/", {"target_role": "ai-architect", "target_level": "junior"}, format="json"
    )
    senior_architect = api.patch(
        "/api/v1/me/", {"target_role": "ai-architect", "target_level": "senior"}, format="json"
    )

    assert junior_architect.status_code == 422
    assert junior_architect.json()["errors"] == [
        {
            "field": "target_level",
            "message": "AI Architect / AI Platform Engineer has no Junior level; "
            "its levels: Senior, Staff / Principal.",
        }
    ]
    assert senior_architect.status_code == 200
