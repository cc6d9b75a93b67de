"""careers/recommend.py: the background's rule, weighed against the learner's readiness."""

from careers.recommend import READINESS_LEAD, BackgroundRule, RoleOption, recommend

SOFTWARE = BackgroundRule(
    "Software engineering",
    "llm-engineer",
    "LLM Engineer",
    "LLM engineering is the more accessible entry point.",
)


def options(ml: float | None, llm: float | None, architect: float | None = 0.0) -> list[RoleOption]:
    return [
        RoleOption("ml-engineer", "ML Engineer", ml),
        RoleOption("llm-engineer", "LLM Engineer", llm),
        RoleOption("ai-architect", "AI Architect", architect),
    ]


def test_background_rule_holds_when_readiness_does_not_lead_by_enough():
    result = recommend(background=SOFTWARE, options=options(ml=30 + READINESS_LEAD - 1, llm=30))

    assert result.role_slug == "llm-engineer"
    assert result.reasons == [
        "From software engineering: LLM engineering is the more accessible entry point.",
        "You are 30% ready for LLM Engineer so far.",
    ]


def test_a_clear_lead_in_readiness_outweighs_the_background():
    result = recommend(background=SOFTWARE, options=options(ml=60, llm=20))

    assert result.role_slug == "ml-engineer"
    assert result.reasons[1] == (
        "But you are already 60% ready for ML Engineer, against 20% for LLM Engineer: "
        "your progress points there."
    )


def test_without_background_the_furthest_role_is_suggested():
    result = recommend(background=None, options=options(ml=10, llm=35, architect=None))

    assert result.role_slug == "llm-engineer"
    assert result.reasons[0] == "You are furthest along for LLM Engineer (35% ready)."


def test_without_background_or_progress_there_is_no_recommendation():
    result = recommend(background=None, options=options(ml=0, llm=0))

    assert result.role_slug is None
    assert result.reasons == ["Tell us your background to get a recommendation."]


def senior_only_architect(ml: float, llm: float, architect: float) -> list[RoleOption]:
    """AI Architect's ladder starts at senior (rank 3): careers.selectors.role_entry_ranks."""
    return [
        RoleOption("ml-engineer", "ML Engineer", ml, 1),
        RoleOption("llm-engineer", "LLM Engineer", llm, 1),
        RoleOption("ai-architect", "AI Architect", architect, 3),
    ]


def test_ai_architect_is_never_recommended_below_senior_even_when_furthest_along():
    for level_rank in (None, 1, 2):
        without = recommend(
            background=None, options=senior_only_architect(10, 20, 90), level_rank=level_rank
        )
        with_background = recommend(
            background=SOFTWARE, options=senior_only_architect(10, 20, 90), level_rank=level_rank
        )

        assert without.role_slug == "llm-engineer"
        assert with_background.role_slug == "llm-engineer"
        assert "AI Architect" not in " ".join(with_background.reasons)


def test_ai_architect_can_be_recommended_to_a_senior_whose_progress_points_there():
    result = recommend(background=SOFTWARE, options=senior_only_architect(10, 20, 90), level_rank=3)

    assert result.role_slug == "ai-architect"


def test_a_background_role_above_the_learners_level_gives_way_to_their_progress():
    architects = BackgroundRule("Platform", "ai-architect", "AI Architect", "Go to the platform.")

    result = recommend(
        background=architects, options=senior_only_architect(40, 20, 0), level_rank=1
    )

    assert result.role_slug == "ml-engineer"
    assert result.reasons[1] == "AI Architect starts at a more senior level than yours."
