"""schemathesis's state machine over the API, following the schema's OpenAPI links
(config/openapi.py, plus the list-to-detail links schemathesis infers): sequences of calls
where each one uses what an earlier one answered, as a signed-in learner with the catalogue
loaded, in process against the WSGI app."""

import time
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.cache import cache
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error, response_schema_conformance
from schemathesis.generation.modes import GenerationMode

from careers.models import Skill
from paths.models import LearningPath
from tests.factories import UserFactory
from tracker.recompute import readiness_recompute
from tracker.services import enrolment_create, learner_profile_update, progress_log, skill_claim_set

pytestmark = [pytest.mark.reliability("API fuzzing")]

CHECKS = [not_a_server_error, response_schema_conformance]
SCENARIOS = 50
STEPS_PER_SCENARIO = 10  # more operations than before (teams): longer walks reach the links


@pytest.fixture
def learner_headers(client_for, catalogue) -> dict[str, str]:
    """A learner signed in through the app API, aiming at a catalogue path's role and level,
    enrolled on it with progress on its first step, one skill claimed, readiness computed."""
    user = UserFactory.create()
    path = LearningPath.objects.filter(status=LearningPath.Status.PUBLISHED).order_by("slug")[0]
    learner_profile_update(user=user, target_role=path.role, target_level=path.level)
    enrolment = enrolment_create(user=user, path=path)
    progress_log(enrolment=enrolment, step=path.steps.get(position=1), minutes=20)
    skill_claim_set(user=user, skill=Skill.objects.order_by("slug")[0], level=2)
    readiness_recompute(user_id=user.pk)
    client = client_for(user)
    return {"Authorization": client._credentials["HTTP_AUTHORIZATION"]}


@pytest.fixture
def api_schema(learner_headers: dict[str, str]) -> Iterator[Any]:
    # Like Django's test client: keep the test's database connection (and its transaction)
    # open across in-process requests.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())
    # Valid requests, so that chains get past their first call; bad input has its own tests
    # (tests/api/test_schemathesis.py, test_bad_input.py).
    schema.config.generation.update(modes=[GenerationMode.POSITIVE])
    yield schema
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def test_state_machine_over_the_links(api_schema, learner_headers):
    """schemathesis state machine over the API's links: no server error"""
    calls: Counter[str] = Counter()  # operation -> calls
    # (link, whether schemathesis inferred it rather than config/openapi.py, status) -> calls
    # that used values an earlier response gave
    linked: Counter[tuple[str, bool, int]] = Counter()

    class Workflow(api_schema.as_state_machine()):  # type: ignore[misc]
        """Each scenario starts from the fixture's data: its writes are rolled back."""

        def setup(self) -> None:
            cache.clear()  # throttles count in the cache
            self._scenario = transaction.atomic()
            self._scenario.__enter__()

        def teardown(self) -> None:
            transaction.set_rollback(True)
            self._scenario.__exit__(None, None, None)

        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"headers": learner_headers}

        def validate_response(
            self, response: Any, case: Any, additional_checks: Any = None, **kwargs: Any
        ) -> None:
            case.validate_response(
                response, checks=CHECKS, headers=learner_headers, transport_kwargs=kwargs
            )

        def step(self, input: Any) -> Any:
            output = super().step(input)
            calls[input.case.operation.label] += 1
            if input.transition is not None and input.is_applied:
                transition = input.transition
                linked[transition.id, transition.is_inferred, output.response.status_code] += 1
            return output

    started = time.monotonic()
    Workflow.run(
        settings=settings(
            max_examples=SCENARIOS,
            stateful_step_count=STEPS_PER_SCENARIO,
            deadline=None,
            derandomize=True,
            database=None,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
    )
    elapsed = time.monotonic() - started

    print(f"\n{calls.total()} calls in {elapsed:.1f}s, {linked.total()} of them linked:")
    for (link, inferred, status), count in sorted(linked.items()):
        print(f"  {count:3} {link} => {status}{' (inferred)' if inferred else ''}")
    # A state machine that only made single calls would prove nothing about the links.
    assert linked.total() >= SCENARIOS // 2, linked
    # The documented links led somewhere: a call using their values succeeded.
    assert any(not inferred and status < 300 for _, inferred, status in linked), linked
