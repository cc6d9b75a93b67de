"""B8: history at scale. Every API endpoint and page (B3's list) for a learner with a year of
history among 20 000 learners with a year each, against the same requests for a learner with a
month among 2 000 learners with a month each: the median latency of each may grow at most 1.3x
(the two exports aside: they are the whole account, so a year's is by definition twelve times a
month's; measured and reported), and no query of those requests, nor of the retention's
batches, may read a large table without an index.

Data. Each set has a database of its own beside the bench's (`<bench database>_b8_month` and
`_b8_year`, migrated once with the catalogue, the second a copy of the first, both dropped at
the end), so the month's tables hold 2 000 learners and the year's 20 000 (by B8's turn the
bench database holds B4's and B6's 70 000, and a year of 20 000 would slow every benchmark after
it). Django's default connection is pointed at one or the other in turn. Every learner's
history is made by the same INSERT ... SELECT statements over generate_series (`STATEMENTS`,
two chains on two connections), whatever the size; per learner and day, a hash of both decides:
- enrolments: one path per 92 days of history (the latest active, the earlier completed);
- progress entries on 2 days in 7 (minutes, started or completed steps along the path, a note
  on one in ten, a client id on half);
- a readiness snapshot every day for the learner's target role and level (the nightly snapshot
  writes all 12 role-levels: the measured learners get the 12, the others their target's only,
  which keeps the build near a minute; every read is per learner, role and level);
- reminder deliveries: a weekly digest for half the learners, behind-pace one week in four,
  inactivity one day in 20 and reviews-due one day in 40 (one in 40 failed);
- a skill check one day in 30 (verify or review, five items each; one in six never answered);
- memory states of every skill of a completed step, reviewed at the last completion;
- cohorts of 25 (the first learner leads the others) with two assigned paths each;
- idempotency keys, weekly, for one learner in four.
As for any bulk load, foreign keys are not checked meanwhile (`session_replication_role =
replica`: the rows are consistent by construction), the large tables' indexes but their primary
keys are dropped and made again after (checked to be the same definitions), then VACUUM ANALYZE.

The measured learner of each set is `learner_with_history` (the demo learner, through the
services), with B3's target (mid), a calendar feed, a cohort they lead (24 learners of their
set, two assigned paths, three open invites; the members' readiness recomputed) and membership
of one more, then the same SQL history as their set's learners (with all 12 role-levels of
snapshots), then a readiness recompute.

Measurement. In process, like B3: Django's test Client for pages (force_login) and DRF's
APIClient with a real JWT from allauth's app login. The cache is cleared before every request
(untimed), so throttles never answer instead of the view and cached views (the API dashboard)
do their whole work: this is the uncached latency. Lists use their default page size (20; the
readiness history's page is a year), so a page is the same size for both learners whenever both
have that much. The two learners take turns request by request (each round in the other order),
so both see the same machine: every GET once unmeasured, then `BENCH_B8_REPEATS` rounds; then
the API's writes (account deletion aside) as a cycle that leaves the learner as it was (but for
a new entry and a withdrawn enrolment), as many times. The figure per request is the median.

Plans. On the year set, the SQL of every request is captured (CaptureQueriesContext) and each
distinct statement run under EXPLAIN (ANALYZE, BUFFERS) in a transaction that is rolled back;
a Seq Scan on one of LARGE_TABLES is a failure. The plans of the slowest statements of the
slowest requests are printed and kept in the details.

Retention. Last, on the year set: each policy's batch query under EXPLAIN, then
`retention_run()` timed three times: the first run (what is past the policies now), a second
with nothing left to do, and a run as it would be 45 days on (ten days of snapshots and 45 of
reminders past their policy), each with the rows it deleted.

Sizes (for a quick local run): BENCH_B8_LEARNERS (20 000), BENCH_B8_DAYS (365),
BENCH_B8_SMALL_LEARNERS (2 000), BENCH_B8_SMALL_DAYS (30), BENCH_B8_REPEATS (15); --scale
multiplies the learners."""

import json
import os
import re
import statistics
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from assessments.banks import banks_load
from careers.models import Role, SeniorityLevel
from paths.catalogue import catalogue_load
from paths.models import LearningPath
from teams.models import Assignment, Cohort, Invite, Membership
from teams.services import cohort_create
from tests.bench.b3_queries import CLAIMED, LLM_PATH, ML_PATH, PLAN_LEVEL, ROLE, clients, endpoints
from tests.bench.dataset import learner_with_history
from tests.bench.harness import Bench, Result
from tracker.calendar_feed import calendar_feed_renew
from tracker.models import Enrolment, LearnerProfile, SkillClaim, User
from tracker.recompute import readiness_recompute
from tracker.retention import POLICIES, oldest, retention_run
from tracker.services import learner_profile_update

ID = "B8"
WHAT = "history at scale: every endpoint and page, a year x 20 000 learners"
TARGET = "<= 1.3x a month (exports aside); index scans"
MAX_RATIO = 1.3
# Everything stored about the learner, by definition as long as their history: a year's export
# holds twelve times a month's snapshots. Measured and reported, not held to the ratio.
EXPORT = "the whole account, by definition: a year holds 12x the rows of a month"
EXCEPTED = {"GET /api/v1/me/export/": EXPORT, "GET /settings/export/": EXPORT}
LEARNERS = int(os.environ.get("BENCH_B8_LEARNERS", "20000"))
DAYS = int(os.environ.get("BENCH_B8_DAYS", "365"))
SMALL_LEARNERS = int(os.environ.get("BENCH_B8_SMALL_LEARNERS", "2000"))
SMALL_DAYS = int(os.environ.get("BENCH_B8_SMALL_DAYS", "30"))
REPEATS = int(os.environ.get("BENCH_B8_REPEATS", "15"))
CHUNK_DAYS = 92  # one path per this many days of history
COHORT_SIZE = 25
LED_MEMBERS = 24  # the measured learner's own cohort
SLOWEST = 4  # requests whose plans are printed, two statements each
LARGE_TABLES = (
    "tracker_progressentry",
    "tracker_readinesssnapshot",
    "tracker_reminderdelivery",
    "tracker_enrolment",
    "tracker_idempotencykey",
    "assessments_skillcheck",
    "assessments_checkitem",
    "assessments_memorystate",
    "teams_membership",
)
TIMEZONES = ["Europe/London", "America/New_York", "Asia/Tokyo", "Australia/Sydney", "UTC"]
EMAIL = "b8-{}-{}@bench.local"

# --- Data: a few statements per set, whatever its size ----------------------------------------

# b8_learner: the learners of each set (`batch`), with the days of history they get and whether
# they are a measured learner. `h` is a hash of (learner, day) that decides what happens when.
LEARNER_TABLE = """
CREATE TABLE IF NOT EXISTS b8_learner (
    user_id bigint PRIMARY KEY, batch int NOT NULL, days int NOT NULL, measured boolean NOT NULL,
    n int NOT NULL  -- the learner's place in the set (the measured one's is -1)
)
"""
HASH = "(hashint8(l.user_id * 1000 + d + {salt}) & 2147483647)"
PUBLISHED = """(SELECT id, row_number() OVER (ORDER BY id) - 1 AS n, count(*) OVER () AS total
                FROM paths_learningpath WHERE status = 'published')"""

ENROLMENTS = """
INSERT INTO tracker_enrolment (status, target_date, enrolled_at, completed_at, updated_at,
                               path_id, user_id)
SELECT CASE WHEN k = 0 AND NOT l.measured THEN 'active' ELSE 'completed' END,
       CASE WHEN k = 0 AND NOT l.measured THEN current_date + (30 + l.user_id %% 60)::int END,
       now() - make_interval(days => least((k + 1) * {CHUNK_DAYS}, l.days)),
       CASE WHEN k = 0 AND NOT l.measured THEN NULL
            ELSE now() - make_interval(days => k * {CHUNK_DAYS}) - interval '1 hour' END,
       now(), p.id, l.user_id
FROM b8_learner l
CROSS JOIN LATERAL generate_series(0, (l.days - 1) / {CHUNK_DAYS}) k
JOIN {PUBLISHED} p ON p.n = (l.user_id + k) %% p.total
WHERE l.batch = %(batch)s
"""
# On 2 days in 7 of each enrolment's span, an entry on the step the learner has reached (the
# path's steps spread evenly over the span); a third of them complete it.
ENTRIES = """
INSERT INTO tracker_progressentry (minutes, status, note, evidence_url, occurred_at, client_id,
                                   created_at, enrolment_id, step_id, user_id)
SELECT 15 + x.h %% 76,
       CASE WHEN x.h / 7 %% 3 = 0 THEN 'completed' ELSE 'started' END,
       CASE WHEN x.h / 21 %% 10 = 0 THEN 'Worked through the exercises and took notes.'
            ELSE '' END,
       CASE WHEN x.h / 210 %% 20 = 0 THEN 'https://example.com/notes' ELSE '' END,
       x.at, CASE WHEN x.h / 4200 %% 2 = 0 THEN gen_random_uuid() END, x.at,
       x.id, s.id, x.user_id
FROM (
    SELECT e.id, e.user_id, e.path_id, d, span.first, span.last, {HASH0} AS h,
           now() - make_interval(days => d, mins => 30 + {HASH0} %% 600) AS at
    FROM tracker_enrolment e
    JOIN b8_learner l ON l.user_id = e.user_id
    CROSS JOIN LATERAL (
        SELECT date_part('day', now() - e.enrolled_at)::int AS first,
               coalesce(date_part('day', now() - e.completed_at)::int, 0) AS last
    ) span
    CROSS JOIN LATERAL generate_series(span.last, span.first - 1) d
    WHERE l.batch = %(batch)s AND e.id > %(after)s
) x
JOIN (SELECT path_id, count(*) AS n FROM paths_step GROUP BY path_id) steps
  ON steps.path_id = x.path_id
JOIN paths_step s ON s.path_id = x.path_id
 AND s.position = 1 + (x.first - 1 - x.d) * steps.n / greatest(x.first - x.last, 1)
WHERE x.h %% 7 < 2
"""
# Every day of history, the target's score (all 12 role-levels for a measured learner, as the
# nightly snapshot writes them), rising over the history.
SNAPSHOTS = """
INSERT INTO tracker_readinesssnapshot (user_id, role_id, level_id, day, score)
SELECT l.user_id, t.role_id, t.level_id, current_date - d,
       round((10 + 60.0 * (l.days - d) / l.days + (l.user_id + t.role_id) %% 20)::numeric, 1)
FROM b8_learner l
JOIN tracker_learnerprofile p ON p.user_id = l.user_id
CROSS JOIN LATERAL (
    SELECT r.id AS role_id, v.id AS level_id
    FROM careers_role r CROSS JOIN careers_senioritylevel v
    WHERE l.measured OR (r.id = p.target_role_id AND v.id = p.target_level_id)
) t
CROSS JOIN LATERAL generate_series(0, l.days - 1) d
WHERE l.batch = %(batch)s
"""
# The measured learner's snapshots from the demo make way for the set's (a day each).
SNAPSHOTS_REPLACED = """
DELETE FROM tracker_readinesssnapshot s USING b8_learner l
WHERE s.user_id = l.user_id AND l.batch = %(batch)s
"""
REMINDERS = """
INSERT INTO tracker_reminderdelivery (kind, period_key, status, claim_token, context, attempts,
                                      claimed_at, sent_at, error, user_id)
SELECT r.kind,
       CASE WHEN r.weekly THEN to_char(current_date - d, 'IYYY-"W"IW')
            ELSE to_char(current_date - d, 'YYYY-MM-DD') END,
       CASE WHEN x.h %% 40 = 0 THEN 'failed' ELSE 'sent' END, gen_random_uuid(),
       jsonb_build_object('minutes', x.h %% 300), 1, x.at,
       CASE WHEN x.h %% 40 = 0 THEN NULL ELSE x.at END,
       CASE WHEN x.h %% 40 = 0 THEN 'SMTP 421: try again later' ELSE '' END, l.user_id
FROM b8_learner l
CROSS JOIN LATERAL generate_series(0, l.days - 1) d
CROSS JOIN LATERAL (
    SELECT {HASH7} AS h,
           now() - make_interval(days => d, hours => 1) AS at
) x
JOIN (VALUES ('weekly_digest', true), ('behind_pace', true), ('inactivity', false),
             ('reviews_due', false)) r (kind, weekly)
  ON CASE r.kind
     WHEN 'weekly_digest' THEN l.user_id %% 2 = 0 AND d %% 7 = l.user_id %% 7
     WHEN 'behind_pace' THEN d %% 7 = (l.user_id + 3) %% 7 AND x.h / 40 %% 4 = 0
     WHEN 'inactivity' THEN x.h / 160 %% 20 = 0
     ELSE x.h / 3200 %% 40 = 0 END
WHERE l.batch = %(batch)s
"""
# The question bank as the build reads it (made once per database, then analysed): each skill
# and level with enough active questions for a check, and each question's place in its bank with
# a right and a wrong choice.
BANK_TABLES = (
    """
    CREATE TABLE IF NOT EXISTS b8_bank AS
    SELECT skill_id, level, row_number() OVER (ORDER BY skill_id, level) - 1 AS n,
           count(*) OVER () AS total
    FROM (SELECT skill_id, level FROM assessments_question WHERE is_active
          GROUP BY skill_id, level HAVING count(*) >= 5) checkable
    """,
    """
    CREATE TABLE IF NOT EXISTS b8_question AS
    SELECT q.id, q.skill_id, q.level,
           row_number() OVER (PARTITION BY q.skill_id, q.level ORDER BY q.id) - 1 AS n,
           count(*) OVER (PARTITION BY q.skill_id, q.level) AS total,
           (SELECT c.id FROM assessments_choice c WHERE c.question_id = q.id AND c.is_correct
            ORDER BY c.position LIMIT 1) AS right_choice,
           (SELECT c.id FROM assessments_choice c WHERE c.question_id = q.id AND NOT c.is_correct
            ORDER BY c.position LIMIT 1) AS wrong_choice
    FROM assessments_question q WHERE q.is_active
    """,
    "CREATE UNIQUE INDEX IF NOT EXISTS b8_bank_n ON b8_bank (n)",
    "CREATE UNIQUE INDEX IF NOT EXISTS b8_question_n ON b8_question (skill_id, level, n)",
    "ANALYZE b8_bank",
    "ANALYZE b8_question",
)
# One day in 30 a skill check of a skill and level with a bank (verify or review); one in six
# never answered, the others 2 to 5 right (a pass needs 4).
CHECKS = """
INSERT INTO assessments_skillcheck (user_id, skill_id, level, purpose, started_at, expires_at,
                                    submitted_at, correct_count, passed)
SELECT l.user_id, b.skill_id, b.level,
       CASE WHEN x.h / 30 %% 2 = 0 THEN 'review' ELSE 'verify' END,
       x.at, x.at + interval '20 minutes',
       CASE WHEN x.h / 60 %% 6 = 0 THEN NULL ELSE x.at + interval '6 minutes' END,
       CASE WHEN x.h / 60 %% 6 = 0 THEN NULL ELSE 2 + x.h / 360 %% 4 END,
       CASE WHEN x.h / 60 %% 6 = 0 THEN NULL ELSE 2 + x.h / 360 %% 4 >= 4 END
FROM b8_learner l
CROSS JOIN LATERAL generate_series(0, l.days - 1) d
CROSS JOIN LATERAL (
    SELECT {HASH13} AS h, now() - make_interval(days => d, hours => 2) AS at
) x
JOIN b8_bank b ON b.n = x.h / 1440 %% b.total
WHERE l.batch = %(batch)s AND x.h %% 30 = 0
"""
ITEMS = """
INSERT INTO assessments_checkitem (skill_check_id, question_id, position, chosen, correct)
SELECT c.id, q.id, k,
       CASE WHEN c.submitted_at IS NULL THEN '[]'::jsonb
            WHEN k <= c.correct_count THEN jsonb_build_array(q.right_choice)
            ELSE jsonb_build_array(q.wrong_choice) END,
       CASE WHEN c.submitted_at IS NULL THEN NULL ELSE k <= c.correct_count END
FROM assessments_skillcheck c
JOIN b8_learner l ON l.user_id = c.user_id
CROSS JOIN generate_series(1, 5) k
JOIN b8_question q
  ON q.skill_id = c.skill_id AND q.level = c.level AND q.n = (c.id + k) %% q.total
WHERE l.batch = %(batch)s AND c.id > %(after)s
"""
# A memory of every skill a completed step taught, last reviewed at the latest completion.
MEMORIES = """
INSERT INTO assessments_memorystate (user_id, skill_id, level, state, stability, difficulty,
                                     due, last_review, reviews, lapsed)
SELECT pe.user_id, ss.skill_id, max(ss.level), 2, 21 + (pe.user_id + ss.skill_id) %% 4 * 20,
       5.0, max(pe.occurred_at)
           + make_interval(days => (21 + (pe.user_id + ss.skill_id) %% 4 * 20)::int),
       max(pe.occurred_at), least(count(*), 30), (pe.user_id + ss.skill_id) %% 17 = 0
FROM tracker_progressentry pe
JOIN b8_learner l ON l.user_id = pe.user_id
JOIN paths_stepskill ss ON ss.step_id = pe.step_id
WHERE l.batch = %(batch)s AND pe.status = 'completed'
GROUP BY pe.user_id, ss.skill_id
ON CONFLICT (user_id, skill_id) DO NOTHING
"""
# Cohorts of COHORT_SIZE learners of the set (not the measured ones): the first leads the rest.
COHORTS = """
INSERT INTO teams_cohort (name, lead_id, target_role_id, target_level_id, created_at)
SELECT 'B8 cohort ' || l.user_id, l.user_id, p.target_role_id, p.target_level_id,
       now() - interval '20 days'
FROM b8_learner l JOIN tracker_learnerprofile p ON p.user_id = l.user_id
WHERE l.batch = %(batch)s AND l.n >= 0 AND l.n %% {COHORT_SIZE} = 0
"""
MEMBERSHIPS = """
INSERT INTO teams_membership (cohort_id, user_id, joined_at, shares_detail)
SELECT c.id, l.user_id, now() - interval '19 days', l.user_id %% 3 = 0
FROM b8_learner l
JOIN b8_learner lead ON lead.batch = l.batch AND lead.n = l.n - l.n %% {COHORT_SIZE}
JOIN teams_cohort c ON c.lead_id = lead.user_id
WHERE l.batch = %(batch)s AND l.n >= 0 AND l.n %% {COHORT_SIZE} > 0
"""
ASSIGNMENTS = """
INSERT INTO teams_assignment (cohort_id, path_id, due_date, created_at)
SELECT c.id, p.id, current_date + 30 + k * 30, now() - interval '20 days'
FROM teams_cohort c
JOIN b8_learner l ON l.user_id = c.lead_id
CROSS JOIN generate_series(0, 1) k
JOIN {PUBLISHED} p ON p.n = (c.id + k) %% p.total
WHERE l.batch = %(batch)s AND NOT l.measured
"""
IDEMPOTENCY_KEYS = """
INSERT INTO tracker_idempotencykey (key, request_hash, status_code, response_body, created_at,
                                    user_id)
SELECT 'b8-' || d, md5(l.user_id || '-' || d), 200, '{"entries": []}'::jsonb,
       now() - make_interval(days => d, hours => 3), l.user_id
FROM b8_learner l
CROSS JOIN LATERAL generate_series(0, l.days - 1) d
WHERE l.batch = %(batch)s AND l.user_id %% 4 = 0 AND d %% 7 = 3
"""


def _filled(sql: str) -> str:
    """The statement with the build's constants and shared parts in place of their names."""
    parts = {
        "{PUBLISHED}": PUBLISHED,
        "{HASH0}": HASH.replace("{salt}", "0"),
        "{HASH7}": HASH.replace("{salt}", "7"),
        "{HASH13}": HASH.replace("{salt}", "13"),
        "{CHUNK_DAYS}": str(CHUNK_DAYS),
        "{COHORT_SIZE}": str(COHORT_SIZE),
    }
    for name, part in parts.items():
        sql = sql.replace(name, part)
    return sql


@dataclass(frozen=True)
class Statement:
    name: str
    sql: str
    after: str | None = None  # the table whose largest id before the set's build is `after`


# Two chains of statements, run side by side on two connections (each chain in order).
STATEMENTS = (
    (
        Statement("snapshots_replaced", SNAPSHOTS_REPLACED),
        Statement("snapshots", _filled(SNAPSHOTS)),
        Statement("reminders", _filled(REMINDERS)),
        Statement("skill_checks", _filled(CHECKS)),
        Statement("check_items", _filled(ITEMS), after="assessments_skillcheck"),
    ),
    (
        Statement("enrolments", _filled(ENROLMENTS)),
        Statement("progress_entries", _filled(ENTRIES), after="tracker_enrolment"),
        Statement("memory_states", _filled(MEMORIES)),
        Statement("idempotency_keys", _filled(IDEMPOTENCY_KEYS)),
        Statement("cohorts", _filled(COHORTS)),
        Statement("memberships", _filled(MEMBERSHIPS)),
        Statement("assignments", _filled(ASSIGNMENTS)),
    ),
)
BUILT_TABLES = (*LARGE_TABLES, "teams_cohort", "teams_assignment")
# The indexes of these tables but their primary keys are dropped for the build and made again
# after it, as for any bulk load: the same definitions (unique ones as the same constraints),
# each built once from the table. Memory states keep their unique constraint, which the build's
# ON CONFLICT needs.
REINDEXED_TABLES = (
    "tracker_readinesssnapshot",
    "tracker_progressentry",
    "tracker_reminderdelivery",
    "assessments_checkitem",
    "assessments_skillcheck",
    "assessments_memorystate",
)
KEPT_CONSTRAINTS = ("memory_state_per_user_skill",)
INDEXES = """
SELECT t.relname, i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid), c.conname,
       pg_get_constraintdef(c.oid)
FROM pg_index i
JOIN pg_class t ON t.oid = i.indrelid
LEFT JOIN pg_constraint c ON c.conindid = i.indexrelid AND c.conrelid = i.indrelid
WHERE t.relname = ANY(%s) AND NOT i.indisprimary
  AND (c.conname IS NULL OR NOT c.conname = ANY(%s))
ORDER BY array_position(%s, t.relname::text), 2
"""
SCHEMA = """
SELECT i.tablename, i.indexname, i.indexdef, c.conname, pg_get_constraintdef(c.oid)
FROM pg_indexes i
LEFT JOIN pg_constraint c ON c.conname = i.indexname AND c.conrelid = i.tablename::regclass
WHERE i.tablename = ANY(%s) ORDER BY 1, 2
"""


@dataclass
class Database:
    """One of B8's two databases, and a Django connection to it (made the default in turn)."""

    name: str
    conninfo: str
    wrapper: Any

    def activate(self) -> None:
        connections[DEFAULT_DB_ALIAS] = self.wrapper


def _side_by_side(work: Callable[[Any], None], shares: list[Any]) -> None:
    """`work(share)` for each share, each in a thread; the first error is raised."""
    errors: list[BaseException] = []

    def guarded(share: Any) -> None:
        try:
            work(share)
        except BaseException as error:  # re-raised below, in the caller's thread
            errors.append(error)

    threads = [threading.Thread(target=guarded, args=(share,)) for share in shares]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]


def _scalar(conn: psycopg.Connection, sql: str) -> int:
    row = conn.execute(sql).fetchone()
    assert row is not None
    return int(row[0])


def _build_sql(db: Database, batch: int) -> dict[str, Any]:
    """The set's statements on two connections, with the indexes of the large tables dropped
    meanwhile and made again after; then VACUUM ANALYZE. Rows and seconds of each."""
    timings: dict[str, Any] = {}
    with psycopg.connect(db.conninfo, autocommit=True) as conn:
        for statement in BANK_TABLES:
            conn.execute(statement)
        after = {
            table: _scalar(conn, "SELECT coalesce(max(id), 0) FROM " + table)  # noqa: S608
            for table in ("tracker_enrolment", "assessments_skillcheck")
        }
        tables = list(REINDEXED_TABLES)
        schema = conn.execute(SCHEMA, [tables]).fetchall()
        indexes = conn.execute(INDEXES, [tables, list(KEPT_CONSTRAINTS), tables]).fetchall()
        remade: list[list[str]] = []  # each index's statements, in order
        for table, index, definition, constraint, constraint_definition in indexes:
            if constraint:
                assert constraint_definition.startswith("UNIQUE ("), constraint_definition
                conn.execute(f"ALTER TABLE {table} DROP CONSTRAINT {constraint}")
                using = (
                    f"ALTER TABLE {table} ADD CONSTRAINT {constraint} UNIQUE USING INDEX {index}"
                )
                remade.append([definition, using])
            else:
                conn.execute(f"DROP INDEX {index}")
                remade.append([definition])
        for table in BUILT_TABLES:
            conn.execute(f"ALTER TABLE {table} SET (autovacuum_enabled = false)")

    def chain(statements: tuple[Statement, ...]) -> None:
        with psycopg.connect(db.conninfo, autocommit=True) as conn:
            conn.execute("SET session_replication_role = replica")  # no FK triggers: see above
            conn.execute("SET work_mem = '64MB'")
            for statement in statements:
                params = {"batch": batch, "after": after.get(statement.after or "", 0)}
                started = time.perf_counter()
                rows = conn.execute(statement.sql, params).rowcount
                timings[statement.name] = {
                    "rows": rows,
                    "s": round(time.perf_counter() - started, 1),
                }

    started = time.perf_counter()
    _side_by_side(chain, list(STATEMENTS))
    timings["inserts_s"] = round(time.perf_counter() - started, 1)

    def make(share: list[list[str]]) -> None:
        with psycopg.connect(db.conninfo, autocommit=True) as conn:
            conn.execute("SET maintenance_work_mem = '256MB'")
            for statements in share:
                for statement in statements:
                    conn.execute(statement)

    started = time.perf_counter()
    _side_by_side(make, [remade[0::2], remade[1::2]])  # largest tables first
    timings["indexes_s"] = round(time.perf_counter() - started, 1)
    with psycopg.connect(db.conninfo) as conn:
        assert conn.execute(SCHEMA, [tables]).fetchall() == schema, "B8: indexes not as before"

    def vacuum(tables: list[str]) -> None:
        with psycopg.connect(db.conninfo, autocommit=True) as conn:
            for table in tables:
                conn.execute(f"VACUUM (ANALYZE) {table}")
                conn.execute(f"ALTER TABLE {table} RESET (autovacuum_enabled)")

    started = time.perf_counter()
    tables = [*BUILT_TABLES, "tracker_user", "tracker_learnerprofile", "b8_learner"]
    _side_by_side(vacuum, [tables[0::2], tables[1::2]])
    timings["vacuum_analyze_s"] = round(time.perf_counter() - started, 1)
    return timings


def learners_add(batch: int, count: int) -> list[int]:
    """`count` learners of the set (users and profiles through the ORM, so model defaults
    apply), with a target: role by id, junior or mid."""
    roles = list(Role.objects.order_by("pk").values_list("pk", flat=True))
    levels = list(
        SeniorityLevel.objects.filter(slug__in=("junior", "mid"))
        .order_by("rank")
        .values_list("pk", flat=True)
    )
    users = User.objects.bulk_create(
        (User(email=EMAIL.format(batch, n), password="!") for n in range(count)),
        batch_size=5_000,
    )
    LearnerProfile.objects.bulk_create(
        (
            LearnerProfile(
                user_id=u.pk,
                timezone=TIMEZONES[u.pk % len(TIMEZONES)],
                target_role_id=roles[u.pk % len(roles)],
                target_level_id=levels[u.pk % len(levels)],
                weekly_goal_minutes=120 + 30 * (u.pk % 6),
            )
            for u in users
        ),
        batch_size=5_000,
    )
    return [u.pk for u in users]


def measured_learner(batch: int, members: list[int]) -> User:
    """A learner like the demo one (and like B3's), leading a cohort of `members`; their SQL
    history comes with the set's."""
    user = learner_with_history(f"b8-measured-{batch}@bench.local")
    learner_profile_update(user=user, target_level=SeniorityLevel.objects.get(slug=PLAN_LEVEL))
    calendar_feed_renew(user=user)
    role, level = Role.objects.get(slug=ROLE), SeniorityLevel.objects.get(slug="junior")
    led = cohort_create(
        lead=user, name=f"B8 cohort of {user.email}", target_role=role, target_level=level
    )
    due = timezone.localdate() + timedelta(weeks=8)
    for n, slug in enumerate((LLM_PATH, ML_PATH)):
        path = LearningPath.objects.get(slug=slug)
        Assignment.objects.create(cohort=led, path=path, due_date=due + timedelta(days=7 * n))
    Membership.objects.bulk_create(
        Membership(cohort=led, user_id=member, shares_detail=n % 2 == 0)
        for n, member in enumerate(members)
    )
    Invite.objects.bulk_create(
        Invite(
            cohort=led,
            email=f"b8-invite-{n}-{user.pk}@bench.local",
            expires_at=timezone.now() + timedelta(days=7),
        )
        for n in range(3)
    )
    return user


def build(db: Database, batch: int, learners: int, days: int) -> tuple[User, dict[str, Any]]:
    """The set in its database: `learners` learners with `days` of history each, and its
    measured learner (also a member of the set's first cohort)."""
    db.activate()
    started = time.perf_counter()
    ids = learners_add(batch, learners)
    members = ids[COHORT_SIZE : COHORT_SIZE + LED_MEMBERS]  # not the first cohort's lead
    user = measured_learner(batch, members)
    with connection.cursor() as cursor:
        cursor.execute(LEARNER_TABLE)
        cursor.execute(
            "INSERT INTO b8_learner (user_id, batch, days, measured, n) "
            "SELECT u, %s, %s, false, n - 1 FROM unnest(%s::bigint[]) WITH ORDINALITY AS x (u, n) "
            "UNION ALL SELECT %s, %s, %s, true, -1",
            [batch, days, ids, user.pk, batch, days],
        )
    orm_s = time.perf_counter() - started
    timings = _build_sql(db, batch)
    Membership.objects.create(cohort=Cohort.objects.get(lead_id=ids[0]), user=user)
    for member in [*members, user.pk]:
        readiness_recompute(user_id=member)
    return user, {
        "learners": learners,
        "days": days,
        "sql": timings,
        "orm_s": round(orm_s, 1),
        "build_s": round(time.perf_counter() - started, 1),
        "tables": table_rows(),
        "database_mb": database_mb(),
        "measured_learner": learner_rows(user),
    }


def table_rows() -> dict[str, int]:
    with connection.cursor() as cursor:
        counts = {}
        for table in (*LARGE_TABLES, "tracker_user"):
            cursor.execute("SELECT count(*) FROM " + table)  # noqa: S608 (our own names)
            counts[table] = int(cursor.fetchone()[0])
        return counts


def database_mb() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        return int(cursor.fetchone()[0]) // 2**20


def learner_rows(user: User) -> dict[str, int]:
    return {
        "enrolments": user.enrolments.count(),
        "progress_entries": user.progress_entries.count(),
        "readiness_snapshots": user.readiness_snapshots.count(),
        "reminders": user.reminder_deliveries.count(),
        "skill_checks": user.skill_checks.count(),
        "memory_states": user.memory_states.count(),
    }


# --- Requests -----------------------------------------------------------------------------------


def gets(user: User) -> dict[str, str]:
    """B3's requests, each list at its default page size (B3 asks for full pages of 100 to
    find N+1 queries; here a page is the same size for both learners)."""
    result = {}
    for label, url in endpoints(user).items():
        parts = urlsplit(url)
        query = "&".join(p for p in parts.query.split("&") if p and not p.startswith("page_size="))
        result[label] = urlunsplit(parts._replace(query=query))
    return result


@dataclass
class Learner:
    db: Database
    user: User
    api: APIClient
    web: Client
    urls: dict[str, str]
    llm: int  # enrolment ids and the claim the writes change
    ml: int
    claim: int
    first_step: int
    turn: int = 0


def learner_clients(db: Database, user: User) -> Learner:
    db.activate()
    api, web = clients(user)
    llm = Enrolment.objects.get(user=user, path__slug=LLM_PATH, status="active")
    ml = Enrolment.objects.get(user=user, path__slug=ML_PATH, status="active")
    first_step = llm.path.steps.order_by("position")[0].pk
    claim = SkillClaim.objects.get(user=user, skill__slug=CLAIMED).pk
    return Learner(db, user, api, web, gets(user), llm.pk, ml.pk, claim, first_step)


def _call(
    learner: Learner, client: Client, method: str, url: str, body: Any, status: int
) -> tuple[float, Any]:
    learner.db.activate()
    cache.clear()  # throttles count in the cache; cached views do their work
    payload = json.dumps(body) if body is not None else ""
    started = time.perf_counter()
    response = client.generic(method, url, payload, content_type="application/json")
    elapsed = time.perf_counter() - started
    assert response.status_code == status, (
        f"B8: {method} {url}: {response.status_code} {response.content[:300]!r}"
    )
    return elapsed, response


def _get(learner: Learner, label: str) -> float:
    page = label.startswith("GET /") and not label.startswith("GET /api/")
    client = learner.web if page else learner.api
    return _call(learner, client, "GET", learner.urls[label], None, 200)[0]


def _entry(learner: Learner) -> dict[str, Any]:
    return {
        "enrolment": learner.llm,
        "step": learner.first_step,
        "minutes": 5,
        "status": "started",
        "client_id": str(uuid.uuid4()),
    }


def _claim_made(learner: Learner, response: Any) -> None:
    learner.claim = response.json()["id"]


def _enrolled(learner: Learner, response: Any) -> None:
    learner.ml = response.json()["id"]


def _target_date(learner: Learner) -> dict[str, Any]:
    day = timezone.localdate() + timedelta(days=40 + learner.turn % 2)
    return {"target_date": day.isoformat()}


@dataclass(frozen=True)
class WriteRequest:
    label: str
    method: str
    url: Callable[[Learner], str]
    body: Callable[[Learner], Any]
    status: int
    remember: Callable[[Learner, Any], None] | None = None


# In an order that leaves the learner as it found them (but for an entry more and a withdrawn
# ML enrolment more each time); account deletion is left out.
WRITES = [
    WriteRequest("POST /api/v1/progress/", "POST", lambda _: "/api/v1/progress/", _entry, 201),
    WriteRequest(
        "POST /api/v1/progress/batch/",
        "POST",
        lambda _: "/api/v1/progress/batch/",
        lambda learner: {"entries": [_entry(learner), _entry(learner)]},
        200,
    ),
    WriteRequest(
        "PATCH /api/v1/me/",
        "PATCH",
        lambda _: "/api/v1/me/",
        lambda learner: {"weekly_goal_minutes": 300 - 60 * (learner.turn % 2)},
        200,
    ),
    WriteRequest(
        "PATCH /api/v1/enrolments/{id}/ (target date)",
        "PATCH",
        lambda learner: f"/api/v1/enrolments/{learner.llm}/",
        _target_date,
        200,
    ),
    WriteRequest(
        "PATCH /api/v1/skill-claims/{id}/",
        "PATCH",
        lambda learner: f"/api/v1/skill-claims/{learner.claim}/",
        lambda learner: {"level": 3 + learner.turn % 2},
        200,
    ),
    WriteRequest(
        "DELETE /api/v1/skill-claims/{id}/",
        "DELETE",
        lambda learner: f"/api/v1/skill-claims/{learner.claim}/",
        lambda _: None,
        204,
    ),
    WriteRequest(
        "POST /api/v1/skill-claims/",
        "POST",
        lambda _: "/api/v1/skill-claims/",
        lambda _: {"skill": CLAIMED, "level": 4},
        201,
        _claim_made,
    ),
    WriteRequest(
        "PATCH /api/v1/enrolments/{id}/ (withdraw)",
        "PATCH",
        lambda learner: f"/api/v1/enrolments/{learner.ml}/",
        lambda _: {"status": "withdrawn"},
        200,
    ),
    WriteRequest(
        "POST /api/v1/enrolments/",
        "POST",
        lambda _: "/api/v1/enrolments/",
        lambda _: {"path": ML_PATH},
        201,
        _enrolled,
    ),
    WriteRequest(
        "POST /api/v1/plan/calendar/",
        "POST",
        lambda _: "/api/v1/plan/calendar/",
        lambda _: None,
        201,
    ),
    WriteRequest(
        "DELETE /api/v1/plan/calendar/",
        "DELETE",
        lambda _: "/api/v1/plan/calendar/",
        lambda _: None,
        204,
    ),
]


def _write(learner: Learner, write: WriteRequest) -> float:
    elapsed, response = _call(
        learner, learner.api, write.method, write.url(learner), write.body(learner), write.status
    )
    if write.remember:
        write.remember(learner, response)
    return elapsed


def time_requests(learners: list[Learner], repeats: int) -> list[dict[str, list[float]]]:
    """Seconds of each request of each learner, `repeats` times, the learners taking turns
    request by request (so both see the same machine): the GETs in rounds after one unmeasured
    round, then the write cycle after one unmeasured cycle."""
    times: list[dict[str, list[float]]] = [{} for _ in learners]
    turns = list(enumerate(learners))
    for round_ in range(repeats + 1):
        for label in learners[0].urls:
            for n, learner in turns if round_ % 2 else turns[::-1]:
                elapsed = _get(learner, label)
                if round_:
                    times[n].setdefault(label, []).append(elapsed)
    for round_ in range(repeats + 1):
        for write in WRITES:
            for n, learner in turns if round_ % 2 else turns[::-1]:
                elapsed = _write(learner, write)
                if round_:
                    times[n].setdefault(write.label, []).append(elapsed)
        for learner in learners:
            learner.turn += 1
    for learner in learners:
        learner.db.activate()
        calendar_feed_renew(user=learner.user)
        learner.urls = gets(learner.user)  # the feed's new URL
    return times


# --- Plans --------------------------------------------------------------------------------------

SKIP = re.compile(r"^\s*(SAVEPOINT|RELEASE|ROLLBACK|BEGIN|COMMIT|SET|SHOW)\b", re.IGNORECASE)


class _RolledBack(Exception):
    pass


def captured_sql(learner: Learner) -> dict[str, list[str]]:
    """The statements each request runs (GETs, then one write cycle)."""
    sql: dict[str, list[str]] = {}
    for label in learner.urls:
        learner.db.activate()
        with CaptureQueriesContext(connection) as queries:
            _get(learner, label)
        sql[label] = [q["sql"] for q in queries.captured_queries]
    for write in WRITES:
        learner.db.activate()
        with CaptureQueriesContext(connection) as queries:
            _write(learner, write)
        sql[write.label] = [q["sql"] for q in queries.captured_queries]
    calendar_feed_renew(user=learner.user)
    return sql


def _nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)


def explain(statements: list[str]) -> dict[str, dict[str, Any]]:
    """Each distinct statement under EXPLAIN (ANALYZE, BUFFERS), in a transaction rolled back
    (some are writes): its milliseconds, the large tables it reads and how, and the plan."""
    found: dict[str, dict[str, Any]] = {}
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            for sql in statements:
                if sql in found or SKIP.match(sql):
                    continue
                cursor.execute("SAVEPOINT b8_explain")
                try:
                    cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {sql}")
                except Exception as error:  # a statement valid only in its request's state
                    cursor.execute("ROLLBACK TO SAVEPOINT b8_explain")
                    found[sql] = {"error": str(error).splitlines()[0]}
                    continue
                document = cursor.fetchone()[0]
                document = json.loads(document) if isinstance(document, str) else document
                plan = document[0]["Plan"]
                scans = [
                    (node["Node Type"], node.get("Relation Name") or node.get("Index Name", ""))
                    for node in _nodes(plan)
                    if "Scan" in node["Node Type"]
                ]
                indexes = {
                    node.get("Index Name")
                    for node in _nodes(plan)
                    if node["Node Type"] in ("Index Scan", "Index Only Scan", "Bitmap Index Scan")
                }
                found[sql] = {
                    "ms": document[0]["Execution Time"],
                    "seq_scans": sorted(
                        {r for kind, r in scans if kind == "Seq Scan" and r in LARGE_TABLES}
                    ),
                    "large": sorted({t for t in LARGE_TABLES if re.search(rf'"{t}"', sql)}),
                    "indexes": sorted(i for i in indexes if i),
                }
                cursor.execute("RELEASE SAVEPOINT b8_explain")
            raise _RolledBack
    except _RolledBack:
        pass
    return found


def text_plan(sql: str) -> str:
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
            plan = "\n".join(row[0] for row in cursor.fetchall())
            raise _RolledBack(plan)
    except _RolledBack as done:
        return str(done)


def plans(learner: Learner, medians: dict[str, float]) -> dict[str, Any]:
    sql = captured_sql(learner)
    learner.db.activate()
    explained = explain([s for statements in sql.values() for s in statements])
    reading = {s: e for s, e in explained.items() if e.get("large")}
    seq = {s: e for s, e in explained.items() if e.get("seq_scans")}
    unindexed = {s: e for s, e in reading.items() if not e.get("indexes")}
    slowest = sorted(medians, key=medians.__getitem__, reverse=True)[:SLOWEST]
    printed = []
    for label in slowest:
        statements = sorted(
            {s for s in sql[label] if "ms" in explained.get(s, {})},
            key=lambda s: explained[s]["ms"],
            reverse=True,
        )[:2]
        for statement in statements:
            plan = text_plan(statement)
            printed.append({"request": label, "sql": statement[:600], "plan": plan})
            print(f"B8: {label}: {explained[statement]['ms']:.2f} ms\n{statement[:600]}\n{plan}\n")
    return {
        "statements": len(explained),
        "reading_large_tables": len(reading),
        "seq_scans_on_large_tables": [
            {"sql": s[:400], "tables": e["seq_scans"], "ms": e["ms"]} for s, e in seq.items()
        ],
        "large_reads_without_index": [
            {"sql": s[:400], "ms": e["ms"]} for s, e in unindexed.items()
        ],
        "explain_errors": [
            {"sql": s[:200], "error": e["error"]} for s, e in explained.items() if "error" in e
        ],
        "slowest_statements_ms": sorted(
            ({"ms": round(e["ms"], 2), "sql": s[:200]} for s, e in explained.items() if "ms" in e),
            key=lambda e: -e["ms"],
        )[:10],
        "printed": printed,
    }


# --- Retention ----------------------------------------------------------------------------------


LATER = timedelta(days=45)  # the third run: ten days of snapshots and 45 of reminders past


def retention_batches() -> list[dict[str, Any]]:
    """Each policy's batch query (its first batch 45 days on, when every policy has rows to
    delete) under EXPLAIN (ANALYZE, BUFFERS): what a run reads to find what it deletes."""
    found = []
    for policy in POLICIES:
        expired = policy.expired(timezone.now() + LATER - timedelta(days=policy.days))
        with CaptureQueriesContext(connection) as queries:
            list(oldest(policy, expired))
        explained = explain([q["sql"] for q in queries.captured_queries])
        for sql, entry in explained.items():
            found.append({"policy": policy.name, "sql": sql[:300], **entry})
    return found


def retention_cost() -> dict[str, Any]:
    """The first run (what is past the policies now), a second (nothing left to do), and a run
    45 days on; seconds and rows deleted of each."""
    runs = {}
    for name, ahead in (("first", timedelta()), ("second", timedelta()), ("45_days_on", LATER)):
        started = time.perf_counter()
        deleted = retention_run(now=timezone.now() + ahead)
        runs[name] = {"s": round(time.perf_counter() - started, 2), "deleted": deleted}
        print(f"B8: retention run {name}: {runs[name]}", flush=True)
    return runs


# --- Run ----------------------------------------------------------------------------------------


@contextmanager
def databases(bench: Bench) -> Iterator[tuple[Database, Database]]:
    """B8's two databases beside the bench's, migrated with the catalogue loaded (the second
    a copy of the first), each with a Django connection; dropped at the end."""
    server, _, base = bench.database_url.rpartition("/")
    names = (f"{base}_b8_month", f"{base}_b8_year")
    original = connections[DEFAULT_DB_ALIAS]

    def database(name: str) -> Database:
        settings = {**original.settings_dict, "NAME": name}
        return Database(name, f"{server}/{name}", original.__class__(settings, DEFAULT_DB_ALIAS))

    def admin(*statements: str) -> None:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
            for statement in statements:
                conn.execute(statement)

    admin(*(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)' for name in names))
    admin(f'CREATE DATABASE "{names[0]}"')
    small, large = database(names[0]), database(names[1])
    try:
        small.activate()
        ContentType.objects.clear_cache()
        call_command("migrate", "--no-input", verbosity=0)
        catalogue_load()
        banks_load()
        small.wrapper.close()
        admin(f'CREATE DATABASE "{names[1]}" TEMPLATE "{names[0]}"')
        yield small, large
    finally:
        connections[DEFAULT_DB_ALIAS] = original
        small.wrapper.close()
        large.wrapper.close()
        ContentType.objects.clear_cache()
        cache.clear()  # the throttles' counts and the broker's queue (the same Redis)
        admin(*(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)' for name in names))


def median_ms(times: dict[str, list[float]]) -> dict[str, float]:
    return {label: 1000 * statistics.median(values) for label, values in times.items()}


def run(bench: Bench) -> Result:
    started = time.perf_counter()
    with databases(bench) as (small_db, large_db):
        small_user, small_build = build(small_db, 1, SMALL_LEARNERS * bench.scale, SMALL_DAYS)
        print(f"B8: month set built: {small_build}", flush=True)
        large_user, large_build = build(large_db, 2, LEARNERS * bench.scale, DAYS)
        print(f"B8: year set built: {large_build}", flush=True)
        learners = [learner_clients(small_db, small_user), learner_clients(large_db, large_user)]
        small, large = map(median_ms, time_requests(learners, REPEATS))
        ratios = {label: large[label] / small[label] for label in small}
        found = plans(learners[1], large)
        large_db.activate()
        batches = retention_batches()
        retention = retention_cost()
    measured = {label: ratio for label, ratio in ratios.items() if label not in EXCEPTED}
    worst = max(measured, key=measured.__getitem__)
    over = sorted(label for label, ratio in measured.items() if ratio > MAX_RATIO)
    seq_scans = [*found["seq_scans_on_large_tables"], *(b for b in batches if b.get("seq_scans"))]
    details: dict[str, Any] = {
        "requests": {
            label: {
                "month_ms": round(small[label], 2),
                "year_ms": round(large[label], 2),
                "ratio": round(ratios[label], 3),
            }
            for label in sorted(ratios, key=ratios.__getitem__, reverse=True)
        },
        "over_target": over,
        "worst": worst,
        "excepted": {
            label: {"ratio": round(ratios[label], 3), "why": why} for label, why in EXCEPTED.items()
        },
        "timing": "in process (Django test Client / APIClient), the cache cleared before each "
        f"request, the two learners taking turns; median of {REPEATS}",
        "month_set": small_build,
        "year_set": large_build,
        "plans": found,
        "retention": {"runs": retention, "batch_queries": batches},
        "seconds": round(time.perf_counter() - started, 1),
    }
    return Result(
        ID,
        WHAT,
        round(large[worst], 2),
        round(small[worst], 2),
        round(measured[worst], 3),
        TARGET,
        not over and not seq_scans,
        unit="ms (the worst request's median)",
        details=details,
    )
