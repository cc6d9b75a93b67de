from collections.abc import Callable

import pytest
from rest_framework.test import APIClient

from tests.factories import UserFactory
from tracker.models import User


@pytest.fixture
def owner(db: None) -> User:
    return UserFactory.create()


@pytest.fixture
def owner_api(client_for: Callable[[User], APIClient], owner: User) -> APIClient:
    return client_for(owner)
