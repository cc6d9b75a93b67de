"""Auth lifecycle beyond the main flow: password rules, password reset by email, and failed
logins limited on the web and admin paths too."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.api_clients import APP_API, PASSWORD, login
from tracker.idempotency import KEEP_FOR, idempotency_keys_expire
from tracker.models import IdempotencyKey, LearnerProfile, User

pytestmark = pytest.mark.django_db


@pytest.mark.reliability("Security")
@pytest.mark.parametrize("password", ["short1", "password123", "1234567890123"])
def test_sign_up_applies_the_password_validators(api, password):
    response = api.post(
        f"{APP_API}/auth/signup", {"email": "new@example.com", "password": password}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["errors"][0]["param"] == "password"
    assert not User.objects.filter(email="new@example.com").exists()


def test_sign_up_creates_the_learner_profile(api):
    api.post(
        f"{APP_API}/auth/signup",
        {"email": "new@example.com", "password": "a sound passphrase"},
        format="json",
    )

    assert LearnerProfile.objects.filter(user__email="new@example.com").exists()


def test_password_reset_by_emailed_code(api, owner):
    requested = api.post(f"{APP_API}/auth/password/request", {"email": owner.email}, format="json")
    assert requested.status_code == 401  # the reset flow is now pending
    session_token = requested.json()["meta"]["session_token"]
    code = re.search(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", str(mail.outbox[-1].body), re.MULTILINE)
    assert code is not None

    reset = api.post(
        f"{APP_API}/auth/password/reset",
        {"key": code.group(1), "password": "a brand new passphrase"},
        format="json",
        HTTP_X_SESSION_TOKEN=session_token,
    )

    assert reset.status_code == 401, reset.content  # reset; not signed in by it
    owner.refresh_from_db()
    assert owner.check_password("a brand new passphrase")
    assert login(api, owner.email, "a brand new passphrase")["access"]


@pytest.mark.reliability("Security")
def test_failed_logins_are_limited_on_the_web_login(client, owner):
    url = reverse("account_login")
    for _ in range(5):
        client.post(url, {"login": owner.email, "password": "wrong-one-123"})

    response = client.post(url, {"login": owner.email, "password": PASSWORD})

    assert response.status_code == 200
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.reliability("Security")
def test_the_admin_signs_in_through_the_limited_login(client, curator):
    response = client.get(reverse("admin:login"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_idempotency_keys_are_kept_a_day(owner):
    from django.utils import timezone

    fresh = IdempotencyKey.objects.create(user=owner, key="fresh", request_hash="x")
    old = IdempotencyKey.objects.create(user=owner, key="old", request_hash="x")
    IdempotencyKey.objects.filter(pk=old.pk).update(created_at=timezone.now() - KEEP_FOR)

    assert idempotency_keys_expire() == 1
    assert list(IdempotencyKey.objects.values_list("pk", flat=True)) == [fresh.pk]


def test_swagger_ui_is_served_from_local_static_files(client):
    response = client.get("/api/docs/")

    assert response.status_code == 200
    assert (
        "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js"
        in response.content.decode()
    )
    assert "cdn" not in response.content.decode().lower()


@pytest.mark.reliability("Security")
def test_a_spoofed_forwarded_for_does_not_reset_the_failed_login_count(api, owner):
    def attempt(ip: str) -> list[str]:
        response = api.post(
            f"{APP_API}/auth/login",
            {"email": owner.email, "password": "wrong-one-123"},
            format="json",
            HTTP_X_FORWARDED_FOR=ip,
        )
        return [error["code"] for error in response.json()["errors"]]

    for n in range(5):
        attempt(f"203.0.113.{n}")

    assert "too_many_login_attempts" in attempt("198.51.100.7")
