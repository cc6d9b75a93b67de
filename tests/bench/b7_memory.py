"""B7: peak memory of a Celery worker recomputing 20 000 learners (B4's data set).

Every learner is marked stale and the sweep task (readiness.sweep: up to 20 committed batches
of 500 per message) is sent until none is left. The worker runs the default prefork pool with
one child (-c 1); the work happens in that child, so the figure is the child's peak resident
set (VmHWM in /proc), polled while it runs. The parent's peak is in the details."""

import math
import time
from pathlib import Path

from django.utils import timezone

from tests.bench.b4_recompute import SIZES, learners_ensure
from tests.bench.harness import Bench, Result
from tracker.models import LearnerProfile
from tracker.recompute import SWEEP_BATCH_SIZE
from tracker.tasks import sweep_stale_readiness

ID = "B7"
WHAT = "peak RSS of the worker recomputing 20 000 learners"
TARGET = "<= 300 MB"
LIMIT_MB = 300
SWEEP_BATCHES = 20  # stale_sweep's max_batches
TIMEOUT = 1800.0


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return found


def peak_mb(pid: int) -> float:
    """VmHWM (the peak resident set so far) of a process, in MB; 0 if it is gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return 0.0
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def stale() -> int:
    return LearnerProfile.objects.filter(readiness_stale_at__isnull=False).count()


def run(bench: Bench) -> Result:
    learners = learners_ensure(SIZES[-1] * bench.scale)
    worker = bench.worker("-Q", "celery,readiness", "-c", "1")
    parent = worker.process.pid
    before = {child: peak_mb(child) for child in children(parent)}
    LearnerProfile.objects.update(readiness_stale_at=timezone.now())
    for _ in range(math.ceil(learners / (SWEEP_BATCH_SIZE * SWEEP_BATCHES)) + 1):
        sweep_stale_readiness.delay()
    started = time.monotonic()
    peaks: dict[int, float] = {}
    while (left := stale()) and time.monotonic() - started < TIMEOUT:
        for child in children(parent):
            peaks[child] = max(peaks.get(child, 0.0), peak_mb(child))
        time.sleep(0.2)
    for child in children(parent):
        peaks[child] = max(peaks.get(child, 0.0), peak_mb(child))
    assert not left, f"B7: {left} learners still stale after {TIMEOUT:g} s"
    assert peaks, "B7: no worker child process seen"
    value = max(peaks.values())
    return Result(
        ID,
        WHAT,
        value,
        None,
        None,
        TARGET,
        value <= LIMIT_MB,
        unit="MB",
        details={
            "learners": learners,
            "seconds": round(time.monotonic() - started, 1),
            "pool": "prefork, -c 1: peak VmHWM of the pool child",
            "child_peaks_mb": {str(k): round(v, 1) for k, v in peaks.items()},
            "child_idle_mb": {str(k): round(v, 1) for k, v in before.items()},
            "parent_peak_mb": round(peak_mb(parent), 1),
        },
    )
