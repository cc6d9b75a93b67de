"""The shipped question banks (assessments/data/questions/): at least MINIMUM_PER_LEVEL
questions for every skill and level a published path grants, and they load into the real
catalogue."""

import pytest

from assessments.banks import MINIMUM_PER_LEVEL, bank_read, banks_load
from assessments.models import Choice, Question
from paths.models import StepSkill

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
