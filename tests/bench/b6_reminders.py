"""B6: the hourly reminder run for many due learners through a live worker, against sending the
same emails in one plain loop in process (locmem backend for both)."""

import os
import re
import time

from django.core import mail
from django.core.mail import get_connection
from django.db import connection
from django.db.models import Count, Max
from django.utils import timezone

from tests.bench.harness import Bench, Result
from tests.processes import CeleryProcess, wait_for
from tracker import reminders, tasks
from tracker.models import LearnerProfile, ReminderDelivery

ID = "B6"
WHAT = "reminder run for 50 000 due learners through a live worker"
TARGET = ">= 0.5 of a plain loop; zero duplicates"
LEARNERS = int(os.environ.get("BENCH_B6_LEARNERS", "50000"))  # smaller for local checks
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"
EMAIL = "b6-{}@bench.local"


def _build(count: int) -> None:
    """`count` learners due an inactivity reminder this hour (UTC, preferred hour = now): an
    active enrolment from ten days ago and no progress; the other kinds turned off, so exactly
    one email each."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO tracker_user (password, is_superuser, first_name, last_name, is_staff,
                                      is_active, date_joined, email)
            SELECT '!', false, '', '', false, true, now(), 'b6-' || n || '@bench.local'
            FROM generate_series(1, %s) AS n
            """,
            [count],
        )
        cursor.execute(
            """
            INSERT INTO tracker_learnerprofile (user_id, timezone, weekly_goal_minutes,
                remind_inactivity, remind_behind_pace, remind_weekly_digest, remind_reviews_due,
                desired_retention, inactivity_days, preferred_hour, changed_at)
            SELECT id, 'UTC', 180, true, false, false, false, 0.9, 3, 0, now()
            FROM tracker_user WHERE email LIKE 'b6-%%@bench.local'
            """
        )
        cursor.execute(
            """
            INSERT INTO tracker_enrolment (status, enrolled_at, updated_at, path_id, user_id)
            SELECT 'active', now() - interval '10 days', now(),
                   (SELECT id FROM paths_learningpath WHERE status = 'published'
                    ORDER BY id LIMIT 1), id
            FROM tracker_user WHERE email LIKE 'b6-%%@bench.local'
            """
        )
        cursor.execute("ANALYZE")


def _make_due_now() -> None:
    """Preferred hour = the current UTC hour, well inside it (the planner runs at its own now)."""
    now = timezone.now()
    if now.minute == 59 and now.second > 30:
        time.sleep(61 - now.second)
        now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE tracker_learnerprofile SET preferred_hour = %s "
            "WHERE user_id IN (SELECT id FROM tracker_user WHERE email LIKE 'b6-%%@bench.local')",
            [now.hour],
        )


def _worker(bench: Bench) -> CeleryProcess:
    env = bench.env()
    env["DJANGO_EMAIL_BACKEND"] = LOCMEM  # in the worker's memory: counted through the rows
    log = bench.workdir / f"worker-{len(bench.started)}-b6.log"
    process = CeleryProcess("worker", env, log, "-Q", "reminders,celery", "-c", "2")
    bench.started.append(process)
    process.wait_ready()
    return process


SENT_IN_LOG = re.compile(r"Task reminders\.send\[[^\]]+\] succeeded in [0-9.e-]+s: (\d+)")


def _baseline(expected: int) -> tuple[float, set[str]]:
    """The same emails, built by the same function, sent one by one in one loop."""
    mail.outbox = []
    started = time.perf_counter()
    deliveries = ReminderDelivery.objects.filter(user__email__startswith="b6-").select_related(
        "user"
    )
    with get_connection(LOCMEM) as conn:
        for delivery in deliveries.iterator(chunk_size=2000):
            conn.send_messages([reminders.reminder_email(delivery)])
    seconds = time.perf_counter() - started
    assert len(mail.outbox) == expected, (len(mail.outbox), expected)
    recipients = {m.to[0] for m in mail.outbox}
    mail.outbox = []
    return expected / seconds, recipients


def run(bench: Bench) -> Result:
    count = LEARNERS * bench.scale
    started_build = time.monotonic()
    _build(count)
    built = time.monotonic() - started_build
    # Only these learners may be due: earlier benchmarks' learners get no reminder.
    LearnerProfile.objects.exclude(user__email__startswith="b6-").update(
        remind_inactivity=False,
        remind_behind_pace=False,
        remind_weekly_digest=False,
        remind_reviews_due=False,
    )
    worker = _worker(bench)
    _make_due_now()
    due = ReminderDelivery.objects.filter(user__email__startswith="b6-")
    assert not due.exists()

    wall_start = time.time()
    tasks.send_due_reminders.apply_async()
    sent = due.filter(status=ReminderDelivery.Status.SENT)
    wait_for(lambda: sent.count() >= count, 1800, f"{count} reminders sent", every=0.5)
    last_sent = due.aggregate(last=Max("sent_at"))["last"]
    assert last_sent is not None
    seconds = last_sent.timestamp() - wall_start
    ours = count / seconds
    time.sleep(1)  # let the worker log its last results

    # Zero duplicates: one row per learner, kind and period, every row sent once, and the
    # worker's own count of emails it sent equals the number of learners.
    rows = due.count()
    per_learner = due.values("user_id", "kind", "period_key").annotate(n=Count("pk"))
    duplicates = per_learner.filter(n__gt=1).count()
    learners_served = due.values("user_id").distinct().count()
    attempts_over_one = due.filter(attempts__gt=1).count()
    worker_sent = sum(int(n) for n in SENT_IN_LOG.findall(worker.output()))
    duplicates += max(worker_sent - count, 0) + max(rows - count, 0) + attempts_over_one

    theirs, recipients = _baseline(count)
    assert recipients == {EMAIL.format(n) for n in range(1, count + 1)}
    ratio = ours / theirs
    met = ratio >= 0.5 and duplicates == 0 and worker_sent == count and learners_served == count
    first_sent = due.order_by("sent_at").values_list("sent_at", flat=True).first()
    return Result(
        ID,
        WHAT,
        ours,
        theirs,
        ratio,
        TARGET,
        met,
        unit="emails/s",
        details={
            "learners_due": count,
            "rows_claimed": rows,
            "rows_sent": sent.count(),
            "learners_served": learners_served,
            "worker_sent_per_log": worker_sent,
            "duplicates": duplicates,
            "subject_seconds": round(seconds, 2),
            "first_sent_after_s": (
                round(first_sent.timestamp() - wall_start, 2) if first_sent else None
            ),
            "baseline_seconds": round(count / theirs, 2),
            "batch_size": reminders.SEND_BATCH_SIZE,
            "worker": "-Q reminders,celery -c 2 (prefork), locmem email",
            "build_seconds": round(built, 1),
        },
    )
