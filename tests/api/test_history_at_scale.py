"""Reads of a learner's daily readiness history that grow with it (B8, history at scale): the
API's history page (a year of days) and the export (every day of all twelve roles and levels)
give what SnapshotSerializer and ExportSnapshotSerializer give, built from plain rows rather than
a model object and a serializer per day."""

import json
from datetime import date, timedelta
from unittest import mock

import pytest

from careers.models import Role, SeniorityLevel
from tests.factories import RequirementFactory
from tracker.api.serializers import ExportSnapshotSerializer, SnapshotSerializer
from tracker.models import ReadinessSnapshot, User

pytestmark = pytest.mark.django_db

FIRST = date(2026, 1, 1)


@pytest.fixture
def targets(db: None) -> list[tuple[Role, SeniorityLevel]]:
    """Two roles at two levels, each with a requirement (so the history endpoint knows them),
    the second role placed first."""
    first = RequirementFactory.create()
    second = RequirementFactory.create()
    Role.objects.filter(pk=second.role_id).update(position=0)
    Role.objects.filter(pk=first.role_id).update(position=1)
    return [(r.role, r.level) for r in (first, second)]


def history(user: User, targets: list[tuple[Role, SeniorityLevel]], days: int) -> None:
    ReadinessSnapshot.objects.bulk_create(
        ReadinessSnapshot(
            user=user,
            role=role,
            level=level,
            day=FIRST + timedelta(days=n),
            score=None if n % 50 == 7 else n / 3.7 + t,
        )
        for t, (role, level) in enumerate(targets)
        for n in range(days)
    )


def as_json(data: object) -> object:
    return json.loads(json.dumps(data))


def test_the_export_history_is_what_the_export_serializer_gives(owner, owner_api, targets):
    history(owner, targets, 60)

    exported = owner_api.get("/api/v1/me/export/").json()["readiness_history"]

    snapshots = (
        ReadinessSnapshot.objects.filter(user=owner)
        .select_related("role", "level")
        .order_by("role__position", "level__rank", "day")
    )
    assert exported == as_json(ExportSnapshotSerializer(snapshots, many=True).data)
    assert len(exported) == 120
    assert exported[0]["role"] == targets[1][0].slug  # the role placed first comes first
    assert exported[7]["score"] is None


def test_the_export_builds_no_model_object_per_snapshot(owner, owner_api, targets):
    history(owner, targets, 365)

    with mock.patch.object(
        ReadinessSnapshot, "from_db", side_effect=ReadinessSnapshot.from_db
    ) as loaded:
        response = owner_api.get("/api/v1/me/export/")

    assert response.status_code == 200
    assert len(response.json()["readiness_history"]) == 730
    assert loaded.call_count == 0


def test_the_history_page_is_what_the_snapshot_serializer_gives(owner, owner_api, targets):
    history(owner, targets, 400)
    role, level = targets[0]
    url = f"/api/v1/readiness/{role.slug}/history/?level={level.slug}"

    first, second = owner_api.get(url).json(), owner_api.get(url + "&page=2").json()

    snapshots = ReadinessSnapshot.objects.filter(user=owner, role=role, level=level)
    expected = as_json(SnapshotSerializer(snapshots.order_by("day"), many=True).data)
    assert first["count"] == 400
    assert first["results"] + second["results"] == expected
    assert len(first["results"]) == 366  # a year of days in one page
    assert first["results"][7] == {"day": "2026-01-08", "score": None}


def test_a_year_of_history_builds_no_model_object_per_day(owner, owner_api, targets):
    history(owner, targets, 365)
    role, level = targets[0]

    with mock.patch.object(
        ReadinessSnapshot, "from_db", side_effect=ReadinessSnapshot.from_db
    ) as loaded:
        response = owner_api.get(f"/api/v1/readiness/{role.slug}/history/?level={level.slug}")

    assert response.status_code == 200
    assert len(response.json()["results"]) == 365
    assert loaded.call_count == 0
