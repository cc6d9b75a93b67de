"""The whole flow as a mobile client would: sign up, verify, log in, list roles, enrol, log
progress twice with one key, read readiness with its breakdown, refresh, log out."""

import re
import uuid

import pytest
from django.core import mail
from rest_framework.test import APIClient

from tests.api_clients import APP_API
from tracker.models import ProgressEntry
from tracker.recompute import readiness_recompute

pytestmark = pytest.mark.django_db


def test_mobile_client_flow(catalogue):
    app = APIClient()

    signup = app.post(
        f"{APP_API}/auth/signup",
        {"email": "Ada@Example.com", "password": "correct horse battery"},
        format="json",
    )
    assert signup.status_code == 401  # signed up; the email still needs verifying
    session_token = signup.json()["meta"]["session_token"]
    assert [f["id"] for f in signup.json()["data"]["flows"] if f.get("is_pending")] == [
        "verify_email"
    ]
    code = re.search(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", str(mail.outbox[0].body), re.MULTILINE)
    assert code is not None
    verified = app.post(
        f"{APP_API}/auth/email/verify",
        {"key": code.group(1)},
        format="json",
        HTTP_X_SESSION_TOKEN=session_token,
    )
    assert verified.status_code == 200

    login = app.post(
        f"{APP_API}/auth/login",
        {"email": "ada@example.com", "password": "correct horse battery"},
        format="json",
    )
    assert login.status_code == 200
    tokens = login.json()["meta"]
    app.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}")

    roles = app.get("/api/v1/roles/")
    assert roles.status_code == 200
    assert [r["slug"] for r in roles.json()["results"]] == [
        "ml-engineer",
        "llm-engineer",
        "ai-architect",
    ]

    enrolled = app.post("/api/v1/enrolments/", {"path": "llm-engineer-from-backend"}, format="json")
    assert enrolled.status_code == 201
    enrolment = enrolled.json()
    path = app.get("/api/v1/paths/llm-engineer-from-backend/").json()
    first_step = path["steps"][0]

    entry = {
        "enrolment": enrolment["id"],
        "step": first_step["id"],
        "minutes": 45,
        "status": "completed",
        "client_id": str(uuid.uuid4()),
    }
    first = app.post("/api/v1/progress/", entry, format="json", HTTP_IDEMPOTENCY_KEY="log-1")
    again = app.post("/api/v1/progress/", entry, format="json", HTTP_IDEMPOTENCY_KEY="log-1")
    assert first.status_code == 201
    assert (again.status_code, again.json()) == (201, first.json())
    assert again["Idempotent-Replayed"] == "true"
    assert ProgressEntry.objects.count() == 1

    readiness_recompute(user_id=ProgressEntry.objects.get().user_id)  # the worker's job
    readiness = app.get("/api/v1/readiness/llm-engineer/?level=junior")
    assert readiness.status_code == 200
    body = readiness.json()
    assert body["score"] > 0
    assert sum(line["earned"] for line in body["breakdown"]) == pytest.approx(body["score"])
    assert body["next_steps"]

    refreshed = app.post(
        f"{APP_API}/tokens/refresh", {"refresh_token": tokens["refresh_token"]}, format="json"
    )
    assert refreshed.status_code == 200
    new = refreshed.json()["data"]
    assert new["refresh_token"] != tokens["refresh_token"]  # rotated
    app.credentials(HTTP_AUTHORIZATION=f"Bearer {new['access_token']}")
    assert app.get("/api/v1/me/").status_code == 200
    logout = app.delete(f"{APP_API}/auth/session")
    assert logout.status_code == 401  # allauth: no longer authenticated
    assert app.get("/api/v1/me/").status_code == 401  # the access token died with the session
    for old in (tokens["refresh_token"], new["refresh_token"]):  # and so did every refresh token
        gone = app.post(f"{APP_API}/tokens/refresh", {"refresh_token": old}, format="json")
        assert gone.status_code == 400
    # Reuse of a rotated-out refresh token: tests/security/test_auth_hardening.py
