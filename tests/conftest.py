import importlib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from allauth.account.internal.flows.login import record_authentication
from django.core.cache import cache
from django.db import transaction
from django.test import Client, RequestFactory
from rest_framework.test import APIClient

from config.celery_app import app as celery_app
from paths.catalogue import catalogue_load
from tests.api_clients import login
from tests.factories import CuratorFactory, UserFactory
from tests.processes import RedisServer
from tracker.models import User

pytest_plugins = ["tests.reliability_table", "tests.browser"]


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    """Rate limits and throttles count in the cache; each test starts from zero."""
    cache.clear()


@pytest.fixture(scope="module")
def shared_catalogue(django_db_setup, django_db_blocker):
    """The real catalogue, loaded once per module and rolled back at the end of the module;
    each test runs in its own savepoint inside it (`db`), so what a test changes, catalogue
    rows included, is undone after it. Transactional tests (which commit) call
    `catalogue_load()` themselves: this fixture refuses them."""
    with django_db_blocker.unblock(), transaction.atomic():
        catalogue_load()
        yield
        transaction.set_rollback(True)


@pytest.fixture
def catalogue(shared_catalogue: None, db: None) -> None:
    """The real catalogue from the data files (loaded once per module: shared_catalogue)."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A transactional test commits, so it cannot run inside shared_catalogue's module-wide
    transaction: it calls catalogue_load() itself. Refused at collection, before any setup."""
    misused = [
        item.nodeid
        for item in items
        if "catalogue" in getattr(item, "fixturenames", ())
        and any(m.kwargs.get("transaction") for m in item.iter_markers("django_db"))
    ]
    if misused:
        raise pytest.UsageError(
            "transactional tests must call catalogue_load(), not use the catalogue fixture: "
            + ", ".join(misused)
        )


@pytest.fixture
def learner(db: None) -> User:
    return UserFactory.create()


@pytest.fixture
def curator(db: None) -> User:
    return CuratorFactory.create()


@pytest.fixture
def mfa_client_for(db: None) -> Callable[[User], Client]:
    """A web client signed in with a password and a second factor, as the admin requires.

    The sign-in itself (code and all) is tested in tests/security/test_admin_mfa.py."""

    def make(user: User) -> Client:
        client = Client()
        client.force_login(user)
        request = RequestFactory().get("/")
        request.session = client.session
        record_authentication(request, user, "password", email=user.email)
        record_authentication(request, user, "mfa", type="totp")
        request.session.save()
        return client

    return make


@pytest.fixture
def curator_client(mfa_client_for, curator):
    return mfa_client_for(curator)


@pytest.fixture
def api() -> APIClient:
    return APIClient()


@pytest.fixture
def client_for(db: None) -> Callable[[User], APIClient]:
    """An API client holding a real access token for the user."""

    def make(user: User) -> APIClient:
        client = APIClient()
        tokens = login(client, user.email)
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
        return client

    return make


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    """A private redis-server for end-to-end tests; the shared one is never stopped."""
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def broker(redis_server: RedisServer, monkeypatch: pytest.MonkeyPatch) -> RedisServer:
    """Point this process's Celery app at the private Redis."""
    monkeypatch.setitem(celery_app.conf, "broker_url", redis_server.url)
    monkeypatch.setitem(celery_app.conf, "result_backend", redis_server.url)
    monkeypatch.setattr(celery_app.amqp, "_producer_pool", None)
    monkeypatch.setattr(celery_app, "_pool", None)
    monkeypatch.setattr(importlib.import_module("config.celery_app"), "_broker_down_until", 0.0)
    return redis_server
