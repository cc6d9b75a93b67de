"""The app API's authentication is in the contract too: allauth's own OpenAPI document is
served (without its CDN viewers) and /api/docs/ links to it."""

import pytest

pytestmark = pytest.mark.django_db


def test_allauths_openapi_document_is_served_and_linked_from_the_api_docs(client):
    spec = client.get("/_allauth/openapi.json")
    ours = client.get("/api/schema/?format=json")

    assert spec.status_code == 200
    paths = spec.json()["paths"]
    for operation in ("auth/login", "auth/signup", "tokens/refresh", "auth/session"):
        assert f"/_allauth/app/v1/{operation}" in paths
    assert "[/_allauth/openapi.json](/_allauth/openapi.json)" in ours.json()["info"]["description"]
    assert client.get("/_allauth/openapi.html").status_code == 404  # its viewers load a CDN
    flow_ids = spec.json()["components"]["schemas"]["Flow"]["properties"]["id"]["enum"]
    assert "password_reset_by_code" in flow_ids  # sent by the server, missing from allauth's
