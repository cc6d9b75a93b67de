"""The embedded default under concurrent writes: learners posting progress at the same moment
to a real server on a SQLite file get no 503 ("database is locked"), and every acknowledged
entry is stored exactly once."""

import json
import os
import sqlite3
import subprocess
import sys
import threading
import uuid
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.api_clients import APP_API, PASSWORD
from tests.processes import ROOT, WebServer

pytestmark = [pytest.mark.reliability("Load"), pytest.mark.e2e, pytest.mark.slow]

WRITERS = 4
POSTS_EACH = 30

SEED = f"""
import json
from tests.factories import UserFactory, published_path
from tracker.services import enrolment_create
path = published_path(steps=3)
steps = list(path.steps.order_by("position").values_list("pk", flat=True))
learners = []
for n in range({WRITERS}):
    user = UserFactory.create(email=f"writer{{n}}@example.com")
    enrolment = enrolment_create(user=user, path=path)
    learners.append({{"email": user.email, "enrolment": enrolment.pk, "steps": steps}})
print(json.dumps(learners))
"""


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture
def embedded(tmp_path: Path) -> dict[str, str]:
    """Development settings on a SQLite file, as `make run` uses them; no Redis."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DJANGO_") and key not in {"DATABASE_URL", "REDIS_URL"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.local",
        DATABASE_URL=f"sqlite:///{tmp_path / 'pathwise.sqlite3'}",
        PATHWISE_VAR_DIR=str(tmp_path),
    )
    return env


def test_four_learners_posting_progress_at_once_on_sqlite(embedded, tmp_path):
    """Four learners post progress at once on SQLite: no 503, every entry stored once."""
    manage(embedded, "migrate", "--no-input", "-v0")
    learners = json.loads(manage(embedded, "shell", "--no-imports", "-c", SEED).splitlines()[-1])
    web = WebServer(embedded, tmp_path / "gunicorn.log", workers=WRITERS)
    try:
        sessions = []
        for learner in learners:
            session = requests.Session()
            login = session.post(
                f"{web.url}{APP_API}/auth/login",
                json={"email": learner["email"], "password": PASSWORD},
                timeout=30,
            )
            assert login.status_code == 200, login.text
            session.headers["Authorization"] = f"Bearer {login.json()['meta']['access_token']}"
            sessions.append(session)

        start = threading.Barrier(WRITERS)
        answers: list[list[tuple[int, Any]]] = [[] for _ in learners]

        def write(n: int) -> None:
            learner, session = learners[n], sessions[n]
            start.wait()
            for i in range(POSTS_EACH):
                entry = {
                    "enrolment": learner["enrolment"],
                    "step": learner["steps"][i % len(learner["steps"])],
                    "minutes": 5,
                    "client_id": str(uuid.uuid4()),
                }
                response = session.post(f"{web.url}/api/v1/progress/", json=entry, timeout=60)
                body = response.json() if response.status_code == 201 else response.text
                answers[n].append((response.status_code, body))

        threads = [threading.Thread(target=write, args=(n,)) for n in range(WRITERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
    finally:
        web.stop()

    statuses = [status for learner in answers for status, _ in learner]
    errors = [(status, body) for learner in answers for status, body in learner if status != 201]
    assert len(statuses) == WRITERS * POSTS_EACH
    assert errors == [], f"{len(errors)} of {len(statuses)} POSTs failed: {errors[:3]}"
    with sqlite3.connect(tmp_path / "pathwise.sqlite3") as db:
        for learner, acknowledged in zip(learners, answers, strict=True):
            stored = db.execute(
                "SELECT e.id, e.client_id FROM tracker_progressentry e "
                "JOIN tracker_user u ON u.id = e.user_id WHERE u.email = ?",
                [learner["email"]],
            ).fetchall()
            assert sorted(
                (body["id"], uuid.UUID(body["client_id"]).hex) for _, body in acknowledged
            ) == sorted((entry_id, uuid.UUID(client_id).hex) for entry_id, client_id in stored)
