"""The teams API: a permission matrix over every endpoint for anonymous, another learner, a
member, the lead and a curator; then each side's flows with their real values."""

from datetime import date
from typing import Any

import pytest
import time_machine
from django.core import mail
from rest_framework.test import APIClient

from teams.invites import invite_token
from teams.models import Assignment, Cohort, Invite, Membership
from teams.services import assignment_set, invites_send
from tests.api.test_permissions import fill
from tests.factories import CuratorFactory, UserFactory, published_path
from tests.teams.members import NOW, member_scored, ten_members

pytestmark = pytest.mark.django_db

PERSONAS = ("anonymous", "other", "member", "lead", "curator")


@pytest.fixture
def world(cohort, client_for) -> dict[str, Any]:
    member = member_scored(cohort, 40.0, 1.0, 1.0)
    path = published_path(steps=2, role=cohort.target_role, level=cohort.target_level)
    with time_machine.travel(NOW, tick=False):
        assignment = assignment_set(cohort=cohort, path=path, due_date=date(2027, 1, 31))
        invites_send(cohort=cohort, emails=["invitee@example.com"])
    invite = Invite.objects.get(cohort=cohort)
    other = UserFactory.create()
    return {
        "cohort": cohort,
        "clients": {
            "anonymous": APIClient(),
            "other": client_for(other),
            "member": client_for(member.user),
            "lead": client_for(cohort.lead),
            "curator": client_for(CuratorFactory.create()),
        },
        "ids": {
            "cohort": cohort.pk,
            "membership": member.pk,
            "invite": invite.pk,
            "assignment": assignment.pk,
            "path": path.slug,
            "role": cohort.target_role.slug,
            "level": cohort.target_level.slug,
            "key": str(invite.key),
            "token": invite_token(invite),
        },
    }


def state(cohort: Cohort) -> tuple[Any, ...]:
    return (
        Cohort.objects.filter(pk=cohort.pk).values_list("name", flat=True).first(),
        list(Membership.objects.filter(cohort=cohort).values_list("pk", "shares_detail")),
        list(Invite.objects.filter(cohort=cohort).values_list("pk", "accepted_at")),
        list(Assignment.objects.filter(cohort=cohort).values_list("pk", "due_date")),
    )


C = "/api/v1/cohorts/{cohort}"
# (method, url, body, expected per persona: anonymous, other, member, lead, curator)
MATRIX: list[tuple[str, str, Any, tuple[int, ...]]] = [
    ("get", "/api/v1/cohorts/", None, (401, 200, 200, 200, 200)),
    ("get", f"{C}/", None, (401, 404, 404, 200, 404)),
    ("patch", f"{C}/", {"name": "Renamed"}, (401, 404, 404, 200, 404)),
    ("get", f"{C}/invites/", None, (401, 404, 404, 200, 404)),
    ("post", f"{C}/invites/", {"emails": ["x@example.com"]}, (401, 404, 404, 202, 404)),
    ("delete", f"{C}/invites/{{invite}}/", None, (401, 404, 404, 204, 404)),
    ("get", f"{C}/assignments/", None, (401, 404, 404, 200, 404)),
    (
        "post",
        f"{C}/assignments/",
        {"path": "{path}", "due_date": "2027-03-01"},
        (401, 404, 404, 201, 404),
    ),
    ("delete", f"{C}/assignments/{{assignment}}/", None, (401, 404, 404, 204, 404)),
    ("get", f"{C}/report/", None, (401, 404, 404, 200, 404)),
    ("delete", f"{C}/", None, (401, 404, 404, 204, 404)),
    ("get", "/api/v1/memberships/", None, (401, 200, 200, 200, 200)),
    ("get", "/api/v1/memberships/{membership}/", None, (401, 404, 200, 404, 404)),
    (
        "patch",
        "/api/v1/memberships/{membership}/",
        {"shares_detail": True},
        (401, 404, 200, 404, 404),
    ),
    ("delete", "/api/v1/memberships/{membership}/", None, (401, 404, 204, 404, 404)),
    # The invite is for invitee@example.com: nobody here may use it.
    (
        "post",
        "/api/v1/invites/accept/",
        {"key": "{key}", "token": "{token}"},
        (401, 422, 422, 422, 422),
    ),
    ("get", "/api/v1/assignments/", None, (401, 200, 200, 200, 200)),
    (
        "post",
        "/api/v1/cohorts/",
        {"name": "Mine", "target_role": "{role}", "target_level": "{level}"},
        (401, 201, 201, 201, 201),
    ),
]


@pytest.mark.parametrize(("method", "url", "body", "expected"), MATRIX, ids=lambda v: str(v)[:40])
@pytest.mark.parametrize("persona", PERSONAS)
def test_permission_matrix(world, persona, method, url, body, expected):
    cohort = world["cohort"]
    before = state(cohort)

    response = getattr(world["clients"][persona], method)(
        fill(url, world["ids"]), fill(body, world["ids"]), format="json"
    )

    assert response.status_code == expected[PERSONAS.index(persona)], response.content
    if response.status_code >= 400:
        assert response["Content-Type"] == "application/problem+json"
    if persona not in ("lead", "member") or response.status_code >= 400:
        assert state(cohort) == before  # nothing of the cohort changed


def test_lists_hold_only_ones_own(world):
    clients = world["clients"]

    assert [c["name"] for c in clients["lead"].get("/api/v1/cohorts/").json()["results"]] == [
        "Spring bootcamp"
    ]
    assert clients["other"].get("/api/v1/cohorts/").json()["results"] == []
    assert clients["member"].get("/api/v1/cohorts/").json()["results"] == []
    assert [
        m["cohort"] for m in clients["member"].get("/api/v1/memberships/").json()["results"]
    ] == ["Spring bootcamp"]
    assert clients["lead"].get("/api/v1/memberships/").json()["results"] == []
    assert [a["path"] for a in clients["member"].get("/api/v1/assignments/").json()] == [
        world["ids"]["path"]
    ]
    assert clients["other"].get("/api/v1/assignments/").json() == []


def test_a_lead_runs_a_cohort_through_the_api(
    client_for, django_capture_on_commit_callbacks, send_now, catalogue
):
    lead = client_for(UserFactory.create(email="teacher@example.com"))
    created = lead.post(
        "/api/v1/cohorts/",
        {"name": "Evening class", "target_role": "llm-engineer", "target_level": "junior"},
        format="json",
    )
    cohort = created.json()["id"]
    with django_capture_on_commit_callbacks(execute=True):
        invited = lead.post(
            f"/api/v1/cohorts/{cohort}/invites/",
            {"emails": ["ada@example.com", "not an address"]},
            format="json",
        )
        invited_ok = lead.post(
            f"/api/v1/cohorts/{cohort}/invites/", {"emails": ["ada@example.com"]}, format="json"
        )
    assigned = lead.post(
        f"/api/v1/cohorts/{cohort}/assignments/",
        {"path": "llm-engineer-from-backend", "due_date": "2000-01-01"},
        format="json",
    )
    report = lead.get(f"/api/v1/cohorts/{cohort}/report/").json()

    assert created.status_code == 201
    assert created["Location"].endswith(f"/api/v1/cohorts/{cohort}/")
    assert created.json()["members"] == 0
    assert invited.status_code == 422
    assert invited.json()["errors"][0]["field"] == "emails"
    assert (invited_ok.status_code, invited_ok.json()) == (202, {"invited": 1})
    assert [m.to for m in mail.outbox] == [["ada@example.com"]]
    assert assigned.status_code == 422
    assert assigned.json()["errors"][0]["field"] == "due_date"
    assert (report["members"], report["too_few"], report["min_group"]) == (0, True, 5)
    assert report["skills"] is None


def test_a_learner_accepts_shares_and_leaves_through_the_api(cohort, client_for, send_now):
    ada = UserFactory.create(email="ada@example.com")
    invites_send(cohort=cohort, emails=["ada@example.com"])
    invite = Invite.objects.get()
    api = client_for(ada)

    accepted = api.post(
        "/api/v1/invites/accept/",
        {"key": str(invite.key), "token": invite_token(invite)},
        format="json",
    )
    again = api.post(
        "/api/v1/invites/accept/",
        {"key": str(invite.key), "token": invite_token(invite)},
        format="json",
    )
    membership = accepted.json()["id"]
    shared = api.patch(f"/api/v1/memberships/{membership}/", {"shares_detail": True}, format="json")
    left = api.delete(f"/api/v1/memberships/{membership}/")

    assert accepted.status_code == 201
    assert accepted.json()["lead"] == "lead@example.com"
    assert accepted.json()["shares_detail"] is False
    assert again.status_code == 422
    assert again.json()["errors"][0]["message"] == "This invite has already been used."
    assert shared.json()["shares_detail"] is True
    assert left.status_code == 204
    assert not Membership.objects.exists()


def test_the_report_api_gives_the_figures(cohort, client_for):
    ten_members(cohort)
    sharer = member_scored(cohort, 90.0, 4.0, 2.0, shares_detail=True)

    report = client_for(cohort.lead).get(f"/api/v1/cohorts/{cohort.pk}/report/").json()

    assert (report["members"], report["too_few"], report["median_score"]) == (11, False, 70.0)
    assert [b["members"] for b in report["score_bands"]] == [0, 5, 0, 5, None]
    assert [(s["skill"], s["at_target"], s["below_half"]) for s in report["skills"]] == [
        ("evals", 6, 0),
        ("rag", 6, 0),
    ]
    assert [(d["email"], d["score"]) for d in report["shared"]] == [(sharer.user.email, 90.0)]


def test_bad_input_is_a_400_problem_never_a_500(client_for, cohort):
    lead = client_for(cohort.lead)
    role, level = cohort.target_role.slug, cohort.target_level.slug

    nul = lead.post(
        "/api/v1/cohorts/",
        {"name": "x", "target_role": "llm\u0000", "target_level": level},
        format="json",
    )
    unknown = lead.post(
        "/api/v1/cohorts/",
        {"name": "x", "target_role": role, "target_level": level, "lead": 1},
        format="json",
    )
    empty_patch = lead.patch(f"/api/v1/cohorts/{cohort.pk}/", {}, format="json")
    bad_key = lead.post("/api/v1/invites/accept/", {"key": 12, "token": "t"}, format="json")

    assert [r.status_code for r in (nul, unknown, empty_patch, bad_key)] == [400] * 4
    assert nul.json()["errors"][0]["field"] == "target_role"
    assert unknown.json()["errors"][0]["field"] == "lead"
    assert Cohort.objects.count() == 1


def test_a_cohorts_invites_and_assignments_are_plain_lists_as_the_schema_says(cohort, client_for):
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    lead = client_for(cohort.lead)

    for part in ("invites", "assignments"):
        body = lead.get(f"/api/v1/cohorts/{cohort.pk}/{part}/").json()
        operation = schema["paths"][f"/api/v1/cohorts/{{id}}/{part}/"]["get"]
        content = operation["responses"]["200"]["content"]["application/json"]["schema"]
        assert body == []
        assert content["type"] == "array"
        assert "page" not in {p["name"] for p in operation.get("parameters", [])}
