"""`make run` for real (the embedded default: SQLite and the filesystem broker in a temporary
var/ folder): a Celery worker or beat that dies is restarted while the web keeps taking
progress, scores converge through the new worker, and Ctrl-C stops everything."""

import contextlib
import os
import signal
import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.api_clients import APP_API
from tests.processes import ROOT, free_port, wait_for

pytestmark = [pytest.mark.reliability("Processes"), pytest.mark.e2e, pytest.mark.slow]

LEARNER = {"email": "learner@pathwise.local", "password": "learn-ai-2026"}  # demo_accounts
TARGET = "/api/v1/readiness/llm-engineer/?level=junior"  # the demo learner's target
MARKER = "PATHWISE_TEST_STACK"


def stack_processes(marker: str) -> dict[int, tuple[int, list[str]]]:
    """pid -> (parent pid, argv) of every live process started under `make run`, found by a
    variable in their environment: process managers may move their programs to other
    process groups or sessions, and orphans are reparented, but the environment is inherited."""
    found = {}
    tag = f"{MARKER}={marker}".encode()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError):  # gone while we looked
            if tag not in (entry / "environ").read_bytes().split(b"\0"):
                continue
            fields = (entry / "stat").read_text().rsplit(") ", 1)[1].split()
            if fields[0] == "Z":  # a zombie: nothing left to run
                continue
            argv = (entry / "cmdline").read_bytes().decode().split("\0")
            found[int(entry.name)] = (int(fields[1]), argv)
    return found


@dataclass
class Stack:
    make: subprocess.Popen[bytes]
    marker: str
    url: str
    log: Path

    def processes(self) -> dict[int, tuple[int, list[str]]]:
        return stack_processes(self.marker)

    def main_pid(self, kind: str) -> int | None:
        """The pid of the `celery worker` or `celery beat` (or the web server) a supervisor
        started: not a child of another process of the same kind (prefork pool workers)."""
        processes = self.processes()

        def is_kind(argv: list[str]) -> bool:
            if kind == "web":
                return "runserver" in argv or any("gunicorn" in arg for arg in argv)
            return any(arg.endswith("celery") for arg in argv) and kind in argv

        mains = [
            pid
            for pid, (ppid, argv) in processes.items()
            if is_kind(argv) and not is_kind(processes.get(ppid, (0, []))[1])
        ]
        return mains[0] if len(mains) == 1 else None

    def output(self) -> str:
        return self.log.read_text(errors="replace")


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[Stack]:
    var = tmp_path / "var"
    port = free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DJANGO_")
        and key not in {"DATABASE_URL", "REDIS_URL", "PATHWISE_BASE_URL", "MAKEFLAGS", "MFLAGS"}
    }
    marker = uuid.uuid4().hex
    env.update({"PATHWISE_VAR_DIR": str(var), "WEB_PORT": str(port), MARKER: marker})
    log = tmp_path / "make-run.log"
    with log.open("wb") as out:
        make = subprocess.Popen(
            ["make", "--no-print-directory", "run"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    running = Stack(make, marker, f"http://127.0.0.1:{port}", log)
    try:
        yield running
    finally:
        # Whatever happened, nothing started here outlives the test.
        for pid in running.processes():
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            make.wait(10)
        print(running.output()[-4000:])
        for name in sorted((var / "log").glob("*.log")) if (var / "log").is_dir() else []:
            print(f"--- {name.name}\n{name.read_text(errors='replace')[-2000:]}")


@dataclass
class Plan:
    """What the demo learner logs: completing `complete` (enrolment, step) raises their target
    score; `started` (enrolment, step) is on another enrolment, loggable at any time."""

    complete: tuple[int, int]
    started: tuple[int, int]


def plan_for_demo_learner(api: requests.Session, url: str) -> Plan:
    """A next best step that raises the score on its own (no chain), enrolling if needed;
    and a step of another enrolment to log as started."""
    enrolments = {
        e["path"]["slug"]: e["id"]
        for e in api.get(f"{url}/api/v1/enrolments/", timeout=30).json()["results"]
        if e["status"] == "active"
    }
    assert enrolments, "the demo learner has no active enrolment"
    suggestions = api.get(f"{url}{TARGET}", timeout=30).json()["next_steps"]
    step = next((s for s in suggestions if len(s["chain"]) == 1), None)
    assert step is not None, suggestions
    enrolment = step["enrolment"]
    if enrolment is None:
        enrolled = api.post(f"{url}/api/v1/enrolments/", json={"path": step["path"]}, timeout=30)
        assert enrolled.status_code == 201, enrolled.text
        enrolment = enrolments[step["path"]] = enrolled.json()["id"]
    other = next(o for o in enrolments if o != step["path"])
    first = api.get(f"{url}/api/v1/paths/{other}/", timeout=30).json()["steps"][0]["id"]
    return Plan(complete=(enrolment, step["step"]), started=(enrolments[other], first))


def healthy(url: str) -> bool:
    with contextlib.suppress(requests.RequestException):
        return requests.get(f"{url}/healthz", timeout=5).status_code == 200
    return False


def test_make_run_restarts_a_killed_worker_and_beat_while_the_web_keeps_serving(stack):
    """make run: worker and beat SIGKILLed, restarted; every POST 201, the score converges."""

    def started() -> bool:
        assert stack.make.poll() is None, stack.output()
        return healthy(stack.url)

    wait_for(started, 300, "make run to serve /healthz", every=0.5)
    wait_for(lambda: stack.main_pid("worker") and stack.main_pid("beat"), 60, "worker and beat")

    api = requests.Session()
    login = api.post(f"{stack.url}{APP_API}/auth/login", json=LEARNER, timeout=30)
    assert login.status_code == 200, login.text
    api.headers["Authorization"] = f"Bearer {login.json()['meta']['access_token']}"

    def score() -> Any:
        return api.get(f"{stack.url}{TARGET}", timeout=30).json()["score"]

    plan = plan_for_demo_learner(api, stack.url)
    before = score()

    answers: list[int | str] = []

    def post(status: str = "started") -> int | str:
        enrolment, step = plan.complete if status == "completed" else plan.started
        entry: dict[str, Any] = {
            "enrolment": enrolment,
            "step": step,
            "minutes": 1,
            "status": status,
            "client_id": str(uuid.uuid4()),
        }
        answer: int | str
        try:
            answer = api.post(f"{stack.url}/api/v1/progress/", json=entry, timeout=30).status_code
        except requests.RequestException as error:  # the web server went down with the worker
            answer = type(error).__name__
        answers.append(answer)
        return answer

    web, worker, beat = stack.main_pid("web"), stack.main_pid("worker"), stack.main_pid("beat")
    assert web is not None
    assert worker is not None
    assert beat is not None

    os.kill(worker, signal.SIGKILL)
    assert post("completed") == 201  # queued while no worker runs

    def restarted(kind: str, old: int) -> bool:
        post()
        new = stack.main_pid(kind)
        return new is not None and new != old

    wait_for(lambda: restarted("worker", worker), 60, "a new worker", every=0.2)

    def converged() -> bool:
        post()
        return score() > before

    wait_for(converged, 60, f"the score to rise above {before}", every=0.5)

    os.kill(beat, signal.SIGKILL)
    wait_for(lambda: restarted("beat", beat), 60, "a new beat", every=0.2)

    assert len(answers) > 3
    assert [answer for answer in answers if answer != 201] == []
    assert stack.main_pid("web") == web  # the web server was never restarted
    assert healthy(stack.url)

    # Ctrl-C in the terminal: SIGINT to the foreground process group, make's.
    os.killpg(stack.make.pid, signal.SIGINT)
    wait_for(lambda: not stack.processes(), 60, "every process to stop after Ctrl-C", every=0.2)
