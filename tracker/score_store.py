"""Writing a recompute's rows: every learner x (role, level) ReadinessScore and its snapshot for
the learner's local day, as upserts.

A batch is rows (learner, role, level, day) that each point at a result: a score and its
breakdown as JSON text, shared by the learners with the same levels in that target's skills.

On PostgreSQL the rows go in with COPY (text format, built here as one buffer) into a temporary
table, then one INSERT ... ON CONFLICT DO UPDATE per table reads them from there: binding the
rows as statement parameters cost more than computing them (the SQL text had to be escaped by
the client and lexed by the server, then the rows were materialised and spilled to disk by the
statement's CTE). Elsewhere (SQLite, the embedded default) the ORM's bulk upserts write the
same rows.
"""

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db import connection, transaction

from tracker.models import ReadinessScore, ReadinessSnapshot


@dataclass
class ScoreRows:
    """One batch: its rows as columns, `result` an index into `results` (score, breakdown as
    JSON text)."""

    computed_at: datetime
    user_id: list[int] = field(default_factory=list)
    role_id: list[int] = field(default_factory=list)
    level_id: list[int] = field(default_factory=list)
    day: list[date] = field(default_factory=list)
    result: list[int] = field(default_factory=list)
    results: list[tuple[float | None, str]] = field(default_factory=list)

    def add_result(self, score: float | None, breakdown: str) -> int:
        self.results.append((score, breakdown))
        return len(self.results) - 1

    def add(self, user_id: int, role_id: int, level_id: int, day: date, result: int) -> None:
        self.user_id.append(user_id)
        self.role_id.append(role_id)
        self.level_id.append(level_id)
        self.day.append(day)
        self.result.append(result)


def score_rows_store(rows: ScoreRows) -> None:
    if connection.vendor == "postgresql":
        _store_with_copy(rows)
    else:
        _store_with_the_orm(rows)


STAGE = """
CREATE TEMPORARY TABLE readiness_rows (
    user_id bigint, role_id bigint, level_id bigint, day date, score float8, breakdown jsonb
) ON COMMIT DROP
"""
SNAPSHOTS_UPSERT = """
INSERT INTO tracker_readinesssnapshot (user_id, role_id, level_id, day, score)
SELECT user_id, role_id, level_id, day, score FROM readiness_rows
ON CONFLICT (user_id, role_id, level_id, day) DO UPDATE SET score = EXCLUDED.score
"""
SCORES_UPSERT = """
INSERT INTO tracker_readinessscore (user_id, role_id, level_id, score, breakdown, computed_at)
SELECT user_id, role_id, level_id, score, breakdown, %s FROM readiness_rows
ON CONFLICT (user_id, role_id, level_id) DO UPDATE
SET score = EXCLUDED.score, breakdown = EXCLUDED.breakdown, computed_at = EXCLUDED.computed_at
"""


def copy_text(rows: ScoreRows) -> bytes:
    """The rows in COPY's text format (columns as in readiness_rows). Floats are written as
    Python's repr, the shortest text that reads back as the same double; in the JSON (which
    json.dumps has already escaped: no raw tab or newline) only backslashes need escaping."""
    tails = [
        ("\\N" if score is None else repr(score)) + "\t" + text.replace("\\", "\\\\") + "\n"
        for score, text in rows.results
    ]
    days: dict[date, str] = {}
    lines = []
    for user_id, role_id, level_id, day, result in zip(
        rows.user_id, rows.role_id, rows.level_id, rows.day, rows.result, strict=True
    ):
        if (iso := days.get(day)) is None:
            iso = days[day] = day.isoformat()
        lines.append(f"{user_id}\t{role_id}\t{level_id}\t{iso}\t{tails[result]}")
    return "".join(lines).encode()


def _store_with_copy(rows: ScoreRows) -> None:
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        cursor.execute(STAGE)
        with cursor.cursor.copy("COPY readiness_rows FROM STDIN") as copy:
            copy.write(copy_text(rows))
        cursor.execute(SNAPSHOTS_UPSERT)
        cursor.execute(SCORES_UPSERT, [rows.computed_at])
        cursor.execute("DROP TABLE readiness_rows")  # a second batch in this transaction


def _store_with_the_orm(rows: ScoreRows) -> None:
    results: list[tuple[float | None, Any]] = [
        (score, json.loads(text)) for score, text in rows.results
    ]
    columns = list(
        zip(rows.user_id, rows.role_id, rows.level_id, rows.day, rows.result, strict=True)
    )
    ReadinessScore.objects.bulk_create(
        [
            ReadinessScore(
                user_id=user_id,
                role_id=role_id,
                level_id=level_id,
                score=results[result][0],
                breakdown=results[result][1],
                computed_at=rows.computed_at,
            )
            for user_id, role_id, level_id, _, result in columns
        ],
        update_conflicts=True,
        unique_fields=["user", "role", "level"],
        update_fields=["score", "breakdown", "computed_at"],
    )
    ReadinessSnapshot.objects.bulk_create(
        [
            ReadinessSnapshot(
                user_id=user_id,
                role_id=role_id,
                level_id=level_id,
                day=day,
                score=results[result][0],
            )
            for user_id, role_id, level_id, day, result in columns
        ],
        update_conflicts=True,
        unique_fields=["user", "role", "level", "day"],
        update_fields=["score"],
    )
