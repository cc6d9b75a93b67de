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
    # Skill checks and reviews: start, read, submit.
    ("checks_create", "201"): {
        "GetCheck": Link("checks_retrieve", {"path.id": ID}),
        "SubmitCheck": Link("checks_submit_create", {"path.id": ID}),
    },
    ("checks_create", "200"): {
        "GetCheck": Link("checks_retrieve", {"path.id": ID}),
        "SubmitCheck": Link("checks_submit_create", {"path.id": ID}),
    },
    ("reviews_create", "201"): {
        "GetReview": Link("checks_retrieve", {"path.id": ID}),
        "SubmitReview": Link("checks_submit_create", {"path.id": ID}),
    },
    ("reviews_create", "200"): {
        "GetReview": Link("checks_retrieve", {"path.id": ID}),
        "SubmitReview": Link("checks_submit_create", {"path.id": ID}),
    },
    ("checks_submit_create", "200"): {
        "GetCheck": Link("checks_retrieve", {"path.id": ID}),
    },
    # Teams: a lead's cohort, its invites, assignments and report; a learner's memberships.
    ("cohorts_create", "201"): {
        "GetCohort": Link("cohorts_retrieve", {"path.id": ID}),
        "GetCohortReport": Link("cohorts_report_retrieve", {"path.id": ID}),
        "ListInvites": Link("cohorts_invites_list", {"path.id": ID}),
        "ListAssignments": Link("cohorts_assignments_list", {"path.id": ID}),
    },
    ("cohorts_list", "200"): {
        "GetCohort": Link("cohorts_retrieve", {"path.id": f"{FIRST}/id"}),
        "GetCohortReport": Link("cohorts_report_retrieve", {"path.id": f"{FIRST}/id"}),
    },
    ("memberships_list", "200"): {
        "GetMembership": Link("memberships_retrieve", {"path.id": f"{FIRST}/id"}),
    },
    # The plan's calendar feed.
    ("plan_calendar_create", "201"): {
        "GetCalendarFeed": Link("plan_calendar_retrieve"),
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


# --- Errors: one Problem body on every error response -----------------------------------------

PROBLEM_JSON = "application/problem+json"
PROBLEM_REF = "#/components/schemas/Problem"
FIELD_ERROR_REF = "#/components/schemas/FieldError"
# For serializer fields that list field errors ([{field, message}]), e.g. a batch entry's.
FIELD_ERRORS_SCHEMA: dict[str, Any] = {"type": "array", "items": {"$ref": FIELD_ERROR_REF}}

COMPONENTS: dict[str, dict[str, Any]] = {
    "FieldError": {
        "type": "object",
        "description": "One thing wrong with the input.",
        "properties": {
            "field": {
                "type": "string",
                "description": 'The field, dotted for nested ones ("entries.0.minutes"), or '
                '"non_field_errors".',
            },
            "message": {"type": "string", "description": "What is wrong, for people."},
        },
        "required": ["field", "message"],
    },
    "Problem": {
        "type": "object",
        "description": "An error, as RFC 9457 problem details (config/api.py `problem()`).",
        "properties": {
            "type": {"type": "string", "description": 'Always "about:blank" for now.'},
            "title": {"type": "string", "description": 'The status\'s phrase, "Not Found".'},
            "status": {"type": "integer", "description": "The HTTP status code."},
            "detail": {"type": "string", "description": "What happened, for people."},
            "errors": {
                **FIELD_ERRORS_SCHEMA,
                "description": "Each invalid field, when the input had any.",
            },
        },
        "required": ["type", "title", "status", "detail"],
        "example": {
            "type": "about:blank",
            "title": "Bad Request",
            "status": 400,
            "detail": "The request has invalid fields.",
            "errors": [{"field": "minutes", "message": "Ensure this value is less than 1440."}],
        },
    },
}

ERRORS: dict[str, str] = {
    "400": "Invalid input: `errors` names each field and what is wrong with it.",
    "401": "No valid access token (missing, expired or revoked): refresh it or log in again.",
    "403": "Not allowed.",
    "404": "Not found, or not yours (another learner's object answers the same).",
    "409": "Conflicts with the current state; see `detail`.",
    "413": "The body is over 1 MB.",
    "415": "The body is not JSON: send `Content-Type: application/json`.",
    "422": "Well-formed, but a rule refuses it; `detail` and `errors` say which.",
    "429": "Too many requests: retry after `Retry-After` seconds.",
    "503": "Briefly unavailable and nothing was saved: retry after `Retry-After` seconds.",
}
PUBLIC_401 = "An invalid or expired token was sent (this operation needs none): drop it or refresh."

# Statuses the code raises beyond the rules in error_statuses(), per operationId less "v1_".
RAISED: dict[str, set[str]] = {
    "roles_compare_retrieve": {"422"},  # fewer than two known slugs
    "readiness_retrieve": {"409"},  # an empty catalogue (targets.EmptyCatalogue)
    "readiness_history_list": {"409"},
    "progress_create": {"409", "422"},  # client_id reused; Idempotency-Key reused
    "enrolments_create": {"422"},
    "enrolments_partial_update": {"422"},
    "me_partial_update": {"422"},
    "plan_retrieve": {"409"},  # no target yet
    "plan_calendar_retrieve": {"404"},  # no calendar feed
    "plan_calendar_destroy": {"404"},
    # another attempt at the skill is open (409); no bank at the level / nothing to review
    # (422); the attempt limits are the 429 always listed
    "checks_create": {"409", "422"},
    "reviews_create": {"409", "422"},
    "checks_submit_create": {"409", "422"},  # expired; an item or a choice not of the check
}
# Query parameters whose bad values are not a 400: pagination falls back or answers 404,
# `roles` is compare's 422, `level` names a target (404).
NOT_FILTERS = {"page", "page_size", "roles", "level"}


def _string_header(description: str, **schema: Any) -> dict[str, Any]:
    return {"description": description, "schema": {"type": "string", **schema}}


RETRY_AFTER = {
    "description": "Seconds to wait before retrying.",
    "schema": {"type": "integer", "minimum": 0},
}
HEADERS: dict[str, dict[str, dict[str, Any]]] = {
    "401": {"WWW-Authenticate": _string_header('The scheme to use: "Bearer".')},
    "429": {"Retry-After": RETRY_AFTER},
    "503": {"Retry-After": RETRY_AFTER},
}
ETAG = _string_header("Send it back as `If-None-Match` to get a 304 while nothing changed.")
LOCATION = _string_header("The address of the created resource.")
IDEMPOTENT_REPLAYED = _string_header(
    "`true` when this is the replay of an earlier request with the same Idempotency-Key.",
    enum=["true"],
)


def is_public(operation: dict[str, Any]) -> bool:
    """Public operations accept no credentials at all (drf-spectacular's `{}`)."""
    return {} in operation.get("security", [])


def error_statuses(operation: dict[str, Any], path: str) -> set[str]:
    """The error statuses an operation can answer, from what it takes (token, path variables,
    body, filters) and what its code raises (RAISED)."""
    name = operation["operationId"].removeprefix("v1_")
    query = {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
    statuses = {"401", "429", "503"}  # 401 on public reads too, for a bad token sent
    if "{" in path or "page" in query:  # a missing object; a page past the last
        statuses.add("404")
    if "requestBody" in operation:
        statuses |= {"400", "413", "415"}
    if query - NOT_FILTERS:
        statuses.add("400")
    return statuses | RAISED.get(name, set())


def add_problems(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: the Problem component on every error response of
    every /api/v1/ operation, each status it can answer listed, and the headers that go with
    them (WWW-Authenticate, Retry-After, ETag on public reads, Location on 201s,
    Idempotent-Replayed on progress_create)."""
    result.setdefault("components", {}).setdefault("schemas", {}).update(COMPONENTS)
    for path, item in result["paths"].items():
        if not path.startswith("/api/v1/"):
            continue
        for method, operation in item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            for status in error_statuses(operation, path) | set(responses):
                if not status.startswith(("4", "5")):
                    continue
                response = responses.setdefault(status, {})
                described = response.get("description", "")
                if not described or described.startswith("application/problem+json"):
                    public = status == "401" and is_public(operation)
                    response["description"] = PUBLIC_401 if public else ERRORS.get(status, "")
                response["content"] = {PROBLEM_JSON: {"schema": {"$ref": PROBLEM_REF}}}
                if status in HEADERS:
                    response.setdefault("headers", {}).update(HEADERS[status])
            if method == "get" and is_public(operation) and "200" in responses:
                responses["200"].setdefault("headers", {})["ETag"] = ETAG
            if "201" in responses:
                responses["201"].setdefault("headers", {})["Location"] = LOCATION
            if operation["operationId"] == "v1_progress_create":
                for status in ("200", "201"):
                    responses[status].setdefault("headers", {})["Idempotent-Replayed"] = (
                        IDEMPOTENT_REPLAYED
                    )
            operation["responses"] = dict(sorted(responses.items()))
    return result
