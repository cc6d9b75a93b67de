"""B9: the embedded default under concurrency. The product as `make run` configures it (the
development settings, a SQLite file and kombu's filesystem broker under its var folder, a real
Celery worker recomputing readiness into the same file) with 4 and then 16 learners, each in a
closed loop of POST /api/v1/progress/ (a fresh client_id) then GET /api/v1/dashboard/; the same
load, settings and processes on PostgreSQL with the private Redis is the baseline.

Both serve through gunicorn (WEB_WORKERS sync workers, as the other benchmarks; `make run`
itself starts runserver) with DEBUG off and the throttles lifted, beside the worker as
config/supervisord.conf starts it. Every response is recorded: an error is any status other
than 2xx, or an exception. Once the worker has drained (the broker empty, every learner's stale
mark cleared), every acknowledged entry must be stored exactly once, under the id the server
answered with, nothing unacknowledged stored twice, no other entry added, and no recompute may
have failed. `BENCH_B9_SECONDS` shortens the 60 s windows for a quick local run."""

import http.client
import json
import os
import re
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from contextlib import closing, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
import redis

from tests.bench.dataset import access_token, learner_with_history
from tests.bench.harness import Bench, Result
from tests.processes import ROOT, CeleryProcess, WebServer, wait_for
from tracker.models import Enrolment

ID = "B9"
WHAT = "embedded default (SQLite, filesystem broker), 4 and 16 learners"
TARGET = "0 errors, writes once; >= 0.3 of PostgreSQL"
SECONDS = float(os.environ.get("BENCH_B9_SECONDS", "60"))
CONCURRENCY = (4, 16)
WEB_WORKERS = 4  # gunicorn sync workers, as B5
# The worker as config/supervisord.conf runs it under `make run`.
WORKER_ARGS = ("--concurrency=2", "--queues=celery,readiness,reminders")
DRAIN_DEADLINE = 300.0  # seconds for the worker to empty the broker and clear the stale marks
MIN_RATIO = 0.3
SUCCEEDED = re.compile(r"Task readiness\.recompute\[[^]]+\] succeeded")
RETRIED = re.compile(r"Task readiness\.recompute\[[^]]+\] retry")
FAILED = re.compile(r"Task readiness\.recompute\[[^]]+\] raised")


# --- Data: run in a subprocess on each engine's settings ----------------------------------------


def seed(count: int) -> None:
    """`count` learners with history (two enrolments, four weeks of progress, scores), printed
    as JSON: what each simulated learner posts against. Idempotent."""
    learners = []
    for n in range(count):
        user = learner_with_history(f"b9-{n}@bench.local")
        enrolment = Enrolment.objects.filter(user=user, status=Enrolment.Status.ACTIVE).first()
        assert enrolment is not None
        steps = list(enrolment.path.steps.order_by("position").values_list("pk", flat=True))
        learners.append(
            {"email": user.email, "user_id": user.pk, "enrolment": enrolment.pk, "steps": steps}
        )
    print(json.dumps(learners))


def _manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def _seed(env: dict[str, str], count: int) -> list[dict[str, Any]]:
    code = f"from tests.bench.b9_sqlite import seed; seed({count})"
    learners: list[dict[str, Any]] = json.loads(
        _manage(env, "shell", "--no-imports", "-c", code).splitlines()[-1]
    )
    return learners


# --- The two engines ---------------------------------------------------------------------------


@dataclass
class Engine:
    name: str
    env: dict[str, str]
    web: WebServer
    worker: CeleryProcess
    learners: list[dict[str, Any]]
    query: Callable[[str, list[int]], list[tuple[Any, ...]]]
    queued: Callable[[], int]  # messages waiting in the broker or delivered and unacknowledged

    def entries(self, user_ids: list[int]) -> list[tuple[int, str]]:
        """(id, client_id as 32 hex digits or "" if none) of these learners' progress entries."""
        sql = "SELECT id, client_id FROM tracker_progressentry WHERE user_id = %s"
        rows = [row for user_id in user_ids for row in self.query(sql, [user_id])]
        return [(int(i), uuid.UUID(str(c)).hex if c else "") for i, c in rows]

    def stale(self, user_ids: list[int]) -> int:
        sql = "SELECT readiness_stale_at FROM tracker_learnerprofile WHERE user_id = %s"
        return sum(1 for user_id in user_ids for (at,) in self.query(sql, [user_id]) if at)

    def worker_log(self) -> Counter[str]:
        text = self.worker.output()
        return Counter(
            succeeded=len(SUCCEEDED.findall(text)),
            retried=len(RETRIED.findall(text)),
            failed=len(FAILED.findall(text)),
        )


def _sqlite_query(path: Path) -> Callable[[str, list[int]], list[tuple[Any, ...]]]:
    def query(sql: str, params: list[int]) -> list[tuple[Any, ...]]:
        with closing(sqlite3.connect(path, timeout=30)) as db:
            return db.execute(sql.replace("%s", "?"), params).fetchall()

    return query


def _postgres_query(url: str) -> Callable[[str, list[int]], list[tuple[Any, ...]]]:
    def query(sql: str, params: list[int]) -> list[tuple[Any, ...]]:
        with psycopg.connect(url) as db:
            return db.execute(sql, params).fetchall()

    return query


def _folder_queued(folder: Path) -> Callable[[], int]:
    """kombu's filesystem transport: a file per message waiting (taken when fetched)."""
    return lambda: sum(1 for _ in folder.iterdir())


def _redis_queued(url: str) -> Callable[[], int]:
    def queued() -> int:
        client = redis.Redis.from_url(url)
        waiting = sum(int(client.llen(q)) for q in ("celery", "readiness", "reminders"))
        return waiting + int(client.hlen("unacked"))

    return queued


def _env(bench: Bench, var: Path, jwt_key: str, **extra: str) -> dict[str, str]:
    """The development settings `make run` uses, with the other benchmarks' lifted throttles and
    mail folder; DEBUG off on both engines (its per-query log is not what is measured)."""
    env = bench.env()
    for key in ("DATABASE_URL", "REDIS_URL"):
        env.pop(key, None)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.local",
        DJANGO_DEBUG="False",
        PATHWISE_VAR_DIR=str(var),
        DJANGO_JWT_PRIVATE_KEY=jwt_key,  # one key, made before any process could race for it
        **extra,
    )
    return env


def _start(
    bench: Bench,
    name: str,
    env: dict[str, str],
    learners: list[dict[str, Any]],
    query: Callable[[str, list[int]], list[tuple[Any, ...]]],
    queued: Callable[[], int],
) -> Engine:
    web = WebServer(env, bench.workdir / f"b9-{name}-web.log", WEB_WORKERS)
    bench.started.append(web)
    worker = CeleryProcess("worker", env, bench.workdir / f"b9-{name}-worker.log", *WORKER_ARGS)
    bench.started.append(worker)
    worker.wait_ready()
    return Engine(name, env, web, worker, learners, query, queued)


def _engines(bench: Bench) -> tuple[Engine, Engine]:
    from config.settings.base import embedded_jwt_key

    root = bench.workdir / "b9"
    jwt_key = embedded_jwt_key(root / "jwt-private.pem")
    count = max(CONCURRENCY)

    # The embedded default: a fresh SQLite file and broker folders, set up as `make run` does.
    var = root / "sqlite"
    sqlite_env = _env(bench, var, jwt_key)
    _manage(sqlite_env, "migrate", "--no-input", "-v0")
    _manage(sqlite_env, "load_catalogue")
    sqlite_learners = _seed(sqlite_env, count)
    sqlite = _start(
        bench,
        "sqlite",
        sqlite_env,
        sqlite_learners,
        _sqlite_query(var / "pathwise.sqlite3"),
        _folder_queued(var / "broker" / "queue"),
    )

    # The baseline: the bench's PostgreSQL database (migrated, catalogue loaded) and Redis.
    pg_env = _env(
        bench,
        root / "postgres",
        jwt_key,
        DATABASE_URL=bench.database_url,
        REDIS_URL=bench.redis_url,
    )
    pg_learners = _seed(pg_env, count)
    postgres = _start(
        bench,
        "postgres",
        pg_env,
        pg_learners,
        _postgres_query(bench.database_url),
        _redis_queued(bench.redis_url),
    )
    return sqlite, postgres


# --- The load ------------------------------------------------------------------------------------


@dataclass
class Call:
    kind: str  # "post" or "dashboard"
    status: int  # 0: an exception
    seconds: float
    client_id: str = ""  # hex, for posts
    entry_id: int | None = None  # the id the server acknowledged
    error: str = ""


@dataclass
class Tally:
    calls: list[Call] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, call: Call) -> None:
        with self.lock:
            self.calls.append(call)


def _request(conn: http.client.HTTPConnection, method: str, path: str, headers, body=None):
    started = time.perf_counter()
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        payload = response.read()
    except (OSError, http.client.HTTPException) as exc:
        conn.close()  # the next request opens a fresh connection
        return 0, b"", time.perf_counter() - started, f"{type(exc).__name__}: {exc}"
    return response.status, payload, time.perf_counter() - started, ""


def _learner(port: int, learner: dict[str, Any], token: str, until: float, tally: Tally) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    n = 0
    while time.monotonic() < until:
        client_id = uuid.uuid4()
        body = {
            "enrolment": learner["enrolment"],
            "step": learner["steps"][n % len(learner["steps"])],
            "minutes": 5,
            "status": "started",  # needs no prerequisite, so any step can take it
            "client_id": str(client_id),
        }
        n += 1
        status, payload, seconds, error = _request(
            conn, "POST", "/api/v1/progress/", headers, json.dumps(body).encode()
        )
        entry_id = None
        if status in (200, 201):
            entry_id = int(json.loads(payload)["id"])
        elif not error:
            error = payload[:200].decode(errors="replace")
        tally.add(Call("post", status, seconds, client_id.hex, entry_id, error))

        status, payload, seconds, error = _request(conn, "GET", "/api/v1/dashboard/", headers)
        if status != 200 and not error:
            error = payload[:200].decode(errors="replace")
        tally.add(Call("dashboard", status, seconds, error=error))
    conn.close()


def _quantiles(seconds: list[float]) -> dict[str, float | None]:
    if len(seconds) < 2:
        return {"p50_ms": None, "p95_ms": None}
    cuts = statistics.quantiles(seconds, n=100, method="inclusive")
    return {"p50_ms": round(cuts[49] * 1000, 1), "p95_ms": round(cuts[94] * 1000, 1)}


def _exactly_once(calls: list[Call], before: set[int], stored: list[tuple[int, str]]):
    """Every acknowledged entry stored once under its id; nothing else stored twice; no entry
    the run did not send."""
    sent = {c.client_id for c in calls if c.kind == "post"}
    acknowledged = {c.client_id: c.entry_id for c in calls if c.kind == "post" and c.entry_id}
    new = [(i, c) for i, c in stored if i not in before]
    counts = Counter(c for _, c in new)
    ids = {c: i for i, c in new}
    return {
        "acknowledged": len(acknowledged),
        "stored": len(new),
        "missing": sum(1 for c in acknowledged if counts[c] == 0),
        "wrong_id": sum(1 for c, i in acknowledged.items() if counts[c] and ids[c] != i),
        "duplicated": sum(1 for c in sent if counts[c] > 1),
        "unacknowledged_stored": sum(1 for c in sent - acknowledged.keys() if counts[c] == 1),
        "unexpected": sum(1 for c in counts if c not in sent),
    }


def _drain(engine: Engine, user_ids: list[int]) -> float:
    """Seconds until the broker is empty and these learners' scores are fresh (a deadline
    passed shows in the figures: stale_left)."""
    started = time.perf_counter()
    with suppress(AssertionError):
        wait_for(
            lambda: engine.queued() == 0 and engine.stale(user_ids) == 0,
            DRAIN_DEADLINE,
            f"{engine.name}'s worker to drain",
            every=0.5,
        )
    return time.perf_counter() - started


def _run_load(engine: Engine, concurrency: int) -> dict[str, Any]:
    learners = engine.learners[:concurrency]
    user_ids = [learner["user_id"] for learner in learners]
    _drain(engine, user_ids)  # nothing left over from the set-up or an earlier benchmark
    tokens = [access_token(engine.web.url, learner["email"]) for learner in learners]
    before = {i for i, _ in engine.entries(user_ids)}
    log_before = engine.worker_log()

    tally = Tally()
    until = time.monotonic() + SECONDS
    threads = [
        threading.Thread(target=_learner, args=(engine.web.port, learner, token, until, tally))
        for learner, token in zip(learners, tokens, strict=True)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started

    drain = _drain(engine, user_ids)
    worker = engine.worker_log() - log_before

    calls = tally.calls
    errors = [c for c in calls if not 200 <= c.status < 300]
    details: dict[str, Any] = {
        "requests": len(calls),
        "errors": len(errors),
        "throughput_rps": round(len(calls) / elapsed, 1),
        "seconds": round(elapsed, 1),
    }
    for kind in ("post", "dashboard"):
        of_kind = [c for c in calls if c.kind == kind]
        details[kind] = {
            "requests": len(of_kind),
            "errors": sum(1 for c in errors if c.kind == kind),
            **_quantiles([c.seconds for c in of_kind]),
        }
    details["error_statuses"] = dict(Counter(str(c.status) for c in errors))
    details["error_samples"] = [f"{c.kind} {c.status} {c.error}" for c in errors[:3]]
    details["writes"] = _exactly_once(calls, before, engine.entries(user_ids))
    details["recomputes"] = {
        "succeeded": worker["succeeded"],
        "retried": worker["retried"],
        "failed": worker["failed"],
        "drain_s": round(drain, 1),
        "stale_left": engine.stale(user_ids),
    }
    return details


def _sound(run: dict[str, Any]) -> bool:
    writes, recomputes = run["writes"], run["recomputes"]
    return (
        run["errors"] == 0
        and writes["missing"] == writes["wrong_id"] == writes["duplicated"] == 0
        and writes["unexpected"] == 0
        and recomputes["failed"] == recomputes["stale_left"] == 0
    )


def run(bench: Bench) -> Result:
    sqlite, postgres = _engines(bench)
    details: dict[str, Any] = {
        "seconds_per_run": SECONDS,
        "web_workers": WEB_WORKERS,
        "worker": " ".join(WORKER_ARGS),
    }
    ratios: dict[int, float] = {}
    sound = True
    for concurrency in CONCURRENCY:  # the engines alternate, so both see the same machine
        runs = {engine.name: _run_load(engine, concurrency) for engine in (sqlite, postgres)}
        ratio = runs["sqlite"]["throughput_rps"] / runs["postgres"]["throughput_rps"]
        ratios[concurrency] = ratio
        sound = sound and all(_sound(r) for r in runs.values())
        details[f"n{concurrency}"] = {**runs, "ratio": round(ratio, 3)}
        for name, r in runs.items():
            print(
                f"  {name:>8} x{concurrency:<2}: {r['requests']} requests, {r['errors']} errors, "
                f"{r['throughput_rps']} requests/s, p95 POST {r['post']['p95_ms']} ms, "
                f"dashboard {r['dashboard']['p95_ms']} ms; writes {r['writes']}; "
                f"recomputes {r['recomputes']}",
                flush=True,
            )
    # The headline is the concurrency where SQLite keeps up least.
    worst = min(ratios, key=lambda n: ratios[n])
    details["headline"] = f"n{worst}"
    value = details[f"n{worst}"]["sqlite"]["throughput_rps"]
    baseline = details[f"n{worst}"]["postgres"]["throughput_rps"]
    met = sound and ratios[worst] >= MIN_RATIO
    return Result(
        ID, WHAT, value, baseline, ratios[worst], TARGET, met, unit="requests/s", details=details
    )
