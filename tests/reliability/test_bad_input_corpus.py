"""A corpus of bad input against every write endpoint of API v1, every web form that writes,
and allauth's sign-up (web and app API).

Each test is one (endpoint, case); inside it the case is put into every field it is bad for,
one field at a time, on an otherwise valid body. Every answer must be a 4xx with a clear
message (API: application/problem+json naming the field; web: 422 with the error in the page)
and leave the database as it was: the row count of every model, and every row of both learners
(the one asking and another one whose ids are used) compared before and after.

tests/api/test_bad_input.py and tests/web/test_pages.py hold the single, hand-written cases;
this file is the systematic sweep."""

import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import quote

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.test import Client
from django.utils.html import escape
from rest_framework.test import APIClient

from careers.models import Skill
from paths.models import LearningPath
from tests.api.test_bad_input import assert_problem
from tests.api_clients import APP_API, PASSWORD, login
from tests.factories import SkillFactory, UserFactory, published_path
from tracker.models import Enrolment, ProgressEntry, SkillClaim, User
from tracker.services import enrolment_create, progress_log, skill_claim_set

if TYPE_CHECKING:  # the test client's response: an Answer with .json() and .context
    from django.test.client import _MonkeyPatchedWSGIResponse as Answer
else:
    Answer = Any

pytestmark = [pytest.mark.django_db, pytest.mark.reliability("Bad input")]

TEN_MB = 10 * 1024 * 1024
NESTING = 10_000

# --- The corpus ------------------------------------------------------------------------------

# One value per case, put into a JSON field. "lone-surrogate" is sent as the JSON escape
# \ud800 with nothing after it (see `raw_json`).
CASES: dict[str, Any] = {
    "empty-string": "",
    "list": [1, "a"],
    "object": {"a": 1},
    "bool": True,
    "negative": -1,
    "huge": 10**20,
    "nan-string": "NaN",
    "infinity-string": "Infinity",
    "far-past": "0001-01-01T00:00:00Z",
    "far-future": "9999-12-31T23:59:59Z",
    "past-date": "0001-01-01",
    "bad-timezone": "Mars/Olympus",
    "10k-chars": "x" * 10_000,
    "nul": "a\x00b",
    "lone-surrogate": "\ud800",
}

# What a kind of field rightly accepts from the corpus; every other case must be refused.
ACCEPTS: dict[str, set[str]] = {
    "int": set(),  # a JSON integer in range only: no strings, floats or booleans
    "nullable-int": set(),
    "pk": set(),
    "slug": set(),
    "nullable-slug": {"empty-string"},  # DRF reads "" as null for relations: clears it
    "choice": set(),
    "date": set(),
    "datetime": set(),
    "timezone": set(),
    "url": {"empty-string"},  # "no link"
    "uuid": set(),
    "bool": {"bool"},
    "password": set(),  # the current password: anything else is wrong
    "list-of-objects": set(),
    # Free text: numbers become their digits, and dates or zone names are just words.
    "text": {
        "empty-string",
        "negative",
        "huge",
        "nan-string",
        "infinity-string",
        "far-past",
        "far-future",
        "past-date",
        "bad-timezone",
    },
    "email": set(),
    # A new password: long enough, not common, not all digits. The date-like strings and
    # "Mars/Olympus" are such passwords, and a 10 000-character one is allowed (Django sets no
    # upper length; the hash is the same size).
    "new-password": {"far-past", "far-future", "past-date", "bad-timezone", "10k-chars"},
}

# Whole-body cases, the same for every JSON endpoint.
BODY_CASES = [
    "empty-body",
    "array-body",
    "nan-literal",
    "infinity-literal",
    "deeply-nested",
    "10mb-body",
    "unknown-field",
    "surrogate-key",
]


def is_bad(kind: str, case: str) -> bool:
    return case not in ACCEPTS[kind]


def raw_json(body: dict[str, Any]) -> str:
    """The body as JSON text. json.dumps escapes a lone surrogate as \\ud800 (ensure_ascii),
    which is what a client would send; DRF's renderer could not encode it at all."""
    raw = json.dumps(body)
    for value in body.values():
        if value == "\ud800":
            assert '"\\ud800"' in raw
            assert json.loads(raw) == body  # arrives as a lone surrogate
    return raw


def body_case(case: str, base: dict[str, Any], field: str) -> str:
    """A whole-body case, built by hand; `field` is any field of the endpoint."""
    if case == "empty-body":
        return ""
    if case == "array-body":
        return "[]"
    if case == "nan-literal":
        return json.dumps({**base, field: float("nan")})  # a bare NaN, as Python writes it
    if case == "infinity-literal":
        return json.dumps({**base, field: float("inf")})
    if case == "deeply-nested":
        raw = json.dumps({**base, field: "<nest>"})
        return raw.replace('"<nest>"', "[" * NESTING + "]" * NESTING)
    if case == "10mb-body":
        return json.dumps({**base, field: "x" * TEN_MB})
    if case == "unknown-field":
        return json.dumps({**base, "favourite_colour": "blue"})
    if case == "surrogate-key":
        return json.dumps({**base, "\ud800": "blue"})
    raise AssertionError(case)


# --- The database must not change --------------------------------------------------------------


# One raw statement per snapshot, built once: the ORM's query compiling and a round trip per
# table would cost more than the requests tested.


def _owned_tables() -> list[tuple[str, str, str, str]]:
    """(label, table, user column, pk column) of the user table and every model with a `user`."""
    tables = [(User._meta.label, User._meta.db_table, "id", "id")]
    for model in apps.get_models():
        user = next((f for f in model._meta.fields if f.name == "user" and f.is_relation), None)
        if user is not None:
            pk = model._meta.pk
            assert pk is not None
            tables.append((model._meta.label, model._meta.db_table, user.column, pk.column))
    return tables


@cache
def _snapshot_query(learners: int) -> tuple[list[str], str]:
    """Labels, and a SELECT of: the row count of every model (m2m tables included), then, per
    learner-owned table, every column of the learners' rows as JSON text in pk order."""
    qn = connection.ops.quote_name
    models = apps.get_models(include_auto_created=True)
    labels = [f"{m._meta.label} rows" for m in models]
    # Only table and column names from the models, quoted, go into the text: no input.
    parts = [f"(SELECT COUNT(*) FROM {qn(m._meta.db_table)})" for m in models]  # noqa: S608
    ids = ", ".join(["%s"] * learners)
    for label, table, user, pk in _owned_tables():
        labels.append(f"{label} of the learners")
        if connection.vendor == "postgresql":
            parts.append(
                f"(SELECT json_agg(x ORDER BY x.{qn(pk)})::text FROM {qn(table)} x "  # noqa: S608
                f"WHERE x.{qn(user)} IN ({ids}))"
            )
        else:
            with connection.cursor() as cursor:
                columns = [
                    c.name for c in connection.introspection.get_table_description(cursor, table)
                ]
            row = ", ".join(qn(c) for c in columns)
            parts.append(
                "(SELECT group_concat(r, char(10)) FROM "  # noqa: S608
                f"(SELECT json_array({row}) AS r FROM "
                f"{qn(table)} WHERE {qn(user)} IN ({ids}) ORDER BY {qn(pk)}))"
            )
    return labels, "SELECT " + ", ".join(parts)


def snapshot(users: tuple[User, ...]) -> dict[str, Any]:
    """Row counts of every model and every stored column of the learners' rows."""
    labels, query = _snapshot_query(len(users))
    params = [user.pk for user in users] * len(_owned_tables())
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return dict(zip(labels, cursor.fetchone(), strict=True))


def assert_unchanged(
    before: dict[str, Any], after: dict[str, Any], what: str, counts: bool = True
) -> None:
    changed = [
        f"{label}: {before[label]!s:.200} -> {after[label]!s:.200}"
        for label in before
        if before[label] != after[label] and (counts or not label.endswith(" rows"))
    ]
    assert not changed, f"{what}: changed: {changed}"


@contextmanager
def nothing_changes(*users: User, what: str = "", counts: bool = True) -> Iterator[None]:
    """The row count of every model (unless `counts` is False) and every column of the
    learners' rows are the same after the block."""
    before = snapshot(users)
    yield
    assert_unchanged(before, snapshot(users), what, counts)


# --- Checking an answer ----------------------------------------------------------------------


class NotRefused(AssertionError):
    """Everything else held, but the status was not the 4xx expected."""


def refused_problem(response: Answer, field: str | None) -> None:
    """A 4xx application/problem+json with a detail, and the field among its errors."""
    assert response.status_code < 500, response.content[:500]
    assert 400 <= response.status_code < 500, (response.status_code, response.content[:300])
    body = assert_problem(response, response.status_code)
    assert isinstance(body["detail"], str), body
    assert body["detail"].strip(), body
    if field is not None:  # the field itself, or a part of it ("entries.0")
        named = {e["field"].split(".")[0] for e in body["errors"]}
        assert field in named, body
        assert all(e["message"].strip() for e in body["errors"]), body


def refused_field(response: Answer, field: str) -> None:
    """A field error is a 400 (the serializer) or a 422 (a service rule), never 404/409."""
    refused_problem(response, field)
    assert response.status_code in (400, 422), response.status_code


def html_errors(response: Answer, form: str = "form", field: str | None = None) -> None:
    """The page shows why: the form field's errors, or an error message."""
    html = response.content.decode()
    if field is None:
        found = re.findall(r'<li class="message error">\s*([^<]*\S)', html)
        assert found, html[:2000]
        return
    assert response.context is not None
    errors = response.context[form].errors.get(field)
    assert errors, f"no error on {field}: {response.context[form].errors}"
    for message in errors:
        assert escape(message) in html, message


def fail_unless_4xx(response: Answer, expected: int | None = None) -> None:
    if not 400 <= response.status_code < 500 or expected not in (None, response.status_code):
        raise NotRefused(f"answered {response.status_code}, expected {expected or '4xx'}")


# --- The world: a learner asking, and another learner whose ids are tried ------------------------


@dataclass
class World:
    owner: User
    other: User
    api: APIClient
    web: Client
    enrolment: Enrolment
    theirs: Enrolment
    their_entry: ProgressEntry
    claim: SkillClaim
    their_claim: SkillClaim
    free_path: LearningPath
    free_skill: Skill


@pytest.fixture(scope="module")
def shared_world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    """Built once for the module and rolled back at its end; each test runs in its own
    savepoint (`db`), so what one test changes the next does not see."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield _world()
        transaction.set_rollback(True)


@pytest.fixture
def world(shared_world: World, db: None) -> World:
    shared_world.web.cookies.pop("messages", None)  # no flash message left by another test
    return shared_world


def _world() -> World:
    owner, other = UserFactory.create(), UserFactory.create()
    path = published_path(steps=2)
    enrolment = enrolment_create(user=owner, path=path)
    theirs = enrolment_create(user=other, path=path)
    step = path.steps.get(position=1)
    their_entry = progress_log(enrolment=theirs, step=step, minutes=15).entry
    claimed, free_skill = SkillFactory.create(), SkillFactory.create()
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {login(api, owner.email)['access']}")
    web = Client()
    web.force_login(owner)
    return World(
        owner=owner,
        other=other,
        api=api,
        web=web,
        enrolment=enrolment,
        theirs=theirs,
        their_entry=their_entry,
        claim=skill_claim_set(user=owner, skill=claimed, level=2),
        their_claim=skill_claim_set(user=other, skill=claimed, level=3),
        free_path=published_path(steps=1),
        free_skill=free_skill,
    )


# --- API v1 write endpoints ------------------------------------------------------------------


@dataclass(frozen=True)
class ApiWrite:
    method: str
    url: str  # formatted with the world
    base: Callable[[World], dict[str, Any]]  # a valid body (or {} for a PATCH)
    fields: dict[str, str]  # name: kind

    def path(self, w: World) -> str:
        return self.url.format(e=w.enrolment.pk, c=w.claim.pk)


API_WRITES = {
    "POST progress": ApiWrite(
        "POST",
        "/api/v1/progress/",
        lambda w: {
            "enrolment": w.enrolment.pk,
            "step": w.enrolment.path.steps.get(position=1).pk,
            "minutes": 20,
        },
        {
            "enrolment": "pk",
            "step": "pk",
            "minutes": "int",
            "status": "choice",
            "note": "text",
            "evidence_url": "url",
            "occurred_at": "datetime",
            "client_id": "uuid",
        },
    ),
    "POST progress/batch": ApiWrite(
        "POST", "/api/v1/progress/batch/", lambda w: {}, {"entries": "list-of-objects"}
    ),
    "POST enrolments": ApiWrite(
        "POST",
        "/api/v1/enrolments/",
        lambda w: {"path": w.free_path.slug},
        {"path": "slug", "target_date": "date"},
    ),
    "PATCH enrolments/<id>": ApiWrite(
        "PATCH",
        "/api/v1/enrolments/{e}/",
        lambda w: {},
        {"status": "choice", "target_date": "date"},
    ),
    "PATCH me": ApiWrite(
        "PATCH",
        "/api/v1/me/",
        lambda w: {},
        {
            "background": "nullable-slug",
            "target_role": "nullable-slug",
            "target_level": "nullable-slug",
            "timezone": "timezone",
            "weekly_goal_minutes": "int",
            "remind_inactivity": "bool",
            "remind_behind_pace": "bool",
            "remind_weekly_digest": "bool",
            "inactivity_days": "int",
            "preferred_hour": "int",
            "quiet_hours_start": "nullable-int",
            "quiet_hours_end": "nullable-int",
        },
    ),
    "POST me/delete": ApiWrite(
        "POST", "/api/v1/me/delete/", lambda w: {}, {"password": "password"}
    ),
    "POST skill-claims": ApiWrite(
        "POST",
        "/api/v1/skill-claims/",
        lambda w: {"skill": w.free_skill.slug, "level": 3},
        {"skill": "slug", "level": "int", "evidence_url": "url", "note": "text"},
    ),
    "PATCH skill-claims/<id>": ApiWrite(
        "PATCH",
        "/api/v1/skill-claims/{c}/",
        lambda w: {},
        {"level": "int", "evidence_url": "url", "note": "text"},
    ),
}


def send(client: Client | APIClient, method: str, url: str, raw: str) -> Answer:
    """The raw JSON text as the body, untouched by a renderer."""
    return cast(Answer, client.generic(method, url, raw, content_type="application/json"))


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("endpoint", API_WRITES)
def test_api_field_corpus(world: World, endpoint: str, case: str) -> None:
    """API writes refuse each bad field value with a 4xx problem naming it, changing no row"""
    write = API_WRITES[endpoint]
    fields = [name for name, kind in write.fields.items() if is_bad(kind, case)]
    assert fields, "every case is bad for some field of every endpoint"
    learners = (world.owner, world.other)
    before = snapshot(learners)  # nothing may change, so one "before" serves every field
    for field in fields:
        body = {**write.base(world), field: CASES[case]}
        response = send(world.api, write.method, write.path(world), raw_json(body))
        assert_unchanged(before, snapshot(learners), f"{endpoint} {field}={case}")
        refused_field(response, field)


@pytest.mark.parametrize("case", BODY_CASES)
@pytest.mark.parametrize("endpoint", API_WRITES)
def test_api_body_corpus(world: World, endpoint: str, case: str) -> None:
    """API writes refuse malformed, oversized, empty or extra-field bodies with a 4xx problem"""
    write = API_WRITES[endpoint]
    field = next(iter(write.fields))
    raw = body_case(case, write.base(world), field)

    with nothing_changes(world.owner, world.other, what=f"{endpoint} {case}"):
        response = send(world.api, write.method, write.path(world), raw)

    expected = {"10mb-body": 413}.get(case, 400)
    assert response.status_code == expected, (response.status_code, response.content[:300])
    named = {"unknown-field": "favourite_colour", "surrogate-key": "\\ud800"}.get(case)
    refused_problem(response, named)
    if case in ("empty-body", "array-body"):
        assert assert_problem(response, 400)["errors"], "a missing body names what is missing"


@pytest.mark.parametrize("case", CASES)
def test_api_batch_entries_corpus(world: World, case: str) -> None:
    """A progress batch answers each bad entry with its own 4xx and the field, storing nothing"""
    fields = [n for n, k in API_WRITES["POST progress"].fields.items() if is_bad(k, case)]
    base = API_WRITES["POST progress"].base(world)
    entries = [{**base, field: CASES[case]} for field in fields]

    with nothing_changes(world.owner, world.other, what=f"batch {case}"):
        response = send(
            world.api, "POST", "/api/v1/progress/batch/", raw_json({"entries": entries})
        )

    assert response.status_code == 200, response.content[:500]  # a result per entry
    results = response.json()
    assert [r["index"] for r in results] == list(range(len(fields)))
    for field, result in zip(fields, results, strict=True):
        assert result["status"] in (400, 422), (field, result)
        assert field in {e["field"] for e in result["errors"]}, (field, result)
        assert all(e["message"].strip() for e in result["errors"]), result
        assert "entry" not in result


# Another learner's objects, or ids that are no one's: 404, as if they did not exist.
ID_CASES = {
    "their enrolment": lambda w: w.theirs.pk,
    "missing": lambda w: 999_999,
    "negative": lambda w: -1,
    "huge": lambda w: 10**20,
    "not-a-number": lambda w: "NaN",
    "nul": lambda w: "1%00",
}
ID_WRITES = {
    "PATCH enrolments/<id> status": ("PATCH", "/api/v1/enrolments/{}/", {"status": "paused"}),
    "PATCH enrolments/<id> target": ("PATCH", "/api/v1/enrolments/{}/", {"target_date": None}),
    "PATCH skill-claims/<id>": ("PATCH", "/api/v1/skill-claims/{}/", {"level": 5}),
    "DELETE skill-claims/<id>": ("DELETE", "/api/v1/skill-claims/{}/", None),
}


@pytest.mark.parametrize("ident", ID_CASES)
@pytest.mark.parametrize("endpoint", ID_WRITES)
def test_api_foreign_and_impossible_ids_are_404(world: World, endpoint: str, ident: str) -> None:
    """API writes on another learner's object or an impossible id are a 404, changing nothing"""
    method, url, body = ID_WRITES[endpoint]
    target = ID_CASES[ident](world)
    if ident == "their enrolment" and "skill-claims" in url:
        target = world.their_claim.pk

    with nothing_changes(world.owner, world.other, what=f"{endpoint} {ident}"):
        response = send(
            world.api, method, url.format(target), "" if body is None else json.dumps(body)
        )

    assert response.status_code == 404, response.content[:300]
    refused_problem(response, None)


@pytest.mark.parametrize(
    ("field", "theirs"),
    [("enrolment", lambda w: w.theirs.pk), ("step", lambda w: w.free_path.steps.get().pk)],
    ids=["their-enrolment", "step-of-another-path"],
)
def test_api_progress_on_what_is_not_yours(world: World, field: str, theirs: Any) -> None:
    """Progress on another learner's enrolment answers as for a missing one, storing nothing"""
    base = API_WRITES["POST progress"].base(world)
    missing_body = {**base, field: 999_999}
    their_body = {**base, field: theirs(world)}

    with nothing_changes(world.owner, world.other, what=field):
        theirs_answer = send(world.api, "POST", "/api/v1/progress/", json.dumps(their_body))
        missing_answer = send(world.api, "POST", "/api/v1/progress/", json.dumps(missing_body))

    refused_field(theirs_answer, field)
    if field == "enrolment":  # indistinguishable from an id that does not exist
        assert theirs_answer.status_code == missing_answer.status_code == 400
        assert [
            e["message"].replace(str(their_body[field]), "<id>")
            for e in theirs_answer.json()["errors"]
        ] == [e["message"].replace("999999", "<id>") for e in missing_answer.json()["errors"]]


# --- allauth's app API sign-up ---------------------------------------------------------------

SIGNUP_FIELDS = {"email": "email", "password": "new-password"}


def signup_base() -> dict[str, Any]:
    return {"email": "new-learner@example.com", "password": "a-new-and-long-password"}


def refused_by_allauth(response: Answer, field: str | None) -> None:
    """allauth's own error shape: {"status": 400, "errors": [{"message", "code", "param"}]}."""
    assert response.status_code < 500, response.content[:500]
    assert response["Content-Type"] == "application/json", response["Content-Type"]
    body = response.json()
    assert body["status"] == response.status_code == 400, body
    assert body["errors"], body
    assert all(e["message"].strip() for e in body["errors"]), body
    if field is not None:
        assert field in {e.get("param") for e in body["errors"]}, body


@pytest.mark.parametrize("case", CASES)
def test_app_signup_field_corpus(world: World, case: str) -> None:
    """The app API sign-up refuses each bad email or password with a 400, creating no account"""
    fields = [name for name, kind in SIGNUP_FIELDS.items() if is_bad(kind, case)]
    before = snapshot((world.owner, world.other))
    for field in fields:
        body = {**signup_base(), field: CASES[case]}
        response = send(Client(), "POST", f"{APP_API}/auth/signup", raw_json(body))
        assert_unchanged(before, snapshot((world.owner, world.other)), f"signup {field}={case}")
        refused_by_allauth(response, field)


@pytest.mark.parametrize(
    "password",
    [
        pytest.param("1234567890123", id="all-digits"),
        pytest.param("password1234", id="common"),
        pytest.param("new-learner@example", id="like-the-email"),
        pytest.param("correct\x00horse battery", id="nul-in-a-long-one"),
        pytest.param("correct\ud800horse battery", id="lone-surrogate-in-a-long-one"),
    ],
)
def test_app_signup_password_rules(world: World, password: str) -> None:
    """The app API sign-up enforces the password rules with a 400 and creates no account"""
    body = {**signup_base(), "password": password}
    with nothing_changes(world.owner, world.other, what=repr(password)):
        response = send(Client(), "POST", f"{APP_API}/auth/signup", raw_json(body))
    refused_by_allauth(response, "password")


@pytest.mark.parametrize(
    "case",
    ["empty-body", "array-body", "nan-literal", "infinity-literal", "deeply-nested"],
)
def test_app_signup_body_corpus(world: World, case: str) -> None:
    """The app API sign-up refuses malformed or empty bodies with a 400 and creates no account"""
    raw = body_case(case, signup_base(), "email")
    with nothing_changes(world.owner, world.other, what=case):
        response = send(Client(), "POST", f"{APP_API}/auth/signup", raw)
    refused_by_allauth(response, None)


# --- Web forms -------------------------------------------------------------------------------

# A form posts strings only: no lists, objects or numbers. A lone surrogate cannot be
# encoded in a form either; its UTF-8-style bytes (%ED%A0%80, invalid UTF-8) are sent instead
# and arrive as replacement characters.
WEB_CASES: dict[str, str] = {
    **{case: value for case, value in CASES.items() if isinstance(value, str)},
    "bool": "true",
    "negative": "-1",
    "huge": str(10**20),
    "lone-surrogate": "%ED%A0%80",
}
WEB_ACCEPTS: dict[str, set[str]] = {
    **ACCEPTS,
    "nullable-pk": {"empty-string"},  # the "none" option of a select
    "nullable-int": {"empty-string"},  # an empty input is "not set"
    "nullable-date": {"empty-string"},  # clears the target date
    "text": {*ACCEPTS["text"], "bool", "lone-surrogate"},
    "new-password": {*ACCEPTS["new-password"]},
}


@dataclass(frozen=True)
class WebForm:
    url: str  # formatted with the enrolment id
    base: Callable[[World], dict[str, str]]
    fields: dict[str, str]
    form: str | None  # the context name of the form showing field errors; None: a message
    required: str  # the field an empty POST is missing

    def path(self, w: World, enrolment: int | None = None) -> str:
        return self.url.format(e=enrolment or w.enrolment.pk)


WEB_FORMS = {
    "log progress": WebForm(
        "/enrolments/{e}/log/",
        lambda w: {
            "step": str(w.enrolment.path.steps.get(position=1).pk),
            "minutes": "20",
            "status": "started",
        },
        {
            "step": "pk",
            "minutes": "int",
            "status": "choice",
            "note": "text",
            "evidence_url": "url",
        },
        "form",
        "step",
    ),
    "enrolment status": WebForm(
        "/enrolments/{e}/status/",
        lambda w: {"status": "paused"},
        {"status": "choice"},
        None,
        "status",
    ),
    "target date": WebForm(
        "/enrolments/{e}/status/",
        lambda w: {"target_date": "2099-01-31"},
        {"target_date": "nullable-date"},
        None,
        "status",  # with no target_date, the form is a status change without a status
    ),
    "settings": WebForm(
        "/settings/",
        lambda w: {
            "timezone": "Europe/London",
            "weekly_goal_minutes": "180",
            "inactivity_days": "3",
            "preferred_hour": "18",
        },
        {
            "background": "nullable-pk",
            "target_role": "nullable-pk",
            "target_level": "nullable-pk",
            "timezone": "timezone",
            "weekly_goal_minutes": "int",
            "inactivity_days": "int",
            "preferred_hour": "int",
            "quiet_hours_start": "nullable-int",
            "quiet_hours_end": "nullable-int",
        },
        "form",
        "timezone",
    ),
    "delete account": WebForm(
        "/settings/delete/",
        lambda w: {"password": PASSWORD},
        {"password": "password"},
        "delete_form",
        "password",
    ),
}


def form_body(data: dict[str, str]) -> str:
    return "&".join(
        f"{quote(k)}={v if v == WEB_CASES['lone-surrogate'] else quote(v)}" for k, v in data.items()
    )


def post_form(client: Client, url: str, data: dict[str, str]) -> Answer:
    return client.generic(
        "POST", url, form_body(data), content_type="application/x-www-form-urlencoded"
    )


def refused_form(response: Answer, form: WebForm, field: str | None) -> None:
    assert response.status_code < 500, response.content[:500]
    html_errors(response, form.form or "form", field if form.form else None)
    fail_unless_4xx(response, 422)


@pytest.mark.parametrize("case", WEB_CASES)
@pytest.mark.parametrize("name", WEB_FORMS)
def test_web_form_field_corpus(world: World, name: str, case: str) -> None:
    """Web forms answer each bad field value with a 422 page showing the error, changing no row"""
    form = WEB_FORMS[name]
    fields = [f for f, kind in form.fields.items() if case not in WEB_ACCEPTS[kind]]
    before = snapshot((world.owner, world.other))
    for field in fields:
        data = {**form.base(world), field: WEB_CASES[case]}
        response = post_form(world.web, form.path(world), data)
        assert_unchanged(before, snapshot((world.owner, world.other)), f"{name} {field}={case!r}")
        refused_form(response, form, field)


@pytest.mark.parametrize("name", WEB_FORMS)
def test_web_form_empty_post(world: World, name: str) -> None:
    """Web forms answer an empty POST with a 422 page saying what is missing, changing no row"""
    form = WEB_FORMS[name]
    with nothing_changes(world.owner, world.other, what=name):
        response = post_form(world.web, form.path(world), {})
    refused_form(response, form, form.required)


@pytest.mark.parametrize("name", [n for n in WEB_FORMS if "{e}" in WEB_FORMS[n].url])
def test_web_form_on_another_learners_enrolment_is_404(world: World, name: str) -> None:
    """Web forms posted to another learner's enrolment are a 404, changing neither learner"""
    form = WEB_FORMS[name]
    with nothing_changes(world.owner, world.other, what=name):
        response = post_form(world.web, form.path(world, world.theirs.pk), form.base(world))
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_web_forms_ignore_fields_they_do_not_show(world: World) -> None:
    """Web forms ignore fields they do not show: no mass assignment of user, staff or ids"""
    extra = {"user": str(world.other.pk), "id": "1", "is_staff": "on", "user_id": "1"}
    settings_form = WEB_FORMS["settings"]
    log = WEB_FORMS["log progress"]

    with nothing_changes(world.other, what="extra fields", counts=False):
        saved = post_form(world.web, "/settings/", {**settings_form.base(world), **extra})
        logged = post_form(world.web, log.path(world), {**log.base(world), **extra})

    assert (saved.status_code, logged.status_code) == (302, 302)
    world.owner.refresh_from_db()
    assert not world.owner.is_staff
    entry = ProgressEntry.objects.exclude(pk=world.their_entry.pk).get()
    assert (entry.user_id, entry.enrolment_id) == (world.owner.pk, world.enrolment.pk)


@pytest.mark.parametrize("case", [c for c in WEB_CASES if c != "empty-string"])
def test_unsubscribe_refuses_a_bad_token(world: World, case: str) -> None:
    """The unsubscribe link refuses a malformed or forged token with a 400, changing nothing"""
    token = quote(WEB_CASES[case], safe="%")
    with nothing_changes(world.owner, world.other, what=case):
        response = Client().post(f"/reminders/unsubscribe/{token}/")
    if "/" in WEB_CASES[case]:  # the token's / splits the path: no such page
        assert response.status_code == 404, response.status_code
        assert "Page not found" in response.content.decode()
    else:
        assert response.status_code == 400, response.status_code
        assert "not valid" in response.content.decode()


# --- allauth's web sign-up ---------------------------------------------------------------------

WEB_SIGNUP_FIELDS = {"email": "email", "password1": "new-password"}


@pytest.mark.parametrize("case", WEB_CASES)
def test_web_signup_field_corpus(world: World, case: str) -> None:
    """The web sign-up form refuses each bad email or password, shows why and creates no account"""
    fields = [f for f, kind in WEB_SIGNUP_FIELDS.items() if case not in WEB_ACCEPTS[kind]]
    answers = []
    for field in fields:
        data = {"email": "new-learner@example.com", "password1": "a-new-and-long-password"}
        data[field] = WEB_CASES[case]
        with nothing_changes(world.owner, world.other, what=f"signup {field}={case!r}"):
            response = post_form(Client(), "/accounts/signup/", data)
        assert response.status_code < 500
        html_errors(response, "form", field)
        answers.append(response)
    for response in answers:
        fail_unless_4xx(response)


@pytest.mark.parametrize(
    "password",
    ["short", "1234567890123", "password1234", "new-learner@example", "correct\x00horse battery"],
)
def test_web_signup_password_rules(world: World, password: str) -> None:
    """The web sign-up form enforces the password rules, shows why and creates no account"""
    data = {"email": "new-learner@example.com", "password1": password}
    with nothing_changes(world.owner, world.other, what=repr(password)):
        response = post_form(Client(), "/accounts/signup/", data)
    assert response.status_code < 500
    html_errors(response, "form", "password1")
    fail_unless_4xx(response)


# --- 10 MB outside the API --------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["/enrolments/{e}/log/", "/settings/", "/accounts/signup/", f"{APP_API}/auth/signup"]
)
def test_a_10_mb_body_outside_the_api_is_413(world: World, url: str) -> None:
    """A 10 MB body to a web form or the app sign-up is refused with a 413 and changes nothing"""
    path = url.format(e=world.enrolment.pk)
    json_api = url.startswith(APP_API)
    raw = json.dumps({"email": "x" * TEN_MB}) if json_api else "note=" + "x" * TEN_MB
    client = Client() if "signup" in url else world.web
    with nothing_changes(world.owner, world.other, what=url):
        response = client.generic(
            "POST",
            path,
            raw,
            content_type="application/json" if json_api else "application/x-www-form-urlencoded",
        )
    assert response.status_code < 500
    fail_unless_4xx(response, 413)
    if json_api:
        assert response.json()["detail"] == "The request body is too large."
    else:
        assert "too large" in response.content.decode()


def test_the_database_check_sees_a_changed_column_and_a_new_row(world: World) -> None:
    """The "nothing changed" check itself notices one changed column and one new row"""
    learners = (world.owner, world.other)
    with pytest.raises(AssertionError, match=r"tracker\.Enrolment of the learners"):
        assert_unchanged(snapshot(learners), _after(learners, world.theirs.pk), "update")
    before = snapshot(learners)
    SkillFactory.create()
    with pytest.raises(AssertionError, match=r"careers\.Skill rows"):
        assert_unchanged(before, snapshot(learners), "insert")


def _after(learners: tuple[User, ...], enrolment: int) -> dict[str, Any]:
    Enrolment.objects.filter(pk=enrolment).update(target_date="2099-01-01")
    return snapshot(learners)
