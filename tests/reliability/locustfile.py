"""The learners of tests/reliability/test_load.py, run by locust in its own process (gevent
patches the interpreter: nothing here imports Django, and pytest never imports this file).

Each simulated user is one real learner, handed over by the test in the JSON file named by
LOAD_LEARNERS: an access token, an enrolment and its steps in order, and the role and level of the
path. Reads outweigh writes 3:1. Every progress write carries a new client_id; about one in ten is
sent again at once, as a client retrying would, and must replay the first answer. The client_ids
the server acknowledged are kept per learner and written to LOAD_RESULTS when the run stops, for
the test to compare with the rows in the database.

The think time is slept inside each task, not in locust's wait_time: locust 2.47 kills a user it
finds waiting asynchronously, so a user whose wait ends in that instant is killed just after
sending its next request — a write then lands uncounted. A user stopped while thinking here has
sent nothing, and one stopped mid-request is let finish it (--stop-timeout)."""

import json
import os
import random
import time
import uuid
from collections import Counter, defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from locust import constant, events, task
from locust.contrib.fasthttp import FastHttpUser
from locust.env import Environment
from locust.exception import StopUser
from locust.runners import STATE_RUNNING, STATE_SPAWNING

LEARNERS: list[dict[str, Any]] = json.loads(Path(os.environ["LOAD_LEARNERS"]).read_text())
THINK_SECONDS = (0.5, 2.0)
REPLAY_SHARE = 0.1  # of writes sent twice with the same client_id
COMPLETE_SHARE = 0.25  # of writes that complete the next step (never the path's last one)

unclaimed = list(LEARNERS)
created: defaultdict[int, list[str]] = defaultdict(list)  # client_ids answered 201, per user id
replayed: defaultdict[int, int] = defaultdict(int)  # second sends answered 200 with the entry
in_flight: dict[str, int] = {}  # client_id: user id, for writes sent and not yet answered
problems: Counter[str] = Counter()  # failed requests and errors in tasks, by message


class Learner(FastHttpUser):
    wait_time = constant(0)  # see the module docstring: think() instead
    network_timeout = 20.0
    connection_timeout = 10.0

    def on_start(self) -> None:
        if not unclaimed:
            raise RuntimeError("more locust users than learners")
        learner = unclaimed.pop()
        self.user_id: int = learner["user_id"]
        self.headers = {"Authorization": f"Bearer {learner['access']}"}
        self.enrolment: int = learner["enrolment"]
        self.steps: list[int] = learner["steps"]
        self.completed = 0  # steps completed so far, in order
        self.readiness = f"/api/v1/readiness/{learner['role']}/?level={learner['level']}"
        self.path = f"/api/v1/paths/{learner['path']}/"

    def think(self) -> None:
        time.sleep(random.uniform(*THINK_SECONDS))  # noqa: S311  # gevent's, patched in by locust
        runner = self.environment.runner
        if runner is not None and runner.state not in (STATE_SPAWNING, STATE_RUNNING):
            raise StopUser

    def get(self, url: str, name: str) -> None:
        self.think()
        with self.client.get(url, headers=self.headers, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}: {response.text[:300]}")

    @task(3)
    def dashboard(self) -> None:
        self.get("/api/v1/dashboard/", "GET /api/v1/dashboard/")

    @task(3)
    def readiness_detail(self) -> None:
        self.get(self.readiness, "GET /api/v1/readiness/[role]/")

    @task(2)
    def enrolment_detail(self) -> None:
        self.get(f"/api/v1/enrolments/{self.enrolment}/", "GET /api/v1/enrolments/[id]/")

    @task(2)
    def path_detail(self) -> None:
        self.get(self.path, "GET /api/v1/paths/[slug]/")

    @task(1)
    def path_list(self) -> None:
        self.get("/api/v1/paths/", "GET /api/v1/paths/")

    @task(1)
    def role_list(self) -> None:
        self.get("/api/v1/roles/", "GET /api/v1/roles/")

    @task(4)
    def log_progress(self) -> None:
        self.think()
        step = self.steps[min(self.completed, len(self.steps) - 1)]
        completing = (
            self.completed < len(self.steps) - 1 and random.random() < COMPLETE_SHARE  # noqa: S311
        )
        client_id = str(uuid.uuid4())
        body: dict[str, Any] = {
            "enrolment": self.enrolment,
            "step": step,
            "minutes": random.randint(5, 90),  # noqa: S311
            "status": "completed" if completing else "started",
            "client_id": client_id,
            "occurred_at": datetime.now(UTC).isoformat(),
        }
        first = self.write(body, 201, "POST /api/v1/progress/")
        if first is None:
            return
        created[self.user_id].append(client_id)
        if completing:
            self.completed += 1
        if random.random() < REPLAY_SHARE and self.write(  # noqa: S311
            body, 200, "POST /api/v1/progress/ (replay)", same_as=first
        ):
            replayed[self.user_id] += 1

    def write(
        self, body: dict[str, Any], expected: int, name: str, same_as: int | None = None
    ) -> int | None:
        """POST one entry; its id if the answer was `expected` (and the entry `same_as`)."""
        in_flight[body["client_id"]] = self.user_id
        with self.client.post(
            "/api/v1/progress/", json=body, headers=self.headers, name=name, catch_response=True
        ) as response:
            del in_flight[body["client_id"]]
            if response.status_code != expected:
                response.failure(f"{response.status_code}: {response.text[:300]}")
                return None
            entry_id = response.json()["id"]
            if same_as is not None and entry_id != same_as:
                response.failure(f"replayed entry {entry_id}, not the first answer's {same_as}")
                return None
            return int(entry_id)


@events.request.add_listener
def count_failure(name: str, exception: BaseException | None, **kwargs: Any) -> None:
    if exception is not None:
        problems[f"{name}: {exception}"] += 1


@events.user_error.add_listener
def count_error(exception: BaseException, **kwargs: Any) -> None:
    problems[f"error in a task: {exception!r}"] += 1


@events.test_stop.add_listener
def write_results(environment: Environment, **kwargs: Any) -> None:
    """After every user has stopped: what the learners saw acknowledged."""
    results = {
        "created": created,
        "replayed": replayed,
        "in_flight": in_flight,
        "learners_started": len(LEARNERS) - len(unclaimed),
        "problems": problems,
    }
    Path(os.environ["LOAD_RESULTS"]).write_text(json.dumps(results))
