"""The loaded catalogue says what the source text says, and no more."""

from collections import defaultdict
from urllib.parse import urlsplit

import pytest

from careers.models import (
    Background,
    FrequentQuestion,
    Role,
    RoleRequirement,
    SalaryBand,
    SeniorityLevel,
    Tool,
)
from paths.models import LearningPath
from tracker.selectors import recommendation_get
from tracker.services import learner_profile_update

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shared_catalogue")]

SEED_TOOLS = {
    "ml-engineer": {
        "PyTorch",
        "TensorFlow",
        "scikit-learn",
        "MLflow",
        "Weights & Biases",
        "Kubeflow",
        "Seldon",
        "Apache Airflow",
        "AWS SageMaker",
        "GCP Vertex AI",
        "Azure ML",
    },
    "llm-engineer": {
        "OpenAI API",
        "Anthropic API",
        "Cohere API",
        "Hugging Face",
        "LangChain",
        "LlamaIndex",
        "Pinecone",
        "Weaviate",
        "Qdrant",
        "RAGAS",
        "LangSmith",
        "Helicone",
        "vLLM",
        "Ollama",
    },
}


def test_three_roles_with_their_place_in_the_stack():
    roles = {role.slug: role for role in Role.objects.all()}

    assert set(roles) == {"ml-engineer", "llm-engineer", "ai-architect"}
    assert "build, train, and deploy" in roles["ml-engineer"].summary
    assert "pre-trained foundation models" in roles["llm-engineer"].summary
    assert "full AI stack" in roles["ai-architect"].stack_position
    assert "off-topic chunks" in " ".join(roles["llm-engineer"].day_in_the_life)
    assert len(roles["ml-engineer"].day_in_the_life) == 5
    assert all(role.trajectory for role in roles.values())


def test_the_ladder_is_junior_mid_senior_staff():
    assert list(SeniorityLevel.objects.values_list("slug", flat=True)) == [
        "junior",
        "mid",
        "senior",
        "staff-principal",
    ]


@pytest.mark.parametrize("role_slug", sorted(SEED_TOOLS))
def test_every_seed_tool_is_in_the_toolchain_with_skills(role_slug):
    role = Role.objects.get(slug=role_slug)
    toolchain = {tool.name for tool in role.tools.all()}

    assert toolchain >= SEED_TOOLS[role_slug]
    assert not Tool.objects.filter(skills=None).exists()


def test_requirement_targets_rise_with_seniority_for_every_role():
    targets: dict[tuple[str, str], list[int]] = defaultdict(list)
    for requirement in RoleRequirement.objects.select_related("role", "skill").order_by(
        "level__rank"
    ):
        targets[(requirement.role.slug, requirement.skill.slug)].append(requirement.target_level)

    assert {role for role, _ in targets} == {"ml-engineer", "llm-engineer", "ai-architect"}
    rungs = {"ml-engineer": 4, "llm-engineer": 4, "ai-architect": 2}  # architect: senior, staff
    totals: dict[str, list[int]] = defaultdict(lambda: [0] * 4)
    for (role, skill), by_level in targets.items():
        assert len(by_level) == rungs[role], (role, skill)
        assert by_level == sorted(by_level), (role, skill)
        for rung, target in enumerate(by_level):
            totals[role][rung] += target
    for role, by_rung in totals.items():
        used = by_rung[: rungs[role]]
        assert used == sorted(set(used)), role  # every rung asks for more than the one below


def test_llm_skills_from_the_source_are_required():
    required = set(
        RoleRequirement.objects.filter(role__slug="llm-engineer").values_list(
            "skill__slug", flat=True
        )
    )
    assert {
        "transformer-concepts",
        "prompt-engineering",
        "rag-architecture",
        "evaluation",
        "api-integration",
    } <= required


def test_every_seed_salary_figure_is_present_with_its_context():
    bands = {
        (b.role.slug, b.level.slug, b.min_gbp, b.max_gbp, b.open_ended): b
        for b in SalaryBand.objects.select_related("role", "level")
    }

    research = bands[("ml-engineer", "senior", 130_000, 180_000, True)]
    deep_tech = bands[("ml-engineer", "senior", 100_000, 160_000, True)]
    llm = bands[("llm-engineer", "senior", 120_000, 150_000, False)]
    assert len(bands) == 3  # no band the source does not give
    assert "DeepMind" in research.employer_kind
    assert research.display_range == "£130k–£180k+"
    assert "deep-tech" in deep_tech.source_note
    assert deep_tech.display_range == "£100k–£160k+"
    assert "well-funded AI product companies" in llm.source_note
    assert llm.display_range == "£120k–£150k"


@pytest.mark.parametrize(
    ("background", "role"),
    [
        ("software-engineering", "llm-engineer"),
        ("backend-engineering", "llm-engineer"),
        ("data-science", "ml-engineer"),
        ("maths-stats-quant", "ml-engineer"),
        ("research", "ml-engineer"),
    ],
)
def test_recommendation_for_each_background_follows_the_source(learner, background, role):
    learner_profile_update(user=learner, background=Background.objects.get(slug=background))

    recommendation = recommendation_get(user=learner)

    assert recommendation.role_slug == role
    assert Background.objects.get(slug=background).rationale in recommendation.reasons[0]
    assert Background.objects.count() == 5


def test_software_engineers_are_told_why(learner):
    learner_profile_update(
        user=learner, background=Background.objects.get(slug="software-engineering")
    )

    recommendation = recommendation_get(user=learner)

    assert "more accessible entry point" in recommendation.reasons[0]


def test_the_faq_answers_are_loaded():
    questions = list(FrequentQuestion.objects.values_list("question", flat=True))

    assert questions == [
        "Which pays more?",
        "Which is harder to break into?",
        "Do I need to know both?",
        "What about RAG — is that LLM or ML engineering?",
        "Which has more long-term demand?",
    ]


def test_published_paths_per_role_each_with_eight_complete_steps():
    docs_hosts = {urlsplit(url).hostname for url in Tool.objects.values_list("docs_url", flat=True)}
    published = LearningPath.objects.filter(status=LearningPath.Status.PUBLISHED)
    per_role: dict[str, int] = defaultdict(int)
    for path in published.select_related("role").prefetch_related("steps__step_skills"):
        per_role[path.role.slug] += 1
        steps = list(path.steps.all())
        assert len(steps) >= 8, path.slug
        assert [s.position for s in steps] == list(range(1, len(steps) + 1))
        for step in steps:
            assert step.step_skills.all(), (path.slug, step.position)
            assert step.resource_url.startswith("https://")
            assert urlsplit(step.resource_url).hostname in docs_hosts, step.resource_url
            assert step.estimated_minutes > 0
        assert path.published_at is not None

    assert per_role["ml-engineer"] >= 2
    assert per_role["llm-engineer"] >= 2
    assert per_role["ai-architect"] >= 1
