"""Catalogue truth (issue 14): what the loaded catalogue claims is honest about its source, and
finishing a path proves what the path promises under the evidence ceilings per step kind."""

import html
import re
from collections import defaultdict
from fractions import Fraction

import pytest
from django.test import Client
from rest_framework.test import APIClient

from careers.bands import BANDS
from careers.models import (
    Background,
    CatalogueSource,
    ComparisonAdvice,
    Role,
    RoleRequirement,
    Skill,
    Tool,
)
from careers.recommend import RoleOption, recommend
from careers.selectors import role_entry_ranks
from paths.models import LearningPath, Step, StepSkill

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shared_catalogue")]

try:  # the ceilings live in tracker/readiness.py; the table below is the rule they implement
    from tracker.readiness import KIND_CEILING
except ImportError:  # pragma: no cover - before the ceilings existed
    KIND_CEILING = {"read": 2, "course": 2, "exercise": 3, "project": 5, "assessment": 5}

ARCHITECT_ALONE_AT_MOST = 90
"""Finishing the architect path alone must leave senior AI Architect clearly short: it assumes
the senior depth of the ML or the LLM path and does not teach it."""


def proven_levels(path_slugs: list[str]) -> dict[str, int]:
    """The level every skill is proven at once all the steps of these paths are completed,
    each step capped by its kind (readiness: the highest proven level counts)."""
    levels: dict[str, int] = defaultdict(int)
    for link in StepSkill.objects.filter(step__path__slug__in=path_slugs).select_related(
        "step", "skill"
    ):
        proven = min(link.level, KIND_CEILING[link.step.kind])
        levels[link.skill.slug] = max(levels[link.skill.slug], proven)
    return levels


def readiness(role: str, level: str, proficiency: dict[str, int]) -> Fraction | None:
    """tracker/readiness.py's formula: 100 * sum(w * min(p, t) / t) / sum(w)."""
    requirements = RoleRequirement.objects.filter(role__slug=role, level__slug=level)
    rows = [(r.skill.slug, r.target_level, r.weight) for r in requirements.select_related("skill")]
    if not rows:
        return None
    total = sum(weight for _, _, weight in rows)
    earned = sum(
        (
            Fraction(weight * min(proficiency.get(skill, 0), target), target)
            for skill, target, weight in rows
        ),
        Fraction(0),
    )
    return 100 * earned / total


def page_text(url: str) -> str:
    body = Client().get(url).content.decode()
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)))


# --- Paths are worth finishing under the evidence ceilings -----------------------------------


def test_every_ml_and_llm_path_reaches_its_own_target_when_finished():
    paths = LearningPath.objects.filter(status="published").select_related("role", "level")
    checked = 0
    for path in paths:
        if path.role.slug == "ai-architect":
            continue
        score = readiness(path.role.slug, path.level.slug, proven_levels([path.slug]))
        assert score == 100, (path.slug, float(score or 0))
        checked += 1
    assert checked == 5


def test_the_architect_path_alone_is_not_senior_architect_but_either_route_is():
    alone = readiness("ai-architect", "senior", proven_levels(["ai-architect-full-stack"]))
    llm_route = readiness(
        "ai-architect",
        "senior",
        proven_levels(
            ["llm-engineer-from-backend", "llm-engineer-production-rag", "ai-architect-full-stack"]
        ),
    )
    ml_route = readiness(
        "ai-architect",
        "senior",
        proven_levels(
            [
                "ml-engineer-foundations",
                "ml-engineer-production-pipelines",
                "ml-engineer-senior-depth",
                "ai-architect-full-stack",
            ]
        ),
    )

    assert alone is not None
    assert 75 <= alone <= ARCHITECT_ALONE_AT_MOST, float(alone)
    assert llm_route == 100
    assert ml_route == 100


def test_reading_never_claims_to_teach_advanced_levels():
    """A read or a course teaches at most practitioner knowledge (and proves at most 2)."""
    inflated = StepSkill.objects.filter(
        step__kind__in=[Step.Kind.READ, Step.Kind.COURSE], level__gt=3
    ).values_list("step__title", "skill__slug", "level")
    assert list(inflated) == []
    chunking = StepSkill.objects.get(
        step__title__startswith="Chunking strategies", skill__slug="rag-architecture"
    )
    ragas = StepSkill.objects.get(step__title__startswith="RAG evaluation metrics with RAGAS")
    assert min(chunking.level, KIND_CEILING[chunking.step.kind]) == 2
    assert min(ragas.level, KIND_CEILING[ragas.step.kind]) == 2


def test_every_advanced_target_of_a_path_is_proven_by_a_project_or_an_assessment():
    for path in LearningPath.objects.filter(status="published").select_related("role", "level"):
        targets = RoleRequirement.objects.filter(
            role=path.role, level=path.level, target_level__gte=4
        ).values_list("skill__slug", "target_level")
        proven = proven_levels([path.slug])
        for skill, target in targets:
            if proven.get(skill, 0) >= target:
                assert StepSkill.objects.filter(
                    step__path=path,
                    skill__slug=skill,
                    level__gte=target,
                    step__kind__in=[Step.Kind.PROJECT, Step.Kind.ASSESSMENT],
                ).exists(), (path.slug, skill)


# --- AI Architect per the source ---------------------------------------------------------------


def test_ai_architect_has_requirements_only_at_senior_and_staff():
    levels = set(
        RoleRequirement.objects.filter(role__slug="ai-architect").values_list(
            "level__slug", flat=True
        )
    )
    assert levels == {"senior", "staff-principal"}
    assert role_entry_ranks() == {"ml-engineer": 1, "llm-engineer": 1, "ai-architect": 3}


def test_ai_architect_requires_senior_depth_both_paths_share_plus_architecture():
    senior = {
        r.skill.slug: r.target_level
        for r in RoleRequirement.objects.filter(
            role__slug="ai-architect", level__slug="senior"
        ).select_related("skill")
    }
    ml = dict(
        RoleRequirement.objects.filter(role__slug="ml-engineer", level__slug="senior").values_list(
            "skill__slug", "target_level"
        )
    )
    llm = dict(
        RoleRequirement.objects.filter(role__slug="llm-engineer", level__slug="senior").values_list(
            "skill__slug", "target_level"
        )
    )
    shared = {
        "python-engineering",
        "systems-engineering",
        "data-pipelines",
        "product-communication",
    }
    assert shared <= set(ml) & set(llm)
    for skill in shared:  # at least the depth a senior of either path is asked for
        assert senior[skill] >= max(ml[skill], llm[skill]), skill
    assert senior["ai-system-design"] == 4
    architect = Role.objects.get(slug="ai-architect")
    assert 'no "either … or"' in architect.model_note
    assert "senior end of either" in architect.model_note


def test_the_recommender_never_sends_a_junior_to_ai_architect():
    ranks = role_entry_ranks()
    options = [
        RoleOption("ml-engineer", "ML Engineer", 10.0, ranks["ml-engineer"]),
        RoleOption("llm-engineer", "LLM Engineer", 12.0, ranks["llm-engineer"]),
        RoleOption("ai-architect", "AI Architect", 95.0, ranks["ai-architect"]),
    ]
    for level_rank in (None, 1, 2):
        assert recommend(background=None, options=options, level_rank=level_rank).role_slug == (
            "llm-engineer"
        )
    assert recommend(background=None, options=options, level_rank=3).role_slug == "ai-architect"


# --- Skills and tools --------------------------------------------------------------------------


def test_tensorflow_credits_no_skill_named_after_pytorch_alone():
    tensorflow = Tool.objects.get(slug="tensorflow")
    names = list(tensorflow.skills.values_list("name", flat=True))
    assert names
    assert not [n for n in names if "PyTorch" in n and "TensorFlow" not in n]
    assert Skill.objects.get(slug="pytorch").name == (
        "Deep-learning framework development (PyTorch, TensorFlow)"
    )


@pytest.mark.parametrize(
    ("role", "skills"),
    [
        ("ml-engineer", {"systems-engineering", "product-communication"}),
        ("llm-engineer", {"data-pipelines", "product-communication"}),
    ],
)
def test_roles_require_the_skills_their_day_in_the_life_describes(role, skills):
    per_level = defaultdict(set)
    for level, skill in RoleRequirement.objects.filter(role__slug=role).values_list(
        "level__slug", "skill__slug"
    ):
        per_level[level].add(skill)
    assert len(per_level) == 4
    for level, required in per_level.items():
        assert skills <= required, level
    taught = set(
        StepSkill.objects.filter(step__path__role__slug=role, skill__slug__in=skills).values_list(
            "skill__slug", flat=True
        )
    )
    assert taught == skills
    assert Skill.objects.get(slug="product-communication").category == "collaboration"


# --- Sourced and modelled, labelled ---------------------------------------------------------


def test_the_source_is_named_and_dated_once():
    source = CatalogueSource.objects.get()
    assert source.file_name == "000_3463d335c2a10f02.txt"
    assert source.published_on is None  # the article gives no date
    assert source.written_on.isoformat() == "2026-11-28"
    assert "requirement matrix" in source.pathwise_model
    assert set(Role.objects.values_list("source__slug", flat=True)) == {source.slug}


def test_day_in_the_life_keeps_its_context_and_the_architects_is_labelled_pathwise():
    roles = {role.slug: role for role in Role.objects.all()}
    assert "at a UK tech company" in roles["ml-engineer"].day_in_the_life_context
    assert "at a UK product company" in roles["llm-engineer"].day_in_the_life_context
    assert roles["ml-engineer"].day_in_the_life_provenance == "source"
    assert roles["ai-architect"].day_in_the_life_provenance == "pathwise"
    assert roles["ai-architect"].toolchain_provenance == "pathwise"


def test_the_maths_advice_reads_as_the_sources_conditional_advice():
    for slug in ("maths-stats-quant", "research"):
        rationale = Background.objects.get(slug=slug).rationale
        assert rationale.startswith("The source's advice: if you have a strong mathematics")
        assert "plays to those strengths" in rationale
    assert all(b.rationale.startswith("The source's advice: if") for b in Background.objects.all())


def test_role_pages_label_source_and_model_and_name_the_source():
    llm = page_text("/roles/llm-engineer/")
    architect = page_text("/roles/ai-architect/")
    listing = page_text("/roles/")

    for page in (llm, architect, listing):
        assert "From the source article" in page
        assert "Pathwise's own model" in page
        assert "000_3463d335c2a10f02.txt" in page
        assert "Publication date not given" in page
        assert "28 November 2026" in page
    assert "A typical day for an LLM engineer at a UK product company might include:" in llm
    assert "The source gives no day in the life for this role" in architect
    assert "starts at Senior" in architect
    assert (
        "Junior"
        not in architect.split("Requirements and salary by level", 1)[1].split("Levels 1–5")[0]
    )


def test_role_api_labels_each_part_and_names_the_source():
    api = APIClient()
    ml = api.get("/api/v1/roles/ml-engineer/").json()
    architect = api.get("/api/v1/roles/ai-architect/").json()
    listed = api.get("/api/v1/roles/").json()

    assert ml["provenance"]["day_in_the_life"]["origin"] == "source"
    assert "at a UK tech company" in ml["provenance"]["day_in_the_life"]["note"]
    assert ml["day_in_the_life_context"].endswith("at a UK tech company might include:")
    assert ml["provenance"]["requirements"] == {
        "origin": "pathwise",
        "label": "Pathwise's own model",
        "note": ml["model_note"],
    }
    assert architect["provenance"]["day_in_the_life"]["origin"] == "pathwise"
    assert architect["provenance"]["toolchain"]["origin"] == "pathwise"
    assert architect["source"]["file_name"] == "000_3463d335c2a10f02.txt"
    assert architect["source"]["published_on"] is None
    assert [(lv["level"], lv["offered"]) for lv in architect["levels"]] == [
        ("junior", False),
        ("mid", False),
        ("senior", True),
        ("staff-principal", True),
    ]
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert all(row["source"]["written_on"] == "2026-11-28" for row in rows)


# --- Level bands ------------------------------------------------------------------------------


def test_level_bands_are_named_on_the_role_page_and_in_the_api():
    assert [b.name for b in BANDS] == ["Aware", "Working", "Practitioner", "Advanced", "Expert"]
    body = Client().get("/roles/ml-engineer/").content.decode()
    assert "3 · Practitioner" in body
    assert f'title="{html.escape(BANDS[3].meaning)}">4 · Advanced' in body
    assert all(f"{b.level} · {b.name}" in body for b in BANDS)  # the legend

    senior = next(
        lv
        for lv in APIClient().get("/api/v1/roles/ml-engineer/").json()["levels"]
        if lv["level"] == "senior"
    )
    statistics = next(r for r in senior["requirements"] if r["skill"] == "statistics")
    assert (statistics["target_level"], statistics["target_band"]) == (4, "Advanced")
    assert statistics["target_band_meaning"] == BANDS[3].meaning

    step = APIClient().get("/api/v1/paths/llm-engineer-from-backend/").json()["steps"][0]
    assert step["skills"][0]["band"] == "Working"


# --- Compare advice fits the pair ----------------------------------------------------------------


def test_compare_advice_fits_the_pair_and_is_labelled():
    ml_llm = page_text("/roles/compare/?roles=ml-engineer,llm-engineer")
    ml_architect = page_text("/roles/compare/?roles=ml-engineer,ai-architect")

    assert "more accessible entry point" in ml_llm
    assert "senior destination" not in ml_llm
    assert "senior destination" in ml_architect
    assert "Pathwise's advice: target ML Engineer now" in ml_architect
    assert "more accessible entry point" not in ml_architect  # the ML-vs-LLM advice

    api = APIClient()
    advice = api.get("/api/v1/roles/compare/?roles=ml-engineer,llm-engineer").json()["advice"]
    assert len(advice) == 4
    assert {a["origin"] for a in advice} == {"source"}
    assert {tuple(a["roles"]) for a in advice} == {("llm-engineer", "ml-engineer")}
    answer = api.get("/api/v1/roles/compare/?roles=llm-engineer,ai-architect").json()
    assert {a["origin"] for a in answer["advice"]} == {"source", "pathwise"}
    assert "senior destination" in " ".join(a["text"] for a in answer["advice"])
    assert answer["source"]["file_name"] == "000_3463d335c2a10f02.txt"
    assert {f["origin"] for f in answer["faq"]} == {"source"}
    assert ComparisonAdvice.objects.count() == 8


def test_band_filters_name_whole_and_fractional_levels():
    from config.templatetags.pathwise import band, band_meaning, band_name

    assert band(3) == "3 · Practitioner"
    assert band(Fraction(5, 2)) == "2.5 · Working"  # a discounted self-claim
    assert band(0) == "0"
    assert band(None) == ""
    assert band_name(5) == "Expert"
    assert band_meaning(1) == BANDS[0].meaning
    assert band_meaning(7) == ""
