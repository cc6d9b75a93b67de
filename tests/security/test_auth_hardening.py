"""Account enumeration by sign-up timing, and refresh-token reuse (RFC 9700 section 4.14.2):
a replayed, rotated-out refresh token revokes the whole sign-in it belongs to."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core import mail
from django.test import Client
from rest_framework.test import APIClient

from tests.api_clients import APP_API, login
from tests.factories import UserFactory
from tracker.models import User

pytestmark = [pytest.mark.django_db, pytest.mark.reliability("Security")]

TAKEN = "taken@example.com"
SOUND_PASSWORD = "a sound passphrase 42"


@contextmanager
def hashes_counted() -> Iterator[list[str]]:
    """Every password hashed while inside (test settings hash with MD5): the expensive step."""
    calls: list[str] = []
    original = MD5PasswordHasher.encode

    def spy(self: MD5PasswordHasher, password: str, salt: str) -> str:
        calls.append(password)
        return original(self, password, salt)

    with mock.patch.object(MD5PasswordHasher, "encode", spy):
        yield calls


def web_sign_up(email: str, password: str = SOUND_PASSWORD) -> tuple[int, Any]:
    response = Client().post("/accounts/signup/", {"email": email, "password1": password})
    return response.status_code, response.get("Location")


def app_sign_up(email: str, password: str = SOUND_PASSWORD) -> tuple[int, Any]:
    response = APIClient().post(
        f"{APP_API}/auth/signup", {"email": email, "password": password}, format="json"
    )
    body = response.json()
    # A pending flow gets a fresh session token each time: its presence is the same, not its value.
    if "session_token" in body.get("meta", {}):
        body["meta"]["session_token"] = "<a session token>"
    return response.status_code, body


SIGN_UPS = pytest.mark.parametrize("sign_up", [web_sign_up, app_sign_up], ids=["web", "app"])


@SIGN_UPS
def test_sign_up_with_a_taken_address_does_the_same_work_and_answers_the_same(sign_up):
    UserFactory.create(email=TAKEN)  # hashed here, before counting

    with hashes_counted() as new_hashes:
        new = sign_up("new@example.com")
    new_mails = len(mail.outbox)
    with hashes_counted() as taken_hashes:
        taken = sign_up(TAKEN)
    taken_mails = len(mail.outbox) - new_mails

    assert new_hashes == [SOUND_PASSWORD]  # creating the account hashes its password once
    assert taken_hashes == [SOUND_PASSWORD]  # and so does the taken address, to take as long
    assert new_mails == taken_mails == 1  # "confirm your address" / "you already have one"
    assert mail.outbox[-1].to == [TAKEN]
    assert taken == new  # same status and same redirect / body: nothing tells them apart
    assert User.objects.filter(email=TAKEN).count() == 1


@SIGN_UPS
def test_a_refused_sign_up_hashes_nothing_for_a_taken_or_a_new_address(sign_up):
    """The extra hash is only for a sign-up that would have created an account: a weak password
    is refused as fast and as alike for a taken address as for a new one."""
    UserFactory.create(email=TAKEN)

    with hashes_counted() as hashes:
        new = sign_up("new@example.com", "password123")
        taken = sign_up(TAKEN, "password123")

    assert hashes == []
    assert new[0] == taken[0] in (400, 422)
    assert mail.outbox == []


# --- refresh tokens --------------------------------------------------------------------------


def refresh(client: APIClient, token: str) -> Any:
    return client.post(f"{APP_API}/tokens/refresh", {"refresh_token": token}, format="json")


def me(access: str) -> int:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    return client.get("/api/v1/me/").status_code


def test_replaying_a_rotated_out_refresh_token_revokes_the_whole_sign_in(api, learner):
    first = login(api, learner.email)
    rotated = refresh(api, first["refresh"])
    assert rotated.status_code == 200
    second = rotated.json()["data"]  # the legitimate client's new pair (B)

    replayed = refresh(api, first["refresh"])  # A again: stolen, or replayed

    assert replayed.status_code == 400
    assert replayed.json() == {
        "status": 400,
        "errors": [
            {
                "message": "This refresh token was already used, so this sign-in has been "
                "revoked. Log in again.",
                "code": "refresh_token_reused",
            }
        ],
    }
    after = refresh(api, second["refresh_token"])  # B, the newest of the family, is dead too
    assert after.status_code == 400
    assert after.json()["errors"][0]["code"] == "invalid_refresh_token"
    assert me(second["access_token"]) == 401  # and every access token of the sign-in
    assert me(first["access"]) == 401


def test_rotation_without_reuse_keeps_working(api, learner):
    tokens = login(api, learner.email)
    current = tokens["refresh"]
    for _ in range(3):  # A -> B -> C -> D, each used once
        response = refresh(api, current)
        assert response.status_code == 200
        current = response.json()["data"]["refresh_token"]
        assert me(response.json()["data"]["access_token"]) == 200


def test_reuse_revokes_only_its_own_sign_in(api, learner):
    phone, tablet = login(APIClient(), learner.email), login(APIClient(), learner.email)
    assert refresh(api, phone["refresh"]).status_code == 200

    assert refresh(api, phone["refresh"]).status_code == 400  # reuse on the phone's sign-in

    assert me(phone["access"]) == 401
    assert me(tablet["access"]) == 200  # the tablet signed in on its own: untouched
    assert refresh(api, tablet["refresh"]).status_code == 200


def test_a_forged_or_garbage_refresh_token_revokes_nothing(api, learner):
    tokens = login(api, learner.email)
    header, payload, _ = tokens["refresh"].split(".")

    for bad in ("not-a-token", f"{header}.{payload}.forged-signature", tokens["access"]):
        response = refresh(api, bad)
        assert response.status_code == 400
        assert response.json()["errors"][0]["code"] == "invalid_refresh_token"

    assert me(tokens["access"]) == 200
    assert refresh(api, tokens["refresh"]).status_code == 200
