"""A client generated from /api/schema/ with openapi-python-client (--fail-on-warning), driven
through a mobile app's life against a live server: every answer is decoded into the typed
model the schema promises for its status (an undocumented status raises), errors included.

Authentication (sign-up, verification, login) is allauth's app API, specified in its own
document (/_allauth/openapi.json): a second client is generated from it, as an app would."""

import importlib
import os
import re
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from drf_spectacular.generators import SchemaGenerator

from paths.catalogue import catalogue_load
from tests.openapi_check import response_problems
from tests.processes import ROOT
from tracker.models import ProgressEntry, User

PACKAGE, AUTH_PACKAGE = "pathwise_client", "pathwise_auth_client"
EMAIL, PASSWORD = "app@example.com", "correct horse battery"


def generate(document: Path, package: str) -> None:
    """openapi-python-client --fail-on-warning: a warning (an untyped field, an ambiguous
    response) fails the test."""
    bin_dir = Path(sys.executable).parent  # the generator formats with ruff, found on PATH
    result = subprocess.run(
        [
            str(bin_dir / "openapi-python-client"),
            "generate",
            f"--path={document}",
            "--meta=none",
            f"--output-path={document.parent / package}",
            "--fail-on-warning",
        ],
        cwd=ROOT,
        env={**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    """Two clients, as an app has them: ours from /api/schema/, and the authentication one
    from allauth's own document (/_allauth/openapi.json)."""
    folder = tmp_path_factory.mktemp("generated")
    call_command("spectacular", "--format", "openapi-json", "--file", str(folder / "api.json"))
    allauth = Client(HTTP_HOST="localhost").get("/_allauth/openapi.json")
    (folder / "auth.json").write_bytes(allauth.content)
    generate(folder / "api.json", PACKAGE)
    generate(folder / "auth.json", AUTH_PACKAGE)
    sys.path.insert(0, str(folder))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(folder))
        for name in [m for m in sys.modules if m.split(".")[0] in (PACKAGE, AUTH_PACKAGE)]:
            del sys.modules[name]


def api(package: ModuleType, operation: str) -> Any:
    return importlib.import_module(f"{PACKAGE}.api.v1.{operation}")


def model(package: ModuleType, name: str) -> Any:
    return getattr(importlib.import_module(f"{PACKAGE}.models"), name)


def sign_up_and_log_in(base: str) -> str:
    """allauth's app API through its generated client: sign up, verify the emailed code, log
    in; the access token."""
    auth = importlib.import_module(f"{AUTH_PACKAGE}.client")
    models = importlib.import_module(f"{AUTH_PACKAGE}.models")

    def call(operation: str, **kwargs: Any) -> Any:
        module = f"{AUTH_PACKAGE}.api.authentication_account.post_allauth_app_v1_{operation}"
        return importlib.import_module(module).sync_detailed(client=client, **kwargs)

    with auth.Client(base_url=base, raise_on_unexpected_status=True) as client:
        signup = call("auth_signup", body=models.Signup(email=EMAIL, password=PASSWORD))
        assert signup.status_code == 401  # signed up; the email needs verifying
        code = re.search(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", str(mail.outbox[-1].body), re.MULTILINE)
        assert code is not None
        verified = call(
            "auth_email_verify",
            body=models.VerifyEmail(key=code.group(1)),
            x_session_token=signup.parsed.meta.session_token,
        )
        assert verified.status_code == 200
        login = call(
            "auth_login", body=models.Login.from_dict({"email": EMAIL, "password": PASSWORD})
        )
        assert login.status_code == 200
        return str(login.parsed.meta.access_token)


class SchemaCheck:
    """Validates every response against the schema: its status documented for the operation,
    with its media type, and its body valid for that status (error bodies included)."""

    def __init__(self, schema: dict[str, Any]) -> None:
        self.schema = schema
        self.routes = [  # literal paths first: progress/batch/ before progress/{id}/
            (re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", path) + "$"), path)
            for path in sorted(schema["paths"], key=lambda path: path.count("{"))
        ]
        self.checked: list[str] = []
        self.problems: list[str] = []

    def __call__(self, response: httpx.Response) -> None:
        response.read()
        method, path = response.request.method.lower(), response.request.url.path
        template = next((t for pattern, t in self.routes if pattern.match(path)), None)
        where = f"{method.upper()} {path} {response.status_code}"
        self.checked.append(where)
        if template is None:
            self.problems.append(f"{where}: no such path in the schema")
            return
        media_type = response.headers.get("Content-Type", "").split(";")[0]
        body = response.json() if response.content else None
        for problem in response_problems(
            self.schema, template, method, response.status_code, media_type, body
        ):
            self.problems.append(f"{where}: {problem}")


@pytest.fixture
def check(generated: ModuleType) -> SchemaCheck:
    return SchemaCheck(SchemaGenerator().get_schema(request=None, public=True))


@pytest.fixture
def app(
    generated: ModuleType, check: SchemaCheck, live_server: Any, transactional_db: None
) -> Iterator[Any]:
    """The generated client, signed in as a new learner, every response checked against the
    schema; closed at the end, so the server's keep-alive thread lets go of its database
    connection."""
    catalogue_load()
    client_module = importlib.import_module(f"{PACKAGE}.client")
    token = sign_up_and_log_in(live_server.url)
    with client_module.AuthenticatedClient(
        base_url=live_server.url,
        token=token,
        raise_on_unexpected_status=True,
        httpx_args={"event_hooks": {"response": [check]}},
    ) as client:
        yield client


@pytest.mark.e2e
def test_a_generated_client_lives_an_apps_whole_life(generated, app, check):
    problem = model(generated, "Problem")

    paths = api(generated, "v1_paths_list").sync(client=app, role="llm-engineer")
    assert "llm-engineer-from-backend" in [p.slug for p in paths.results]
    path = api(generated, "v1_paths_retrieve").sync(client=app, slug="llm-engineer-from-backend")

    enrolled = api(generated, "v1_enrolments_create").sync_detailed(
        client=app,
        body=model(generated, "EnrolmentCreateRequest")(path="llm-engineer-from-backend"),
    )
    assert enrolled.status_code == 201
    assert enrolled.headers["Location"].endswith(f"/api/v1/enrolments/{enrolled.parsed.id}/")
    enrolment = enrolled.parsed

    # Offline: two entries logged on the device, sent in one batch, then sent again.
    entry = model(generated, "ProgressCreateRequest")
    batch = model(generated, "ProgressBatchRequest")(
        entries=[
            entry(enrolment=enrolment.id, step=step.id, minutes=20, client_id=uuid.uuid4())
            for step in path.steps[:2]
        ]
    )
    first = api(generated, "v1_progress_batch_create").sync(client=app, body=batch)
    again = api(generated, "v1_progress_batch_create").sync(client=app, body=batch)
    assert [r.status for r in first] == [201, 201]
    assert [r.status for r in again] == [200, 200]  # replayed, nothing logged twice
    assert ProgressEntry.objects.filter(user__email=EMAIL).count() == 2

    refused = api(generated, "v1_progress_create").sync_detailed(
        client=app, body=entry(enrolment=enrolment.id, step=path.steps[0].id, minutes=-5)
    )
    assert refused.status_code == 400
    assert isinstance(refused.parsed, problem)
    assert refused.parsed.errors[0].field == "minutes"

    readiness = api(generated, "v1_readiness_retrieve").sync(
        "llm-engineer", client=app, level="junior"
    )
    assert readiness.score is not None
    assert readiness.breakdown
    assert readiness.next_steps
    missing = api(generated, "v1_readiness_retrieve").sync_detailed("nope", client=app)
    assert missing.status_code == 404
    assert missing.parsed.detail == 'No role is called "nope".'

    dashboard = api(generated, "v1_dashboard_retrieve").sync(client=app)
    assert [e.enrolment.id for e in dashboard.enrolments] == [enrolment.id]

    export = api(generated, "v1_me_export_retrieve").sync(client=app)
    assert len(export.progress) == 2

    wrong = api(generated, "v1_me_delete_create").sync_detailed(
        client=app, body=model(generated, "PasswordConfirmRequest")(password="not it at all")
    )
    deleted = api(generated, "v1_me_delete_create").sync_detailed(
        client=app, body=model(generated, "PasswordConfirmRequest")(password=PASSWORD)
    )
    assert wrong.status_code == 400
    assert isinstance(wrong.parsed, problem)
    assert deleted.status_code == 204
    assert not User.objects.filter(email=EMAIL).exists()
    gone = api(generated, "v1_me_retrieve").sync_detailed(client=app)
    assert gone.status_code == 401
    assert isinstance(gone.parsed, problem)
    assert len(check.checked) == 13  # every call above
    assert check.problems == [], "\n".join(check.problems)
