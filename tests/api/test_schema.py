"""The OpenAPI document: every operation described, with examples; errors documented."""

import pytest
from drf_spectacular.generators import SchemaGenerator

pytestmark = pytest.mark.django_db

METHODS = {"get", "post", "patch", "put", "delete"}


def operations():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield f"{method.upper()} {path}", operation


def examples_of(operation) -> list:
    contents = list(operation.get("requestBody", {}).get("content", {}).values())
    for status, response in operation.get("responses", {}).items():
        if status.startswith("2"):  # errors share the Problem component and its example
            contents += list(response.get("content", {}).values())
    if not contents:
        return ["(no body either way)"]
    return [name for content in contents for name in content.get("examples", {})]


def test_every_operation_has_a_summary_description_and_examples():
    missing = {
        name: [
            what
            for what, ok in (
                ("summary", operation.get("summary")),
                ("description", operation.get("description")),
                ("examples", examples_of(operation)),
            )
            if not ok
        ]
        for name, operation in operations()
    }

    assert {name: gaps for name, gaps in missing.items() if gaps} == {}
    assert len(missing) >= 25
