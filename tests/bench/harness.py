"""What every benchmark shares: its result, the running product, and side-by-side measurement.

A benchmark is a module with `ID`, `WHAT`, `TARGET` and `run(bench: Bench) -> Result`. Figures
are ratios or counts measured in the same run, so they hold on a noisy machine."""

import http.client
import json
import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from tests.processes import CeleryProcess, RedisServer, WebServer, worker_env

RESULTS = Path(__file__).resolve().parents[2] / "var" / "bench" / "results.json"


@dataclass
class Result:
    id: str
    what: str
    value: float
    baseline: float | None
    ratio: float | None
    target: str
    met: bool
    unit: str = ""
    details: dict[str, Any] = field(default_factory=dict)


@dataclass
class Bench:
    """The product as the benchmarks use it: the bench database, Redis, and on demand gunicorn
    (sync workers) and a Celery worker, on loopback."""

    database_url: str
    redis_url: str
    workdir: Path
    scale: int
    started: list[Any] = field(default_factory=list)

    def env(self) -> dict[str, str]:
        env = worker_env(self.redis_url, self.workdir / "mail")
        env.update(
            DJANGO_SETTINGS_MODULE="tests.bench.settings",
            DATABASE_URL=self.database_url,
            DJANGO_THROTTLE_USER="1000000/min",  # measure the work, not the throttle
            DJANGO_THROTTLE_ANON="1000000/min",
        )
        return env

    def web(self, workers: int = 2) -> WebServer:
        server = WebServer(self.env(), self.workdir / f"web-{len(self.started)}.log", workers)
        self.started.append(server)
        return server

    def worker(self, *args: str) -> CeleryProcess:
        log = self.workdir / f"worker-{len(self.started)}.log"
        process = CeleryProcess("worker", self.env(), log, *args)
        self.started.append(process)
        process.wait_ready()
        return process

    def stop_all(self) -> None:
        while self.started:
            self.started.pop().stop()


def private_redis(workdir: Path) -> RedisServer:
    server = RedisServer(workdir)
    server.start()
    return server


# --- Throughput, side by side -------------------------------------------------------------------


@dataclass
class Endpoint:
    method: str
    path: str
    headers: dict[str, str]
    body: Callable[[], bytes] | None = None  # a fresh body per request
    expect: int = 200


def _hammer(port: int, endpoint: Endpoint, until: float, counts: list[int], errors: list[str]):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    done = 0
    while time.monotonic() < until:
        body = endpoint.body() if endpoint.body else None
        conn.request(endpoint.method, endpoint.path, body=body, headers=endpoint.headers)
        response = conn.getresponse()
        payload = response.read()
        if response.status != endpoint.expect:
            errors.append(f"{endpoint.path}: {response.status} {payload[:200]!r}")
            break
        done += 1
    conn.close()
    counts.append(done)


def requests_per_second(port: int, endpoint: Endpoint, seconds: float, concurrency: int) -> float:
    counts: list[int] = []
    errors: list[str] = []
    until = time.monotonic() + seconds
    threads = [
        threading.Thread(target=_hammer, args=(port, endpoint, until, counts, errors))
        for _ in range(concurrency)
    ]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors[:3]
    return sum(counts) / (time.monotonic() - started)


def side_by_side(
    port: int,
    subject: Endpoint,
    baseline: Endpoint,
    rounds: int = 3,
    seconds: float = 4.0,
    concurrency: int = 4,
) -> tuple[float, float]:
    """Median requests/s of subject and baseline, alternating windows so that both see the
    same machine."""
    requests_per_second(port, baseline, 1.0, concurrency)  # warm up both
    requests_per_second(port, subject, 1.0, concurrency)
    ours, theirs = [], []
    for _ in range(rounds):
        ours.append(requests_per_second(port, subject, seconds, concurrency))
        theirs.append(requests_per_second(port, baseline, seconds, concurrency))
    return statistics.median(ours), statistics.median(theirs)


# --- Output ---------------------------------------------------------------------------------------


def _figure(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:,.3f}" if abs(value) < 10 else f"{value:,.0f}"


def table(results: list[Result]) -> str:
    lines = [
        f"{'id':<4} {'what':<58} {'value':>12} {'baseline':>12} {'ratio':>7} {'target':<28} met",
    ]
    for r in results:
        lines.append(
            f"{r.id:<4} {r.what[:58]:<58} {_figure(r.value):>12} {_figure(r.baseline):>12} "
            f"{_figure(r.ratio):>7} {r.target:<28} {'yes' if r.met else 'NO'}"
        )
    return "\n".join(lines)


def write_results(results: list[Result]) -> Path:
    """Into var/bench/results.json, keeping the entries of benchmarks this run did not run."""
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    kept = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    kept.update({r.id: asdict(r) for r in results})
    RESULTS.write_text(json.dumps(dict(sorted(kept.items())), indent=2) + "\n")
    return RESULTS
