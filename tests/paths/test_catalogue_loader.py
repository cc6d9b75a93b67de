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
    assert "0 created, 0 updated, 0 removed, 0 kept as edited" in output
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


def _with_junior_architect(data: dict) -> dict:
    """The data as it was before AI Architect lost its junior and mid rungs."""
    architect = next(r for r in data["roles"] if r["slug"] == "ai-architect")
    del architect["levels"]
    for requirement in architect["requirements"]:
        first = requirement["targets"][0]
        requirement["targets"] = [first, first, *requirement["targets"]]
    return data


def test_requirements_the_file_drops_are_removed_unless_a_curator_edited_them():
    from paths.catalogue import catalogue_load, read_catalogue

    catalogue_load(data=_with_junior_architect(read_catalogue()))
    junior = RoleRequirement.objects.filter(role__slug="ai-architect", level__slug="junior")
    assert junior.count() == 16
    edited = junior.get(skill__slug="ai-system-design")
    edited.target_level = 3
    edited.save()

    report = catalogue_load()

    assert report.counts["role requirements"]["removed"] == 31  # 16 mid, 15 junior
    assert report.counts["role requirements"]["kept"] == 1
    assert list(
        RoleRequirement.objects.filter(role__slug="ai-architect")
        .exclude(level__slug__in=["senior", "staff-principal"])
        .values_list("skill__slug", flat=True)
    ) == ["ai-system-design"]

    catalogue_load(force=True)

    assert set(
        RoleRequirement.objects.filter(role__slug="ai-architect").values_list(
            "level__slug", flat=True
        )
    ) == {"senior", "staff-principal"}


def test_a_skill_a_step_stops_teaching_is_removed_and_a_curators_own_row_kept():
    from paths.catalogue import catalogue_load, read_catalogue

    data = read_catalogue()
    path = next(p for p in data["paths"] if p["slug"] == "ai-architect-full-stack")
    path["steps"][8]["skills"]["data-pipelines"] = 4
    catalogue_load(data=data)
    project = Step.objects.get(path__slug="ai-architect-full-stack", position=9)
    StepSkill.objects.create(step=project, skill=Skill.objects.get(slug="statistics"), level=2)

    output = load()

    skills = set(project.step_skills.values_list("skill__slug", flat=True))
    assert "data-pipelines" not in skills
    assert "statistics" in skills  # added by a curator, not by the loader
    assert "step skills: 174 unchanged, 1 removed" in output


def test_a_role_listing_unknown_or_unordered_levels_is_refused():
    from django.core.exceptions import ValidationError

    from paths.catalogue import catalogue_load, read_catalogue

    data = read_catalogue()
    architect = next(r for r in data["roles"] if r["slug"] == "ai-architect")
    architect["levels"] = ["staff-principal", "senior"]

    with pytest.raises(ValidationError, match="ladder order"):
        catalogue_load(data=data)
