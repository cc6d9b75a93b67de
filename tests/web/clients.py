"""Signed-in web clients and learners for the page tests."""

from django.test import Client

from careers.models import Role, SeniorityLevel
from tests.factories import UserFactory
from tracker.models import User
from tracker.services import learner_profile_update


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def learner_targeting(role: str = "llm-engineer", level: str = "junior") -> User:
    """A new learner whose target is `role` at `level` (the catalogue must be loaded)."""
    user = UserFactory.create()
    learner_profile_update(
        user=user,
        target_role=Role.objects.get(slug=role),
        target_level=SeniorityLevel.objects.get(slug=level),
    )
    return user
