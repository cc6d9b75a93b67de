"""schemathesis over the whole API schema, authenticated as a learner with data: no server
error and no response that breaks the schema. Runs in process against the WSGI app."""

from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error, response_schema_conformance

from tests.factories import UserFactory, published_path
from tracker.services import enrolment_create, progress_log


@pytest.fixture
def bearer(client_for, catalogue) -> dict[str, str]:
    user = UserFactory.create()
    path = published_path(steps=2)
    enrolment = enrolment_create(user=user, path=path)
    progress_log(enrolment=enrolment, step=path.steps.get(position=1), minutes=20)
    client = client_for(user)
    return {"Authorization": client._credentials["HTTP_AUTHORIZATION"]}


@pytest.fixture
def api_schema(bearer: dict[str, str]) -> Any:
    # Like Django's test client: keep the test's database connection (and its transaction)
    # open across in-process requests.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.mark.reliability("API fuzzing")
def test_no_server_error_and_responses_match_the_schema(api_schema, bearer):
    """schemathesis on every operation: no server error, responses match the schema."""
    # schemathesis's own pytest plugin does not run on pytest 9 yet, so each operation gets
    # a hypothesis test here, from the operation's strategy.
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 20

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=12,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def check(case: Any) -> None:
            case.call_and_validate(
                headers=bearer, checks=[not_a_server_error, response_schema_conformance]
            )

        check()
