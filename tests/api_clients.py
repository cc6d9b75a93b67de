"""Signing in through allauth's app API, as mobile clients do."""

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
