import pytest

from teams.models import Cohort
from teams.services import cohort_create
from tests.factories import LevelFactory, RoleFactory, UserFactory


@pytest.fixture
def send_now(monkeypatch):
    """Invite emails sent when the transaction commits, in process (as the worker would)."""
    monkeypatch.setattr("teams.services.enqueue_or_skip", lambda task, *args: task(*args))


@pytest.fixture
def cohort(db) -> Cohort:
    return cohort_create(
        lead=UserFactory.create(email="lead@example.com"),
        name="Spring bootcamp",
        target_role=RoleFactory.create(),
        target_level=LevelFactory.create(),
    )
