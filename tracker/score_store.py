"""Writing a recompute's rows: every learner x (role, level) ReadinessScore and its snapshot for
the learner's local day, as upserts.

On PostgreSQL one statement per batch takes the rows as arrays, column by column, and each
distinct breakdown once (learners with the same levels share one): building ORM objects and
binding six parameters per row was two thirds of a full recompute. Elsewhere (SQLite, the
embedded default) the ORM's bulk upserts write the same rows.
"""

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db import connection

from tracker.models import ReadinessScore, ReadinessSnapshot


@dataclass
class ScoreRows:
    """One batch's rows as columns; `breakdown` holds indexes into `breakdowns`."""

    computed_at: datetime
    user_id: list[int] = field(default_factory=list)
    role_id: list[int] = field(default_factory=list)
    level_id: list[int] = field(default_factory=list)
    day: list[date] = field(default_factory=list)
    score: list[float | None] = field(default_factory=list)
    breakdown: list[int] = field(default_factory=list)
    breakdowns: list[list[dict[str, Any]]] = field(default_factory=list)

    def add_breakdown(self, lines: list[dict[str, Any]]) -> int:
        self.breakdowns.append(lines)
        return len(self.breakdowns) - 1

    def add(
        self, user_id: int, role_id: int, level_id: int, day: date, score: float | None, index: int
    ) -> None:
        self.user_id.append(user_id)
        self.role_id.append(role_id)
        self.level_id.append(level_id)
        self.day.append(day)
        self.score.append(score)
        self.breakdown.append(index)


def score_rows_store(rows: ScoreRows) -> None:
    if connection.vendor == "postgresql":
        _store_in_one_statement(rows)
    else:
        _store_with_the_orm(rows)


_UPSERT = """
WITH batch AS (
    SELECT r.user_id, r.role_id, r.level_id, r.day, r.score, b.lines
    FROM unnest(%(user_id)s::bigint[], %(role_id)s::bigint[], %(level_id)s::bigint[],
                %(day)s::date[], %(score)s::float8[], %(breakdown)s::int[])
         AS r(user_id, role_id, level_id, day, score, breakdown)
    JOIN jsonb_array_elements(%(breakdowns)s::jsonb) WITH ORDINALITY AS b(lines, n)
      ON b.n = r.breakdown + 1
),
snapshots AS (
    INSERT INTO tracker_readinesssnapshot (user_id, role_id, level_id, day, score)
    SELECT user_id, role_id, level_id, day, score FROM batch
    ON CONFLICT (user_id, role_id, level_id, day) DO UPDATE SET score = EXCLUDED.score
)
INSERT INTO tracker_readinessscore (user_id, role_id, level_id, score, breakdown, computed_at)
SELECT user_id, role_id, level_id, score, lines, %(computed_at)s FROM batch
ON CONFLICT (user_id, role_id, level_id) DO UPDATE
SET score = EXCLUDED.score, breakdown = EXCLUDED.breakdown, computed_at = EXCLUDED.computed_at
"""


def _store_in_one_statement(rows: ScoreRows) -> None:
    params: dict[str, Any] = {
        "user_id": rows.user_id,
        "role_id": rows.role_id,
        "level_id": rows.level_id,
        "day": rows.day,
        "score": rows.score,
        "breakdown": rows.breakdown,
        "breakdowns": json.dumps(rows.breakdowns),  # one document: no array escaping
        "computed_at": rows.computed_at,
    }
    with connection.cursor() as cursor:
        cursor.execute(_UPSERT, params)


def _store_with_the_orm(rows: ScoreRows) -> None:
    columns = list(
        zip(
            rows.user_id,
            rows.role_id,
            rows.level_id,
            rows.day,
            rows.score,
            rows.breakdown,
            strict=True,
        )
    )
    ReadinessScore.objects.bulk_create(
        [
            ReadinessScore(
                user_id=user_id,
                role_id=role_id,
                level_id=level_id,
                score=score,
                breakdown=rows.breakdowns[index],
                computed_at=rows.computed_at,
            )
            for user_id, role_id, level_id, _, score, index in columns
        ],
        update_conflicts=True,
        unique_fields=["user", "role", "level"],
        update_fields=["score", "breakdown", "computed_at"],
    )
    ReadinessSnapshot.objects.bulk_create(
        [
            ReadinessSnapshot(
                user_id=user_id, role_id=role_id, level_id=level_id, day=day, score=score
            )
            for user_id, role_id, level_id, day, score, _ in columns
        ],
        update_conflicts=True,
        unique_fields=["user", "role", "level", "day"],
        update_fields=["score"],
    )
