"""POST data for the learning-path admin page with its inline steps."""

from typing import Any

from paths.models import LearningPath, Step


def inline_data(path: LearningPath, rows: list[dict[str, Any]]) -> dict[str, Any]:
    data = {
        "slug": path.slug,
        "title": path.title,
        "role": path.role_id,
        "level": path.level_id,
        "summary": path.summary,
        "steps-TOTAL_FORMS": len(rows),
        "steps-INITIAL_FORMS": sum(1 for r in rows if r.get("id")),
        "steps-MIN_NUM_FORMS": 0,
        "steps-MAX_NUM_FORMS": 1000,
    }
    for i, row in enumerate(rows):
        for name, value in row.items():
            data[f"steps-{i}-{name}"] = value
        data[f"steps-{i}-path"] = path.pk
    return data


def step_row(step: Step, **changes: Any) -> dict[str, Any]:
    row = {
        "id": step.pk,
        "position": step.position,
        "title": step.title,
        "kind": step.kind,
        "resource_url": step.resource_url,
        "estimated_minutes": step.estimated_minutes,
    }
    row.update(changes)
    return row
