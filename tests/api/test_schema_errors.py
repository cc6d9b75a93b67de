"""The schema's errors, headers and types, as a generated client sees them: every error response
has the Problem body, each operation lists the statuses it really answers, no field is
free-form, and real error responses match what is documented for their status."""

from typing import Any

import pytest
from drf_spectacular.generators import SchemaGenerator
from rest_framework.throttling import UserRateThrottle

from tests.openapi_check import response_problems

pytestmark = pytest.mark.django_db

METHODS = {"get", "post", "patch", "put", "delete"}
PROBLEM_JSON = "application/problem+json"
PROBLEM_REF = "#/components/schemas/Problem"
PUBLIC_READS = {
    "/api/v1/roles/",
    "/api/v1/roles/{slug}/",
    "/api/v1/roles/compare/",
    "/api/v1/skills/",
    "/api/v1/backgrounds/",
    "/api/v1/paths/",
    "/api/v1/paths/{slug}/",
}
# Free-form objects allowed, each with its reason (prefixes of their JSON pointers). None today:
# the export, the last one, is now a typed document.
FREE_FORM_ALLOWED: set[str] = set()


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return SchemaGenerator().get_schema(request=None, public=True)


def operations(schema: dict[str, Any]):
    for path, item in schema["paths"].items():
        if path.startswith("/api/v1/"):
            for method, operation in item.items():
                if method in METHODS:
                    yield path, method, operation


def is_problem(response: dict[str, Any]) -> bool:
    return response.get("content") == {PROBLEM_JSON: {"schema": {"$ref": PROBLEM_REF}}}


def test_the_problem_component_is_the_shape_of_config_api_problem(schema):
    problem = schema["components"]["schemas"]["Problem"]
    field_error = schema["components"]["schemas"]["FieldError"]

    assert set(problem["properties"]) == {"type", "title", "status", "detail", "errors"}
    assert problem["required"] == ["type", "title", "status", "detail"]
    assert problem["properties"]["errors"]["items"] == {"$ref": "#/components/schemas/FieldError"}
    assert field_error["required"] == ["field", "message"]


def test_every_error_response_has_the_problem_body(schema):
    bodyless = [
        f"{method.upper()} {path} {status}"
        for path, method, operation in operations(schema)
        for status, response in operation["responses"].items()
        if status[0] in "45" and not is_problem(response)
    ]

    assert bodyless == []


def test_every_operation_documents_the_statuses_it_can_answer(schema):
    def expected(path: str, method: str, operation: dict[str, Any]) -> set[str]:
        statuses = {"429", "503"}
        if path not in PUBLIC_READS:
            statuses.add("401")
        if "{" in path:
            statuses.add("404")
        if "requestBody" in operation:
            statuses |= {"400", "413", "415"}
        return statuses

    missing = {
        f"{method.upper()} {path}": sorted(expected(path, method, operation) - set(responses))
        for path, method, operation in operations(schema)
        if (responses := operation["responses"])
    }
    raised = {
        ("post", "/api/v1/progress/"): {"409", "422"},
        ("post", "/api/v1/enrolments/"): {"422"},
        ("patch", "/api/v1/enrolments/{id}/"): {"422"},
        ("patch", "/api/v1/me/"): {"422"},
        ("get", "/api/v1/roles/compare/"): {"422"},
        ("get", "/api/v1/paths/"): {"400"},  # filters
        ("get", "/api/v1/progress/"): {"400"},
        ("post", "/api/v1/checks/"): {"409", "422"},
        ("post", "/api/v1/reviews/"): {"409", "422"},
        ("post", "/api/v1/checks/{id}/submit/"): {"409", "422"},
        ("get", "/api/v1/checks/"): {"400"},  # filters
        ("get", "/api/v1/plan/"): {"400", "409"},  # weekly_minutes; no target
        ("get", "/api/v1/plan/calendar/"): {"404"},  # no feed
        ("delete", "/api/v1/plan/calendar/"): {"404"},
    }

    assert {name: gaps for name, gaps in missing.items() if gaps} == {}
    for (method, path), statuses in raised.items():
        assert statuses <= set(schema["paths"][path][method]["responses"]), (method, path)
    assert len(missing) >= 25


def test_documented_headers(schema):
    def headers(path: str, method: str, status: str) -> set[str]:
        return set(schema["paths"][path][method]["responses"][status].get("headers", {}))

    for path, method, operation in operations(schema):
        for status in operation["responses"]:
            if status in ("429", "503"):
                assert "Retry-After" in headers(path, method, status), (path, status)
            if status == "401":
                assert "WWW-Authenticate" in headers(path, method, status), path
            if status == "201":
                assert "Location" in headers(path, method, status), path
    for path in PUBLIC_READS:
        assert "ETag" in headers(path, "get", "200"), path
    for status in ("200", "201"):
        assert "Idempotent-Replayed" in headers("/api/v1/progress/", "post", status)


def free_form(node: Any, where: str = "#"):
    """Object schemas that say nothing of their contents (no properties, no $ref)."""
    if isinstance(node, dict):
        is_object = node.get("type") == "object" or "additionalProperties" in node
        if is_object and "properties" not in node and "$ref" not in node:
            yield where
        for key, value in node.items():
            yield from free_form(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from free_form(value, f"{where}/{index}")


def untyped_properties(schema: dict[str, Any]):
    keys = {"type", "$ref", "allOf", "oneOf", "anyOf"}
    for name, component in schema["components"]["schemas"].items():
        for field, definition in component.get("properties", {}).items():
            if not keys & set(definition):
                yield f"{name}.{field}"


def test_no_free_form_objects_and_no_untyped_fields(schema):
    found = [
        where
        for where in free_form({"paths": schema["paths"], "components": schema["components"]})
        if not any(where.startswith(allowed) for allowed in FREE_FORM_ALLOWED)
    ]

    assert found == []
    assert list(untyped_properties(schema)) == []


def test_page_size_is_capped_in_the_schema(schema):
    def page_size(path: str) -> dict[str, Any]:
        parameters = schema["paths"][path]["get"]["parameters"]
        return next(p for p in parameters if p["name"] == "page_size")["schema"]

    assert page_size("/api/v1/skills/")["maximum"] == 100
    assert page_size("/api/v1/progress/")["maximum"] == 100
    assert page_size("/api/v1/readiness/{role}/history/")["maximum"] == 366


# --- Real error responses against the schema ------------------------------------------------


def assert_documented(schema: dict[str, Any], path: str, method: str, response: Any) -> None:
    """The response's status is documented for the operation, with its media type, and the
    body validates against that status's schema ($refs resolved in the components)."""
    media_type = response["Content-Type"].split(";")[0]
    problems = response_problems(
        schema, path, method, response.status_code, media_type, response.json()
    )
    assert problems == [], f"{method.upper()} {path}: {problems}"
    documented = schema["paths"][path][method]["responses"]
    status = str(response.status_code)
    for header in documented[status].get("headers", {}):
        if header in ("Retry-After", "WWW-Authenticate"):
            assert header in response, f"{status} lacks {header}"


def test_401_without_a_token(schema, api):
    response = api.get("/api/v1/me/")

    assert response.status_code == 401
    assert_documented(schema, "/api/v1/me/", "get", response)


def test_401_on_a_public_read_with_a_bad_token(schema, api):
    api.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")

    response = api.get("/api/v1/skills/")

    assert response.status_code == 401
    assert_documented(schema, "/api/v1/skills/", "get", response)


def test_404_unknown_role(schema, api):
    response = api.get("/api/v1/roles/no-such-role/")

    assert response.status_code == 404
    assert_documented(schema, "/api/v1/roles/{slug}/", "get", response)


def test_400_bad_body(schema, owner_api):
    response = owner_api.post("/api/v1/skill-claims/", {"level": "x"}, format="json")

    assert response.status_code == 400
    assert response.json()["errors"]
    assert_documented(schema, "/api/v1/skill-claims/", "post", response)


def test_422_compare_refuses_one_role(schema, api):
    response = api.get("/api/v1/roles/compare/", {"roles": "llm-engineer"})

    assert response.status_code == 422
    assert_documented(schema, "/api/v1/roles/compare/", "get", response)


def test_429_throttled(schema, owner_api, monkeypatch):
    monkeypatch.setattr(
        UserRateThrottle, "THROTTLE_RATES", {**UserRateThrottle.THROTTLE_RATES, "user": "1/min"}
    )
    owner_api.get("/api/v1/dashboard/")

    response = owner_api.get("/api/v1/dashboard/")

    assert response.status_code == 429
    assert_documented(schema, "/api/v1/dashboard/", "get", response)
