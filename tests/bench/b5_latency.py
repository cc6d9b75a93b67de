"""B5: how long after a progress POST the new readiness score is readable through the API, with
a live worker on Redis, at a steady open-loop rate of POSTs."""

import http.client
import json
import statistics
import threading
import time
import uuid
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from fractions import Fraction

import redis

from paths.models import LearningPath, StepSkill
from tests.api_clients import access_token_minted
from tests.bench.dataset import PASSWORD, access_token
from tests.bench.harness import Bench, Result
from tests.processes import wait_for
from tracker import readiness
from tracker.models import ReadinessScore
from tracker.recompute import readiness_recompute, requirements_by_target
from tracker.services import enrolment_create, learner_profile_update, user_ensure

ID = "B5"
WHAT = "progress POST to new score readable via API, live worker"
TARGET = "p95 <= 1 s at 20 requests/s"
RATE = 20.0  # POSTs per second, open loop
SECONDS = 25.0
LEARNERS = 100
POLL_EVERY = 0.04  # per pending learner
GIVE_UP = 30.0  # a score not seen by then counts as a timeout


@dataclass
class Learner:
    email: str
    enrolment_id: int
    role: str
    level: str
    steps: list[tuple[int, float]]  # (step id, the score once it is completed), in order
    score: float
    token: str = ""
    pending: bool = False
    done: int = 0


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    starts: list[float] = field(default_factory=list)
    posts: list[float] = field(default_factory=list)  # POST response times
    polls: int = 0
    timeouts: int = 0
    wrong: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _raising_steps(path: LearningPath, requirements: list[readiness.Requirement]):
    """Steps that each raise the score for the path's own role and level when completed in
    position order, with the score after each. On a sequential path only the leading run of
    them (its prerequisites are the steps before it, all completed by then)."""
    levels: dict[int, Fraction] = {}
    before = readiness.readiness(requirements, levels).score
    chosen: list[tuple[int, float]] = []
    for step in path.steps.order_by("position"):
        for link in StepSkill.objects.filter(step=step):
            levels[link.skill_id] = max(
                levels.get(link.skill_id, Fraction(0)), Fraction(link.level)
            )
        after = readiness.readiness(requirements, levels).score
        if after is not None and before is not None and after > before:
            chosen.append((step.pk, float(after)))
        elif path.sequential:
            break
        before = after
    return chosen


def _learners(count: int) -> list[Learner]:
    targets = requirements_by_target()
    plans = []
    for path in LearningPath.objects.filter(status=LearningPath.Status.PUBLISHED).select_related(
        "role", "level"
    ):
        steps = _raising_steps(path, targets[(path.role_id, path.level_id)])
        if steps:
            plans.append((path, steps))
    assert plans, "no published path raises a score"
    learners = []
    for n in range(count):
        path, steps = plans[n % len(plans)]
        user, _ = user_ensure(email=f"b5-{n}@bench.local", password=PASSWORD)
        learner_profile_update(user=user, target_role=path.role, target_level=path.level)
        enrolment = enrolment_create(user=user, path=path)
        readiness_recompute(user_id=user.pk)
        score = ReadinessScore.objects.get(user=user, role=path.role, level=path.level).score
        learners.append(
            Learner(
                user.email,
                enrolment.pk,
                path.role.slug,
                path.level.slug,
                steps,
                float(score or 0.0),
            )
        )
    return learners


class Client:
    """One loopback connection per thread (gunicorn's sync workers close it after each
    response; http.client reopens it)."""

    local = threading.local()

    def __init__(self, port: int) -> None:
        self.port = port

    def request(self, method: str, path: str, token: str, body: bytes | None = None):
        conn = getattr(self.local, "conn", None)
        if conn is None:
            conn = self.local.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, response.read()


def _one(client: Client, learner: Learner, tally: Tally) -> None:
    """POST the next completion, then poll the readiness until it shows the new score."""
    step_id, expected = learner.steps[learner.done]
    body = {
        "enrolment": learner.enrolment_id,
        "step": step_id,
        "minutes": 30,
        "status": "completed",
        "client_id": str(uuid.uuid4()),
    }
    url = f"/api/v1/readiness/{learner.role}/?level={learner.level}"
    started = time.perf_counter()
    with tally.lock:
        tally.starts.append(started)
    try:
        status, payload = client.request(
            "POST", "/api/v1/progress/", learner.token, json.dumps(body).encode()
        )
        if status != 201:
            with tally.lock:
                tally.wrong.append(f"POST {status} {payload[:200]!r}")
            return
        with tally.lock:
            tally.posts.append(time.perf_counter() - started)
        polls = 0
        while True:
            status, payload = client.request("GET", url, learner.token)
            polls += 1
            seen = time.perf_counter()
            score = json.loads(payload)["score"] if status == 200 else None
            if score is not None and score > learner.score + 1e-9:
                with tally.lock:
                    tally.latencies.append(seen - started)
                    tally.polls += polls
                    if abs(score - expected) > 1e-6:
                        tally.wrong.append(f"{learner.email}: {score} != expected {expected}")
                learner.score = score
                learner.done += 1
                return
            if seen - started > GIVE_UP:
                with tally.lock:
                    tally.timeouts += 1
                    tally.polls += polls
                return
            time.sleep(POLL_EVERY)
    finally:
        learner.pending = False


def _drained(url: str) -> bool:
    client = redis.Redis.from_url(url)
    return all(client.llen(q) == 0 for q in ("readiness", "celery")) and client.hlen("unacked") == 0


def run(bench: Bench) -> Result:
    learners = _learners(LEARNERS * bench.scale)
    server = bench.web(workers=4)
    bench.worker("-Q", "readiness,celery", "-c", "2")
    wait_for(lambda: _drained(bench.redis_url), 60, "the set-up recomputes to finish")
    access_token(server.url, learners[0].email)  # the server's own login works
    for learner in learners:  # 300 s tokens, minted now
        learner.token = access_token_minted(learner.email, PASSWORD)

    client, tally = Client(server.port), Tally()
    total = int(RATE * SECONDS)
    skipped = 0
    futures: list[Future[None]] = []
    with ThreadPoolExecutor(max_workers=64) as pool:
        begin = time.perf_counter()
        turn = 0
        for n in range(total):
            delay = begin + n / RATE - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            for _ in range(len(learners)):  # the next learner with nothing in flight
                learner = learners[turn % len(learners)]
                turn += 1
                if not learner.pending and learner.done < len(learner.steps):
                    break
            else:
                skipped += 1
                continue
            learner.pending = True
            futures.append(pool.submit(_one, client, learner, tally))
        for future in futures:
            future.result()

    assert not tally.wrong, tally.wrong[:3]
    latencies = sorted(tally.latencies)
    starts = sorted(tally.starts)
    rate = (len(starts) - 1) / (starts[-1] - starts[0])
    p50 = statistics.median(latencies)
    p95 = statistics.quantiles(latencies, n=100, method="inclusive")[94]
    met = p95 <= 1.0 and rate >= 19.0 and tally.timeouts == 0 and skipped == 0
    return Result(
        ID,
        WHAT,
        p95,
        None,
        None,
        TARGET,
        met,
        unit="s (p95)",
        details={
            "p50_s": round(p50, 3),
            "p95_s": round(p95, 3),
            "max_s": round(latencies[-1], 3),
            "post_p50_s": round(statistics.median(tally.posts), 3),
            "post_p95_s": round(statistics.quantiles(tally.posts, n=100)[94], 3),
            "count": len(latencies),
            "posts": len(starts),
            "rate_per_s": round(rate, 2),
            "polls": tally.polls,
            "polls_per_post": round(tally.polls / max(len(latencies), 1), 2),
            "poll_every_s": POLL_EVERY,
            "timeouts": tally.timeouts,
            "skipped": skipped,
            "learners": len(learners),
            "web_workers": 4,
            "worker": "-Q readiness,celery -c 2",
        },
    )
