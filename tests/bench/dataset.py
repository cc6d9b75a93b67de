"""Data the benchmarks build in the bench database, and signing in to the running server."""

import requests

from tracker.demo import demo_history_seed
from tracker.models import User
from tracker.recompute import readiness_recompute
from tracker.services import user_ensure

PASSWORD = "a-long-bench-password"


def learner_with_history(email: str) -> User:
    """A learner like the demo one: two enrolments, four weeks of progress, a skill claim,
    and stored readiness."""
    user, _ = user_ensure(email=email, password=PASSWORD)
    demo_history_seed(user=user)
    readiness_recompute(user_id=user.pk)
    return user


def access_token(base_url: str, email: str) -> str:
    """Through allauth's app login on the running server, as a mobile client gets one."""
    response = requests.post(
        f"{base_url}/_allauth/app/v1/auth/login",
        json={"email": email, "password": PASSWORD},
        timeout=30,
    )
    response.raise_for_status()
    return str(response.json()["meta"]["access_token"])
