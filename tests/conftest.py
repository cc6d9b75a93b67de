import pytest
from django.core.cache import cache
from django.db import transaction

from paths.catalogue import catalogue_load
from tests.factories import CuratorFactory, UserFactory
from tracker.models import User


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    """Rate limits and throttles count in the cache; each test starts from zero."""
    cache.clear()


@pytest.fixture
def catalogue(db: None) -> None:
    """The real catalogue from the data files."""
    catalogue_load()


@pytest.fixture(scope="module")
def shared_catalogue(django_db_setup, django_db_blocker):
    """The real catalogue, loaded once per module for tests that only read it; rolled back at
    the end of the module. Each test still runs in its own savepoint (`db`)."""
    with django_db_blocker.unblock(), transaction.atomic():
        catalogue_load()
        yield
        transaction.set_rollback(True)


@pytest.fixture
def learner(db: None) -> User:
    return UserFactory.create()


@pytest.fixture
def curator(db: None) -> User:
    return CuratorFactory.create()
