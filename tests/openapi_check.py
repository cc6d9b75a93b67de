"""Checking a real response against what the OpenAPI schema documents for it: the status for
the operation, the media type, and the body (error bodies too) validated as JSON Schema."""

from typing import Any

from jsonschema import Draft4Validator


def as_json_schema(node: Any) -> Any:
    """OpenAPI 3.0 schema objects as JSON Schema: `nullable: true` admits null, and `oneOf`
    is read as `anyOf` (formats are not checked, so "" is both an empty string and a URI)."""
    if isinstance(node, list):
        return [as_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {
        ("anyOf" if key == "oneOf" else key): as_json_schema(value)
        for key, value in node.items()
        if key != "nullable"
    }
    if node.get("nullable"):
        return {"anyOf": [converted, {"type": "null"}]}
    return converted


def response_problems(
    schema: dict[str, Any],
    template: str,
    method: str,
    status: int,
    media_type: str,
    body: Any,
) -> list[str]:
    """What in this response the schema does not document; empty when all of it is."""
    operation = schema["paths"][template].get(method)
    if operation is None:
        return ["no such operation in the schema"]
    documented = operation["responses"].get(str(status))
    if documented is None:
        return [f"status {status} not documented"]
    content = documented.get("content", {})
    if not content:
        return []  # 204
    if media_type not in content:
        return [f"{media_type} not in {sorted(content)}"]
    root = {
        "allOf": [as_json_schema(content[media_type]["schema"])],
        "components": as_json_schema(schema["components"]),
    }
    return [error.message for error in Draft4Validator(root).iter_errors(body)]
