"""The example learner the landing page shows (Pathwise's own illustration, not a real
person): a backend engineer a few weeks into learning LLM engineering, scored against the real
catalogue's LLM Engineer junior rung, so a visitor sees what the readiness page will show them."""

from django.utils.translation import gettext_lazy as _

ROLE = "llm-engineer"
LEVEL = "junior"
DESCRIPTION = _(
    "An example: a backend engineer a few weeks into learning LLM engineering, with solid "
    "Python, some API work and a first look at prompts and retrieval."
)
LEVELS: dict[str, int] = {
    "python-engineering": 3,
    "systems-engineering": 2,
    "api-integration": 2,
    "data-pipelines": 1,
    "prompt-engineering": 1,
    "transformer-concepts": 1,
    "rag-architecture": 1,
}
"""Skill slug -> the level the example has proven; a skill not listed is at 0."""
SHOWN = 6
"""How many of the example's skills the landing page lists: those that weigh most."""
