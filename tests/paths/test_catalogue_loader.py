"""`manage.py load_catalogue`: idempotent, and it leaves curators' edits alone."""

from io import StringIO

import pytest
from django.core.management import call_command

from careers.models import Role, RoleRequirement, SalaryBand, Skill, Tool
from paths.models import LearningPath, Step, StepSkill

pytestmark = pytest.mark.django_db

MODELS = (Role, Skill, Tool, RoleRequirement, SalaryBand, LearningPath, Step, StepSkill)


def load(*args: str) -> str:
    out = StringIO()
    call_command("load_catalogue", *args, stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def test_first_load_reports_what_it_created():
    output = load()

    assert "roles: 3 created" in output
    assert "salary bands: 3 created" in output
    assert row_counts()["Role"] == 3


def test_second_load_changes_nothing():
    load()
    before = row_counts()
    role_updated = {r.slug: r.summary for r in Role.objects.all()}

    output = load()

    assert row_counts() == before
    assert "0 created, 0 updated, 0 kept as edited" in output
    assert {r.slug: r.summary for r in Role.objects.all()} == role_updated


def test_curator_edit_is_kept_unless_forced():
    load()
    Role.objects.filter(slug="llm-engineer").update(summary="Edited by a curator.")
    RoleRequirement.objects.filter(
        role__slug="llm-engineer", level__slug="senior", skill__slug="evaluation"
    ).update(target_level=2)

    output = load()

    assert "roles: 2 unchanged, 1 kept" in output
    assert Role.objects.get(slug="llm-engineer").summary == "Edited by a curator."
    evaluation = RoleRequirement.objects.get(
        role__slug="llm-engineer", level__slug="senior", skill__slug="evaluation"
    )
    assert evaluation.target_level == 2

    forced = load("--force")

    assert "roles: 1 updated, 2 unchanged" in forced
    assert Role.objects.get(slug="llm-engineer").summary.startswith("LLM engineers primarily work")
    evaluation.refresh_from_db()
    assert evaluation.target_level == 4


def test_row_deleted_by_curator_stays_deleted_unless_forced():
    load()
    Tool.objects.filter(slug="helicone").delete()

    load()
    assert not Tool.objects.filter(slug="helicone").exists()

    load("--force")
    helicone = Tool.objects.get(slug="helicone")
    assert set(helicone.skills.values_list("slug", flat=True)) == {"llm-observability"}


def test_changed_data_file_updates_rows_curators_did_not_touch():
    from paths.catalogue import catalogue_load, read_catalogue

    load()
    data = read_catalogue()
    next(s for s in data["skills"] if s["slug"] == "evaluation")["name"] = "Evaluation (LLM)"

    report = catalogue_load(data=data)

    assert report.total("updated") == 1
    assert Skill.objects.get(slug="evaluation").name == "Evaluation (LLM)"
