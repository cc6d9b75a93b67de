"""The shipped question banks (assessments/data/questions/): at least MINIMUM_PER_LEVEL
questions for every skill and level a published path grants, and they load into the real
catalogue."""

import pytest

from assessments.banks import MINIMUM_PER_LEVEL, bank_read, banks_load
from assessments.models import Choice, Question
from paths.models import StepSkill
from tests.web.clients import learner_targeting, signed_in

pytestmark = pytest.mark.django_db


def test_the_shipped_banks_cover_every_level_a_published_path_grants(catalogue):
    counts: dict[tuple[str, int], int] = {}
    for question in bank_read():
        counts[question.skill, question.level] = counts.get((question.skill, question.level), 0) + 1
    granted = set(
        StepSkill.objects.filter(step__path__status="published").values_list("skill__slug", "level")
    )

    short = {
        pair: counts.get(pair, 0) for pair in granted if counts.get(pair, 0) < MINIMUM_PER_LEVEL
    }

    assert len(granted) == 76
    assert short == {}


def test_the_shipped_banks_load_for_the_real_catalogue(catalogue):
    load = banks_load()

    assert load.created == Question.objects.count() >= 76 * MINIMUM_PER_LEVEL
    assert Choice.objects.filter(is_correct=True).count() >= load.created
    assert banks_load().created == 0


def test_the_readiness_page_offers_a_check_where_a_skill_falls_short(catalogue):
    banks_load()
    client = signed_in(learner_targeting("llm-engineer", "junior"))

    page = client.get("/readiness/").content.decode()

    assert 'data-testid="verify-rag-architecture"' in page
    # its target at junior is 1; the bank's lowest RAG check, level 2, proves it
    assert 'href="/skills/rag-architecture/check/2/"' in page
    start = client.get("/skills/rag-architecture/check/2/")
    assert start.status_code == 200
    assert "Start the check" in start.content.decode()
