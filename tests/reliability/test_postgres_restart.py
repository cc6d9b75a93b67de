"""PostgreSQL restarted under a running product: requests fail cleanly with 503 while it is
down, and the same web and worker processes carry on when it is back. The product runs on a
throwaway cluster (tests/processes.py), so the machine's shared server is never stopped."""

import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
import requests

from tests.processes import (
    ROOT,
    CeleryProcess,
    PostgresCluster,
    RedisServer,
    WebServer,
    wait_for,
    worker_env,
)

pytestmark = [pytest.mark.reliability("Faults"), pytest.mark.slow]

EMAIL, PASSWORD = "fault@example.com", "a-long-test-password"
PATH = "llm-engineer-from-backend"
CREATE_LEARNER = f"""
from tests.factories import UserFactory
UserFactory.create(email="{EMAIL}", password="{PASSWORD}")
"""


class Product:
    """Web (gunicorn), a Celery worker and the database they share."""

    def __init__(self, workdir: Path) -> None:
        self.cluster = PostgresCluster()
        self.redis = RedisServer(workdir)
        self.workdir = workdir
        self.database_url = self.cluster.url("pathwise")

    def env(self) -> dict[str, str]:
        return {
            **worker_env(self.redis.url, self.workdir / "mail"),
            "DATABASE_URL": self.database_url,
        }

    def manage(self, *args: str) -> None:
        subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=self.env(), check=True)

    def start(self) -> None:
        self.cluster.start()
        self.cluster.create_database("pathwise")
        self.redis.start()
        self.manage("migrate", "--no-input", "-v0")
        self.manage("load_catalogue")
        self.manage("shell", "-c", CREATE_LEARNER)
        self.web = WebServer(self.env(), self.workdir / "web.log")
        self.worker = CeleryProcess(
            "worker", self.env(), self.workdir / "worker.log", "-Q", "celery,readiness", "-c", "1"
        )
        self.worker.wait_ready()

    def stop(self) -> None:
        for process in (getattr(self, "worker", None), getattr(self, "web", None)):
            if process is not None:
                process.stop()
        self.redis.stop()
        self.cluster.remove()

    def query(self, sql: str) -> Any:
        with psycopg.connect(self.database_url) as conn:
            row = conn.execute(sql).fetchone()
            return row[0] if row else None


@pytest.fixture
def product(tmp_path: Path) -> Iterator[Product]:
    running = Product(tmp_path)
    try:
        running.start()
        yield running
    finally:
        running.stop()


def api_session(product: Product) -> requests.Session:
    session = requests.Session()
    login = session.post(
        f"{product.web.url}/_allauth/app/v1/auth/login",
        json={"email": EMAIL, "password": PASSWORD},
        timeout=10,
    )
    assert login.status_code == 200, login.text
    session.headers["Authorization"] = f"Bearer {login.json()['meta']['access_token']}"
    return session


def web_session(product: Product) -> requests.Session:
    session = requests.Session()
    session.get(f"{product.web.url}/accounts/login/", timeout=10)
    signed_in = session.post(
        f"{product.web.url}/accounts/login/",
        data={
            "login": EMAIL,
            "password": PASSWORD,
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
        },
        allow_redirects=False,
        timeout=10,
    )
    assert signed_in.status_code == 302, signed_in.text
    return session


def test_postgres_restart_gives_503_then_the_same_processes_recover(product):
    """PostgreSQL restarted: 503 problem+json while down, then the same web and worker recover."""
    api, web = api_session(product), web_session(product)
    base = product.web.url
    assert api.patch(
        f"{base}/api/v1/me/",
        json={"target_role": "llm-engineer", "target_level": "junior"},
        timeout=10,
    ).ok
    enrolment = api.post(f"{base}/api/v1/enrolments/", json={"path": PATH}, timeout=10).json()
    steps = api.get(f"{base}/api/v1/paths/{PATH}/", timeout=10).json()["steps"]

    def entry(step: int) -> dict[str, Any]:
        return {
            "enrolment": enrolment["id"],
            "step": steps[step]["id"],
            "minutes": 30,
            "status": "completed",
            "client_id": str(uuid.uuid4()),
        }

    def score() -> Any:  # the target's (another role's first rung may have no score)
        return product.query(
            "SELECT s.score FROM tracker_readinessscore s"
            " JOIN careers_role r ON r.id = s.role_id"
            " JOIN careers_senioritylevel l ON l.id = s.level_id"
            " WHERE r.slug = 'llm-engineer' AND l.slug = 'junior'"
        )

    assert api.post(f"{base}/api/v1/progress/", json=entry(0), timeout=10).status_code == 201
    first_score = wait_for(score, 30, "the worker to store a readiness score")
    web_pid, booted = product.web.process.pid, product.web.log.read_text().count("Booting worker")

    product.cluster.stop()

    during_outage = entry(1)
    refused = api.post(f"{base}/api/v1/progress/", json=during_outage, timeout=10)
    assert refused.status_code == 503
    assert refused.headers["Content-Type"] == "application/problem+json"
    assert refused.headers["Retry-After"] == "5"
    assert refused.json()["detail"].startswith("The service is briefly unavailable")
    assert api.get(f"{base}/api/v1/dashboard/", timeout=10).status_code == 503
    page = web.get(f"{base}/dashboard/", timeout=10)
    assert (page.status_code, "briefly unavailable" in page.text) == (503, True)
    health = requests.get(f"{base}/healthz", timeout=10)
    assert (health.status_code, health.json()["database"]) == (503, "unavailable")

    product.cluster.start()

    retried = api.post(f"{base}/api/v1/progress/", json=during_outage, timeout=10)
    assert retried.status_code == 201, retried.text
    assert api.post(f"{base}/api/v1/progress/", json=entry(2), timeout=10).status_code == 201
    assert web.get(f"{base}/dashboard/", timeout=10).status_code == 200
    assert requests.get(f"{base}/healthz", timeout=10).status_code == 200
    assert product.query("SELECT count(*) FROM tracker_progressentry") == 3
    # The worker, whose connection the restart cut, recomputes from all three entries.
    wait_for(lambda: score() > first_score, 30, "the worker to recompute after the restart")
    assert (
        product.query(
            "SELECT count(*) FROM tracker_learnerprofile WHERE readiness_stale_at IS NOT NULL"
        )
        == 0
    )
    # Same gunicorn master, and no worker was rebooted to get there.
    assert product.web.process.poll() is None
    assert product.web.process.pid == web_pid
    assert product.web.log.read_text().count("Booting worker") == booted
