"""Signing in through allauth's app API, as mobile clients do."""

from django.test import override_settings
from rest_framework.test import APIClient

APP_API = "/_allauth/app/v1"
PASSWORD = "a-long-test-password"  # every factory user's


def login(client: APIClient, email: str, password: str = PASSWORD) -> dict[str, str]:
    """Log in through allauth's app API; the JWT pair from the response."""
    response = client.post(
        f"{APP_API}/auth/login", {"email": email, "password": password}, format="json"
    )
    assert response.status_code == 200, response.content
    meta = response.json()["meta"]
    return {"access": meta["access_token"], "refresh": meta["refresh_token"]}


@override_settings(ACCOUNT_RATE_LIMITS=False)  # in this process only: a server keeps its limits
def access_token_minted(email: str, password: str = PASSWORD) -> str:
    """A real access token (300 s) from allauth's app login, made in this process without its
    per-address login limit: for handing many learners' tokens to a load generator."""
    return login(APIClient(HTTP_HOST="127.0.0.1"), email, password)["access"]
