"""Load: 50 learners at once against the real product — gunicorn sync workers on loopback,
PostgreSQL, a private Redis and a Celery worker recomputing readiness — driven by locust in its
own process (tests/reliability/locustfile.py; gevent never enters this one).

The learners are made here, enrolled on the real catalogue's published paths, and given access
tokens minted here, so no login goes through the server's per-IP rate limit during the run.
Afterwards: no request failed, every write the learners saw acknowledged is one row in the
database (no fewer, no more), readiness caught up, and p50 / p99 latency is printed."""

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.db.models import Q

from paths.catalogue import catalogue_load
from paths.models import LearningPath
from tests.api_clients import access_token_minted
from tests.factories import UserFactory
from tests.markers import postgres_only
from tests.processes import CeleryProcess, RedisServer, WebServer, wait_for, worker_env
from tracker.models import LearnerProfile, ProgressEntry, ReadinessScore
from tracker.services import enrolment_create

pytestmark = [
    pytest.mark.reliability("Load"),
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    postgres_only("the load runs against PostgreSQL"),
]

LEARNERS = 50
LOAD_SECONDS = 45
STOP_TIMEOUT = 25  # seconds locust lets a learner finish its request (client timeout: 20)
LOCUST_DEADLINE = 150  # seconds, a hard limit on the locust process
LOCUSTFILE = Path(__file__).with_name("locustfile.py")


@dataclass
class Product:
    web: WebServer
    worker: CeleryProcess


@pytest.fixture
def product(broker: RedisServer, tmp_path: Path) -> Iterator[Product]:
    """gunicorn (2 sync workers) and one Celery worker, both on the test database."""
    env = worker_env(broker.url, tmp_path / "mail")
    worker = CeleryProcess(
        "worker", env, tmp_path / "worker.log", "-Q", "celery,readiness,reminders", "-c", "1"
    )
    try:
        web = WebServer(env, tmp_path / "gunicorn.log", workers=2)
        try:
            worker.wait_ready()
            yield Product(web, worker)
        finally:
            web.stop()
    finally:
        worker.stop()


def make_learners() -> list[dict[str, Any]]:
    """LEARNERS learners, each enrolled on a published path (in turn) and holding an access
    token; what the locustfile needs to act as each of them."""
    paths = list(
        LearningPath.objects.filter(status=LearningPath.Status.PUBLISHED)
        .select_related("role", "level")
        .order_by("slug")
    )
    assert paths, "the catalogue has no published path"
    learners = []
    for n in range(LEARNERS):
        user, path = UserFactory.create(), paths[n % len(paths)]
        enrolment = enrolment_create(user=user, path=path)
        learners.append(
            {
                "user_id": user.pk,
                "access": access_token_minted(user.email),
                "enrolment": enrolment.pk,
                "steps": list(path.steps.order_by("position").values_list("pk", flat=True)),
                "path": path.slug,
                "role": path.role.slug,
                "level": path.level.slug,
            }
        )
    return learners


def scored(learners: list[dict[str, Any]]) -> bool:
    """Every learner has a fresh readiness score for the target of their path."""
    ids = [learner["user_id"] for learner in learners]
    if LearnerProfile.objects.filter(user__in=ids, readiness_stale_at__isnull=False).exists():
        return False
    targets = Q()
    for learner in learners:
        targets |= Q(
            user_id=learner["user_id"],
            role__slug=learner["role"],
            level__slug=learner["level"],
        )
    return ReadinessScore.objects.filter(targets).count() == len(learners)


def run_locust(host: str, workdir: Path, learners_file: Path, results_file: Path) -> int:
    """Headless locust for LOAD_SECONDS; its exit code. Killed if it outlives the deadline."""
    env = {**os.environ, "LOAD_LEARNERS": str(learners_file), "LOAD_RESULTS": str(results_file)}
    with (workdir / "locust.out").open("w") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "locust",
                f"--locustfile={LOCUSTFILE}",
                "--headless",
                f"--users={LEARNERS}",
                f"--spawn-rate={LEARNERS // 2}",
                f"--run-time={LOAD_SECONDS}s",
                f"--stop-timeout={STOP_TIMEOUT}",
                f"--host={host}",
                # Written once every user has stopped (the --csv files lag up to a second).
                f"--json-file={workdir / 'stats'}",
                "--only-summary",
                f"--logfile={workdir / 'locust.log'}",
            ],
            cwd=workdir,  # no locust.conf or pyproject.toml of ours is read
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            return process.wait(LOCUST_DEADLINE)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)
            raise AssertionError(f"locust ran past {LOCUST_DEADLINE} s") from None


@dataclass
class Endpoint:
    """One row of locust's stats: response times are counted per rounded millisecond."""

    name: str
    requests: int
    failures: int
    times: Counter[int]
    max_ms: float

    def percentile(self, share: float) -> int:
        """As locust computes it: the smallest time that `share` of the requests did not pass."""
        total, seen = self.times.total(), 0
        for ms in sorted(self.times, reverse=True):
            seen += self.times[ms]
            if total - seen <= int(total * share):
                return ms
        return 0


def read_stats(path: Path) -> tuple[list[Endpoint], Endpoint]:
    """Locust's final stats per endpoint, and all of them together."""
    endpoints = [
        Endpoint(
            name=row["name"],
            requests=row["num_requests"],
            failures=row["num_failures"],
            times=Counter({int(ms): n for ms, n in row["response_times"].items()}),
            max_ms=row["max_response_time"],
        )
        for row in json.loads(path.read_text())
    ]
    endpoints.sort(key=lambda e: e.name)
    overall = Endpoint(
        name="all requests",
        requests=sum(e.requests for e in endpoints),
        failures=sum(e.failures for e in endpoints),
        times=sum((e.times for e in endpoints), Counter()),
        max_ms=max((e.max_ms for e in endpoints), default=0.0),
    )
    return endpoints, overall


def latency_table(endpoints: list[Endpoint], overall: Endpoint, seconds: float) -> list[str]:
    rows = [*endpoints, overall]
    width = max(len(e.name) for e in rows)
    lines = [
        f"{'endpoint':<{width}}  {'requests':>8}  {'failed':>6}  {'p50 ms':>7}  {'p99 ms':>7}  "
        f"{'max ms':>7}"
    ]
    for e in rows:
        lines.append(
            f"{e.name:<{width}}  {e.requests:>8}  {e.failures:>6}  {e.percentile(0.5):>7}  "
            f"{e.percentile(0.99):>7}  {e.max_ms:>7.0f}"
        )
    lines.append(f"{overall.requests / seconds:.1f} requests/s over {seconds} s")
    return lines


def test_fifty_learners_under_load(
    product: Product, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """50 learners for 45 s of mixed reads and progress writes: zero errors, no lost entry"""
    catalogue_load()  # committed: the web server and the worker read it
    started = time.monotonic()
    learners = make_learners()
    wait_for(lambda: scored(learners), 60, "the worker to score every learner", every=0.2)
    setup_took = time.monotonic() - started
    learners_file, results_file = tmp_path / "learners.json", tmp_path / "results.json"
    learners_file.write_text(json.dumps(learners))

    load_started = time.monotonic()
    exit_code = run_locust(product.web.url, tmp_path, learners_file, results_file)
    load_took = time.monotonic() - load_started
    locust_log = (tmp_path / "locust.out").read_text() + (tmp_path / "locust.log").read_text()
    assert results_file.exists(), f"locust wrote no results (exit {exit_code}):\n{locust_log}"

    endpoints, overall = read_stats(tmp_path / "stats.json")
    results = json.loads(results_file.read_text())
    acknowledged = {int(user): set(ids) for user, ids in results["created"].items()}
    stored: dict[int, set[str]] = {}
    for user, client_id in ProgressEntry.objects.filter(
        user__in=[learner["user_id"] for learner in learners]
    ).values_list("user_id", "client_id"):
        stored.setdefault(user, set()).add(str(client_id))
    writes = sum(len(ids) for ids in acknowledged.values())
    rows = sum(len(ids) for ids in stored.values())
    with capsys.disabled():
        print(
            f"\n\nload: {LEARNERS} learners for {LOAD_SECONDS} s (learners made and scored in "
            f"{setup_took:.1f} s, locust ran {load_took:.1f} s)"
        )
        print("\n".join(latency_table(endpoints, overall, LOAD_SECONDS)))
        print(
            f"progress writes acknowledged {writes} (and {sum(results['replayed'].values())} "
            f"replays answered with the same entry); rows in the database {rows}\n"
        )

    assert overall.failures == 0, results["problems"]
    assert not results["problems"], results["problems"]
    assert exit_code == 0, locust_log[-5000:]
    assert results["learners_started"] == LEARNERS
    assert overall.requests >= LEARNERS * 5  # the load did happen
    assert writes >= LEARNERS

    # Every write the learners saw acknowledged is one row of theirs, and there is no other row.
    assert not results["in_flight"], f"writes cut off by the stop: {results['in_flight']}"
    assert {user: len(ids) for user, ids in stored.items()} == {
        user: len(ids) for user, ids in acknowledged.items() if ids
    }
    assert stored == acknowledged

    # Every write marked its learner stale and asked for a recompute: the worker catches up.
    wait_for(lambda: scored(learners), 60, "readiness to catch up after the load", every=0.2)
    web_log = product.web.log.read_text()
    assert "Traceback" not in web_log, web_log[-5000:]
    assert "WORKER TIMEOUT" not in web_log, web_log[-5000:]
    with capsys.disabled():
        print(f"whole scenario {time.monotonic() - started:.1f} s (without process start-up)\n")
