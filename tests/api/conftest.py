from collections.abc import Callable

import pytest
from rest_framework.test import APIClient

from tests.factories import UserFactory
from tracker.models import User

APP_API = "/_allauth/app/v1"
PASSWORD = "a-long-test-password"


def login(client: APIClient, email: str, password: str = PASSWORD) -> dict[str, str]:
    """Log in through allauth's app API; the JWT pair from the response."""
    response = client.post(
        f"{APP_API}/auth/login", {"email": email, "password": password}, format="json"
    )
    assert response.status_code == 200, response.content
    meta = response.json()["meta"]
    return {"access": meta["access_token"], "refresh": meta["refresh_token"]}


@pytest.fixture
def api() -> APIClient:
    return APIClient()


@pytest.fixture
def client_for(db: None) -> Callable[[User], APIClient]:
    """An API client holding a real access token for the user."""

    def make(user: User) -> APIClient:
        client = APIClient()
        tokens = login(client, user.email)
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
        return client

    return make


@pytest.fixture
def owner(db: None) -> User:
    return UserFactory.create()


@pytest.fixture
def owner_api(client_for: Callable[[User], APIClient], owner: User) -> APIClient:
    return client_for(owner)
