"""OpenAPI links between the API's operations, written into the schema after generation.

A link says where a response's values can be used next (an enrolment's id in its detail URL,
a path's slug in the body that enrols on it), for client authors and for schemathesis's
stateful tests (tests/reliability/test_stateful.py)."""

from typing import Any, NamedTuple


class Link(NamedTuple):
    target: str  # operationId to call next, less its "v1_"
    parameters: dict[str, str] = {}  # "path.id": runtime expression
    body: dict[str, str] | None = None  # request body fields: runtime expressions


ID = "$response.body#/id"
FIRST = "$response.body#/results/0"
FIRST_ROLE_LEVEL = {"path.role": f"{FIRST}/role", "query.level": f"{FIRST}/level"}

# (source operationId less its "v1_", status): {link name: link}
LINKS: dict[tuple[str, str], dict[str, Link]] = {
    # The catalogue, enrolling on a path, logging progress on it.
    ("paths_retrieve", "200"): {
        "Enrol": Link("enrolments_create", body={"path": "$response.body#/slug"}),
    },
    ("enrolments_create", "201"): {
        "GetEnrolment": Link("enrolments_retrieve", {"path.id": ID}),
        "UpdateEnrolment": Link("enrolments_partial_update", {"path.id": ID}),
        "GetPath": Link("paths_retrieve", {"path.slug": "$response.body#/path/slug"}),
        "LogProgress": Link("progress_create", body={"enrolment": ID}),
    },
    ("enrolments_partial_update", "200"): {
        "LogProgress": Link("progress_create", body={"enrolment": ID}),
    },
    ("progress_list", "200"): {
        "LogAgain": Link(
            "progress_create", body={"enrolment": f"{FIRST}/enrolment", "step": f"{FIRST}/step"}
        ),
    },
    ("progress_create", "201"): {
        "ListEnrolmentProgress": Link(
            "progress_list", {"query.enrolment": "$response.body#/enrolment"}
        ),
        "GetEnrolment": Link("enrolments_retrieve", {"path.id": "$response.body#/enrolment"}),
        "GetDashboard": Link("dashboard_retrieve"),
    },
    # Skill claims.
    ("skills_list", "200"): {
        "ClaimSkill": Link("skill_claims_create", body={"skill": f"{FIRST}/slug"}),
    },
    ("skill_claims_create", "201"): {
        "GetSkillClaim": Link("skill_claims_retrieve", {"path.id": ID}),
        "UpdateSkillClaim": Link("skill_claims_partial_update", {"path.id": ID}),
        "WithdrawSkillClaim": Link("skill_claims_destroy", {"path.id": ID}),
    },
    # Readiness per role and level.
    ("roles_list", "200"): {
        "GetReadiness": Link("readiness_retrieve", {"path.role": f"{FIRST}/slug"}),
    },
    ("readiness_list", "200"): {
        "GetReadiness": Link("readiness_retrieve", FIRST_ROLE_LEVEL),
        "GetReadinessHistory": Link("readiness_history_list", FIRST_ROLE_LEVEL),
    },
}


def add_links(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: write LINKS into the responses they start from.
    A link naming an operation or a response the schema lacks is an error, not a silent gap."""
    operations = {
        operation["operationId"]: operation
        for item in result["paths"].values()
        for operation in item.values()
        if isinstance(operation, dict) and "operationId" in operation
    }
    for (source, status), links in LINKS.items():
        responses = operations.get(f"v1_{source}", {}).get("responses", {})
        if status not in responses:
            raise ValueError(f"OpenAPI links: no response v1_{source} {status}")
        for name, link in links.items():
            if f"v1_{link.target}" not in operations:
                raise ValueError(f"OpenAPI link {name}: no operation v1_{link.target}")
            definition: dict[str, Any] = {"operationId": f"v1_{link.target}"}
            if link.parameters:
                definition["parameters"] = dict(link.parameters)
            if link.body is not None:
                definition["requestBody"] = dict(link.body)
            responses[status].setdefault("links", {})[name] = definition
    return result
