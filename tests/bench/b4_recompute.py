"""B4: the full readiness recompute (`manage.py recompute_readiness`) against one hand-written
SQL statement that computes and upserts the same rows, at 2 000 and 20 000 learners.

The learners have completed steps, claims, passed skill checks and memory states of every
skill they completed a step of, reviewed 0 to 299 days ago (so the recompute applies decay).
Both write the same thing: every learner x (role, level) ReadinessScore (score, breakdown as
jsonb, computed_at) and today's ReadinessSnapshot (the SQL through a writable CTE, so it is
still one statement). Each runs once untimed, then they run alternately on the same data,
each over rows the other has just written (the steady state: every run updates), after a
VACUUM that neither is timed for. The recompute starts as a fresh process would, with no
breakdown line known (tracker/recompute.py keeps them from batch to batch). After every run
the stored scores are compared with the previous run's, and every score must have today's
snapshot with the same score.

Beside them, the floor: the cost of writing those rows and nothing else. The rows the untimed
recompute stored are read back (untimed) into memory as COPY's binary format; each floor run (its
day column rendered for the learner's local day, untimed) is one transaction that COPYs them
into a temporary table and upserts from it into both tables, with the recompute's statements
(INSERT ... ON CONFLICT DO UPDATE, same tables, indexes and constraints): the same kind of write
as the recompute's, over rows it does not have to compute. (DELETE, then COPY straight into
both tables, leaves the same rows too, but measured slower at 20 000 learners: 16-27 s against
14 s. Staging in chunks of one recompute batch, committed or not, measured the same as one.)
After each floor run the stored rows must equal the recompute's exactly.

`BENCH_B4_SIZES=500,5000` (and `BENCH_B4_ROUNDS`) run other sizes, e.g. for a quick check."""

import io
import json
import math
import os
import statistics
import struct
import time
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from assessments.memory import SCHEDULER
from tests.bench.harness import Bench, Result
from tracker import recompute, score_store
from tracker.models import LearnerProfile, User
from tracker.readiness import KIND_CEILING, UNVERIFIED_WEIGHT

ID = "B4"
WHAT = "full readiness recompute, 2 000 and 20 000 learners"
TARGET = "<= 2x SQL, <= 3x COPY floor; 10x data <= 11x time"
SIZES = tuple(int(n) for n in os.environ.get("BENCH_B4_SIZES", "2000,20000").split(","))
ROUNDS = int(os.environ.get("BENCH_B4_ROUNDS", "3"))
EMAIL = "b4-{}@bench.local"
TOLERANCE = 1e-9
TIMEZONES = ["Europe/London", "America/New_York", "Asia/Tokyo", "Australia/Sydney", "UTC"]

# --- Data set: built in SQL, a few statements whatever the size -------------------------------

# The learners just added are those with ids above the previous maximum and a b4 address.
# (Users and profiles go through the ORM, so that model defaults apply; the rest is SQL.)
# One to three enrolments each, on different published paths.
ENROLMENTS = """
INSERT INTO tracker_enrolment (status, enrolled_at, updated_at, path_id, user_id)
SELECT 'active', now() - interval '60 days', now(), p.id, u.id
FROM tracker_user u
CROSS JOIN LATERAL generate_series(0, u.id %% 3) k
JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n, count(*) OVER () AS total
      FROM paths_learningpath WHERE status = 'published') p ON p.n = (u.id + k) %% p.total
WHERE u.id > %(after)s AND u.email LIKE 'b4-%%'
"""
# Per enrolment, the first `done` steps (0 to all of them, spread by a hash of the id) are
# started then completed, and the next one is started.
ENTRIES = """
INSERT INTO tracker_progressentry (minutes, status, note, evidence_url, occurred_at, created_at,
                                   enrolment_id, step_id, user_id)
SELECT 30, st.status, '', '', now() - interval '1 hour' * (s.total - s.rank + 1), now(),
       e.id, s.id, e.user_id
FROM tracker_enrolment e
JOIN tracker_user u ON u.id = e.user_id
JOIN (SELECT id, path_id, row_number() OVER (PARTITION BY path_id ORDER BY position) AS rank,
             count(*) OVER (PARTITION BY path_id) AS total FROM paths_step) s
  ON s.path_id = e.path_id
CROSS JOIN (VALUES ('started'), ('completed')) st(status)
WHERE u.id > %(after)s AND u.email LIKE 'b4-%%'
  AND s.rank <= (e.id * 7919) %% (s.total + 1) + CASE st.status WHEN 'started' THEN 1 ELSE 0 END
"""
# Two learners in five claim one to three skills, at levels 1 to 5.
CLAIMS = """
INSERT INTO tracker_skillclaim (level, evidence_url, note, created_at, updated_at, skill_id,
                                user_id)
SELECT 1 + (u.id + k) %% 5, '', '', now(), now(), s.id, u.id
FROM tracker_user u
CROSS JOIN LATERAL generate_series(0, u.id %% 3) k
JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n, count(*) OVER () AS total
      FROM careers_skill) s ON s.n = (u.id * 3 + k * 7) %% s.total
WHERE u.id > %(after)s AND u.email LIKE 'b4-%%' AND u.id %% 5 < 2
"""


# Every skill a learner completed a step of has a memory, last reviewed 0 to 299 days ago
# (stabilities 21 to 81 days; one in seventeen lapsed), so most have faded somewhat.
MEMORIES = """
INSERT INTO assessments_memorystate (user_id, skill_id, level, state, stability, difficulty,
                                     due, last_review, reviews, lapsed)
SELECT DISTINCT ON (pe.user_id, ss.skill_id) pe.user_id, ss.skill_id, 2, 2,
       21 + (pe.user_id + ss.skill_id) %% 4 * 20, 5.0,
       now() - interval '1 day' * ((pe.user_id * 13 + ss.skill_id) %% 300) + interval '21 days',
       now() - interval '1 day' * ((pe.user_id * 13 + ss.skill_id) %% 300), 1,
       (pe.user_id + ss.skill_id) %% 17 = 0
FROM tracker_progressentry pe JOIN paths_stepskill ss ON ss.step_id = pe.step_id
JOIN tracker_user u ON u.id = pe.user_id
WHERE pe.status = 'completed' AND u.id > %(after)s AND u.email LIKE 'b4-%%'
"""
# One learner in five passed a skill check, at level 1 to 4, of one skill.
CHECKS = """
INSERT INTO assessments_skillcheck (user_id, skill_id, level, purpose, started_at, expires_at,
                                    submitted_at, correct_count, passed)
SELECT u.id, s.id, 1 + u.id %% 4, 'verify', now() - interval '3 days',
       now() - interval '3 days' + interval '20 minutes', now() - interval '3 days', 5, true
FROM tracker_user u
JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n, count(*) OVER () AS total
      FROM careers_skill) s ON s.n = (u.id * 7) %% s.total
WHERE u.id > %(after)s AND u.email LIKE 'b4-%%' AND u.id %% 5 = 0
"""


def learners_ensure(count: int) -> int:
    """Make sure there are `count` b4 learners (adding the missing ones); returns how many
    learners (of any kind) now have a profile, i.e. how many the recompute covers."""
    have = User.objects.filter(email__startswith="b4-").count()
    with connection.cursor() as cursor:
        if have < count:
            after = User.objects.aggregate(last=Max("pk"))["last"] or 0
            users = User.objects.bulk_create(
                User(email=EMAIL.format(n), password="!") for n in range(have + 1, count + 1)
            )
            LearnerProfile.objects.bulk_create(
                LearnerProfile(user_id=u.pk, timezone=TIMEZONES[u.pk % len(TIMEZONES)])
                for u in users
            )
            for statement in (ENROLMENTS, ENTRIES, CLAIMS, MEMORIES, CHECKS):
                cursor.execute(statement, {"after": after})
            cursor.execute("ANALYZE")
        cursor.execute("SELECT count(*) FROM tracker_learnerprofile")
        return int(cursor.fetchone()[0])


# --- Baseline: one statement ------------------------------------------------------------------

BASELINE = """
WITH held AS (  -- the best of a passed check's level and 4/5 of a completed step's
    SELECT user_id, skill_id, max(level) AS held FROM (
        SELECT pe.user_id, ss.skill_id,
               least(ss.level, ceiling.level) * {unverified}::numeric AS level
        FROM tracker_progressentry pe JOIN paths_stepskill ss ON ss.step_id = pe.step_id
        JOIN paths_step st ON st.id = pe.step_id
        JOIN (VALUES {ceilings}) ceiling (kind, level) ON ceiling.kind = st.kind
        WHERE pe.status = 'completed'
        UNION ALL
        SELECT user_id, skill_id, level::numeric FROM assessments_skillcheck
        WHERE purpose = 'verify' AND passed
    ) shown GROUP BY user_id, skill_id
),
retained AS (  -- twentieths kept: FSRS retrievability over whole days, floored at ten
    SELECT user_id, skill_id, CASE WHEN lapsed THEN 10 ELSE greatest(10, least(20, floor(
        20 * power(1 + {factor}::float8 * floor(extract(epoch FROM now() - last_review)
                   / 86400)::float8 / stability, {decay}::float8) / 0.9::float8
        + 1e-9::float8))) END AS steps
    FROM assessments_memorystate
),
proficiency AS (  -- p_s: the held level as retained, or half the claim
    SELECT user_id, skill_id, max(level) AS p FROM (
        SELECT h.user_id, h.skill_id, h.held * coalesce(r.steps, 20)::numeric / 20 AS level
        FROM held h LEFT JOIN retained r USING (user_id, skill_id)
        UNION ALL
        SELECT user_id, skill_id, level * 0.5 FROM tracker_skillclaim
    ) evidence GROUP BY user_id, skill_id
),
requirement AS (
    SELECT r.*, sum(r.weight) OVER (PARTITION BY r.role_id, r.level_id) AS total,
           s.slug, s.name
    FROM careers_rolerequirement r JOIN careers_skill s ON s.id = r.skill_id
),
line AS (
    SELECT lp.user_id, lp.timezone, t.role_id, t.level_id, rq.skill_id, rq.slug, rq.name,
           rq.target_level, rq.weight,
           coalesce(p.p, 0) AS current,
           100.0 * rq.weight / rq.total AS possible,
           100.0 * rq.weight * least(coalesce(p.p, 0), rq.target_level)
               / rq.target_level / rq.total AS earned
    FROM tracker_learnerprofile lp
    CROSS JOIN (SELECT r.id AS role_id, l.id AS level_id
                FROM careers_role r CROSS JOIN careers_senioritylevel l) t
    LEFT JOIN requirement rq ON rq.role_id = t.role_id AND rq.level_id = t.level_id
    LEFT JOIN proficiency p ON p.user_id = lp.user_id AND p.skill_id = rq.skill_id
),
score AS (
    SELECT user_id, timezone, role_id, level_id, sum(earned)::float8 AS score,
           coalesce(jsonb_agg(jsonb_build_object(
               'skill_id', skill_id, 'skill', slug, 'name', name, 'target', target_level,
               'weight', weight, 'current', current::float8, 'earned', earned::float8,
               'possible', possible::float8) ORDER BY skill_id)
               FILTER (WHERE skill_id IS NOT NULL), '[]') AS breakdown
    FROM line GROUP BY user_id, timezone, role_id, level_id
),
snapshot AS (
    INSERT INTO tracker_readinesssnapshot (user_id, role_id, level_id, day, score)
    SELECT user_id, role_id, level_id, (now() AT TIME ZONE timezone)::date, score FROM score
    ON CONFLICT (user_id, role_id, level_id, day) DO UPDATE SET score = EXCLUDED.score
)
INSERT INTO tracker_readinessscore (user_id, role_id, level_id, score, breakdown, computed_at)
SELECT user_id, role_id, level_id, score, breakdown, now() FROM score
ON CONFLICT (user_id, role_id, level_id) DO UPDATE
SET score = EXCLUDED.score, breakdown = EXCLUDED.breakdown, computed_at = EXCLUDED.computed_at
"""

DECAY = -SCHEDULER.parameters[20]  # FSRS's forgetting curve, computed as fsrs computes it
FACTOR = 0.9 ** (1 / DECAY) - 1
# The step kinds' evidence ceilings, the unverified weight and FSRS's forgetting curve, from
# the one place each is defined.
BASELINE = (
    BASELINE.replace(
        "{ceilings}", ", ".join(f"('{kind}', {level})" for kind, level in KIND_CEILING.items())
    )
    .replace("{unverified}", str(float(UNVERIFIED_WEIGHT)))
    .replace("{factor}", repr(FACTOR))
    .replace("{decay}", repr(DECAY))
)


def subject() -> None:
    recompute._TARGET_LINES.clear()  # as in a fresh `manage.py` process: no line known yet
    call_command("recompute_readiness", stdout=io.StringIO())


def baseline() -> None:
    with connection.cursor() as cursor:
        cursor.execute(BASELINE)


# --- Floor: COPY of the rows, computed beforehand ------------------------------------------------

FLOOR_ROWS = """
CREATE TABLE b4_floor_rows AS
SELECT s.user_id, s.role_id, s.level_id, lp.timezone, s.score, s.breakdown
FROM tracker_readinessscore s JOIN tracker_learnerprofile lp USING (user_id)
"""
FLOOR_ZONES = "SELECT timezone FROM b4_floor_rows ORDER BY user_id, role_id, level_id"
FLOOR_COPY_OUT = """
COPY (SELECT user_id, role_id, level_id, score, breakdown FROM b4_floor_rows
      ORDER BY user_id, role_id, level_id) TO STDOUT (FORMAT BINARY)
"""
COPY_SIGNATURE = b"PGCOPY\n\xff\r\n\x00"
COPY_CHUNK = 1 << 20
POSTGRES_EPOCH = date(2000, 1, 1).toordinal()


class FloorRows:
    """The rows the recompute stored, held as COPY binary tuples split around the day column
    (rendered per run for the learner's local day, as the recompute does)."""

    def __init__(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS b4_floor_rows")
            cursor.execute(FLOOR_ROWS)
            cursor.execute(FLOOR_ZONES)
            self.zones = [zone for (zone,) in cursor.fetchall()]
            data = bytearray()
            with cursor.cursor.copy(FLOOR_COPY_OUT) as copy:
                for chunk in copy:
                    data += chunk
        self.heads, self.tails = _split_tuples(bytes(data))
        assert len(self.heads) == len(self.zones)

    def copy_data(self) -> bytes:
        now = timezone.now()
        days = {
            zone: struct.pack("!ii", 4, now.astimezone(ZoneInfo(zone)).toordinal() - POSTGRES_EPOCH)
            for zone in set(self.zones)
        }
        parts = [COPY_SIGNATURE, struct.pack("!ii", 0, 0)]
        for head, zone, tail in zip(self.heads, self.zones, self.tails, strict=True):
            parts += (head, days[zone], tail)
        parts.append(struct.pack("!h", -1))
        return b"".join(parts)


def _split_tuples(data: bytes) -> tuple[list[bytes], list[bytes]]:
    """Each tuple of (user, role, level, score, breakdown) as the bytes before the day column
    (the field count, now six, and the three ids) and after it (score and breakdown)."""
    assert data.startswith(COPY_SIGNATURE), "B4: not a binary COPY"
    (extension,) = struct.unpack_from("!i", data, len(COPY_SIGNATURE) + 4)
    at = len(COPY_SIGNATURE) + 8 + extension
    heads: list[bytes] = []
    tails: list[bytes] = []
    while True:
        (fields,) = struct.unpack_from("!h", data, at)
        if fields == -1:
            return heads, tails
        start, bounds = at + 2, []
        at = start
        for _ in range(fields):
            (length,) = struct.unpack_from("!i", data, at)
            at += 4 + max(length, 0)
            bounds.append(at)
        heads.append(struct.pack("!h", fields + 1) + data[start : bounds[2]])
        tails.append(data[bounds[2] : at])


def floor(rows: bytes) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        # The recompute's own staging table and upserts (tracker/score_store.py).
        cursor.execute(score_store.STAGE)
        view = memoryview(rows)
        with cursor.cursor.copy("COPY readiness_rows FROM STDIN (FORMAT BINARY)") as copy:
            for start in range(0, len(view), COPY_CHUNK):
                copy.write(view[start : start + COPY_CHUNK])
        cursor.execute(score_store.SNAPSHOTS_UPSERT)
        cursor.execute(score_store.SCORES_UPSERT, [timezone.now()])


# --- Checks -----------------------------------------------------------------------------------


def _rows_written(since: Any) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM tracker_readinessscore WHERE computed_at >= %s", [since]
        )
        return int(cursor.fetchone()[0])


def _remember() -> None:
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS b4_previous")
        cursor.execute(
            "CREATE TABLE b4_previous AS SELECT user_id, role_id, level_id, score, "
            "CASE WHEN mod(user_id, 97) = 0 THEN breakdown END AS breakdown "
            "FROM tracker_readinessscore"
        )


def _breakdowns_match(ours: Any, theirs: Any) -> bool:
    ours, theirs = json.loads(ours), json.loads(theirs)
    if len(ours) != len(theirs):
        return False
    for a, b in zip(ours, theirs, strict=True):
        if a.keys() != b.keys():
            return False
        for key, value in a.items():
            if isinstance(value, float) or isinstance(b[key], float):
                if not math.isclose(value, b[key], rel_tol=0, abs_tol=TOLERANCE):
                    return False
            elif value != b[key]:
                return False
    return True


def _compare(what: str) -> None:
    """Fail loudly unless the stored rows are those of the previous run (to 1e-9)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.user_id, c.role_id, c.level_id, c.score, p.user_id, p.score
            FROM tracker_readinessscore c FULL JOIN b4_previous p
              ON (p.user_id, p.role_id, p.level_id) = (c.user_id, c.role_id, c.level_id)
            WHERE c.user_id IS NULL OR p.user_id IS NULL
               OR (c.score IS NULL) <> (p.score IS NULL) OR abs(c.score - p.score) > %s
            LIMIT 5
            """,
            [TOLERANCE],
        )
        differ = cursor.fetchall()
        assert not differ, f"B4: {what} stored different scores, e.g. {differ}"
        cursor.execute(
            "SELECT c.user_id, c.role_id, c.level_id, c.breakdown::text, p.breakdown::text "
            "FROM tracker_readinessscore c JOIN b4_previous p USING (user_id, role_id, level_id) "
            "WHERE mod(c.user_id, 97) = 0"  # a sample: breakdowns are compared line by line
        )
        for user_id, role_id, level_id, ours, theirs in cursor.fetchall():
            assert _breakdowns_match(ours, theirs), (
                f"B4: {what} stored a different breakdown for {user_id, role_id, level_id}"
            )


def _floor_check() -> None:
    """The floor left exactly the rows the recompute stored (scores and breakdowns)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM tracker_readinessscore c "
            "FULL JOIN b4_floor_rows f USING (user_id, role_id, level_id) "
            "WHERE c.user_id IS NULL OR f.user_id IS NULL OR c.score IS DISTINCT FROM f.score "
            "OR c.breakdown IS DISTINCT FROM f.breakdown"
        )
        differ = cursor.fetchone()[0]
        assert not differ, f"B4: the floor left {differ} rows unlike the recompute's"


def _snapshots_check(since: Any) -> None:
    """Every score has a snapshot of the learner's day (at the run's start or end) with the
    same score: both tables were written."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT count(*) FROM tracker_readinessscore c
            JOIN tracker_learnerprofile lp USING (user_id)
            WHERE NOT EXISTS (
                SELECT FROM tracker_readinesssnapshot s
                WHERE (s.user_id, s.role_id, s.level_id) = (c.user_id, c.role_id, c.level_id)
                  AND s.day IN ((%s AT TIME ZONE lp.timezone)::date,
                                (now() AT TIME ZONE lp.timezone)::date)
                  AND s.score IS NOT DISTINCT FROM c.score
            )
            """,
            [since],
        )
        missing = cursor.fetchone()[0]
        assert not missing, f"B4: {missing} scores have no snapshot of today with that score"


def _vacuum() -> None:
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE tracker_readinessscore, tracker_readinesssnapshot")


def _target_count() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT count(*) FROM careers_role) * count(*) FROM careers_senioritylevel"
        )
        return int(cursor.fetchone()[0])


def measure(learners: int, rounds: int | None = None) -> dict[str, Any]:
    """Median seconds of subject, baseline and floor over alternating rounds, every run
    checked, after an untimed run of the baseline and of the subject (whose rows the floor
    writes)."""
    profiles = learners_ensure(learners)
    expected = profiles * _target_count()
    times: dict[str, list[float]] = {"subject": [], "baseline": [], "floor": []}
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # no autovacuum of the new rows during the runs
    baseline()  # untimed: every row exists from here on, so every timed run updates
    _remember()
    subject()  # untimed too, and the floor's rows
    _compare("subject")
    rows = FloorRows()
    _remember()
    for _ in range(rounds or ROUNDS):
        for name in times:
            data = rows.copy_data() if name == "floor" else b""
            _vacuum()
            since = timezone.now()
            started = time.perf_counter()
            if name == "subject":
                subject()
            elif name == "baseline":
                baseline()
            else:
                floor(data)
            times[name].append(time.perf_counter() - started)
            del data
            written = _rows_written(since)
            assert written == expected, f"B4: {name} wrote {written} of {expected} score rows"
            _compare(name)
            _snapshots_check(since)
            if name == "floor":
                _floor_check()
            _remember()
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS b4_floor_rows")
    subject_s, floor_s = statistics.median(times["subject"]), statistics.median(times["floor"])
    return {
        "learners": learners,
        "profiles": profiles,
        "score_rows": expected,
        "subject_s": subject_s,
        "baseline_s": statistics.median(times["baseline"]),
        "floor_seconds": floor_s,
        "ratio_to_floor": subject_s / floor_s,
        "subject_runs_s": [round(t, 3) for t in times["subject"]],
        "baseline_runs_s": [round(t, 3) for t in times["baseline"]],
        "floor_runs_s": [round(t, 3) for t in times["floor"]],
    }


def run(bench: Bench) -> Result:
    small, large = (measure(size * bench.scale) for size in SIZES)
    ratio = large["subject_s"] / large["baseline_s"]
    scaling = large["subject_s"] / small["subject_s"]
    data_scaling = large["learners"] / small["learners"]
    floor_ratio = max(small["ratio_to_floor"], large["ratio_to_floor"])
    details = {
        "small": small,
        "large": large,
        "ratio_to_sql": ratio,
        "ratio_to_floor": large["ratio_to_floor"],
        "subject_scaling_10x": scaling,
        "baseline_scaling_10x": large["baseline_s"] / small["baseline_s"],
        "floor_scaling_10x": large["floor_seconds"] / small["floor_seconds"],
        "writes": "all three write ReadinessScore (score, breakdown, computed_at) and today's "
        "ReadinessSnapshot for every learner x role x level; the subject also clears stale "
        "marks (none are set here)",
        "floor": "the subject's stored rows, precomputed as binary COPY data (untimed), COPYed "
        "into a temporary table and upserted from it into both tables in one transaction",
    }
    return Result(
        ID,
        WHAT,
        large["subject_s"],
        large["baseline_s"],
        ratio,
        TARGET,
        ratio <= 2 and floor_ratio <= 3 and scaling <= 1.1 * data_scaling,
        unit="s",
        details=details,
    )
