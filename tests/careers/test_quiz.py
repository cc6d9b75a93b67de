"""The "which role fits me?" quiz: answers -> role, hand-checked against careers/quiz.py's
documented points (background 3, maths 2, work 2, senior + whole system 2 more); the page works
as a plain GET form and refuses bad answers with 422 and the form."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from careers.models import Background
from careers.quiz import Answers, quiz_result
from careers.recommend import BackgroundRule, RoleOption
from tests.factories import RoleFactory

OPTIONS = [
    RoleOption("ml-engineer", "ML Engineer", None, 1),
    RoleOption("llm-engineer", "LLM Engineer", None, 1),
    RoleOption("ai-architect", "AI Architect / AI Platform Engineer", None, 3),
]
RULES = {
    "software-engineering": BackgroundRule(
        "Software engineering", "llm-engineer", "LLM Engineer", "Strong Python transfers."
    ),
    "backend-engineering": BackgroundRule(
        "Backend engineering", "llm-engineer", "LLM Engineer", "The faster path."
    ),
    "data-science": BackgroundRule(
        "Data science", "ml-engineer", "ML Engineer", "The closer transition."
    ),
    "research": BackgroundRule("Research", "ml-engineer", "ML Engineer", "Maths strengths."),
}


def answer(background, maths, work, experience):
    return quiz_result(
        answers=Answers(
            background=RULES.get(background), maths=maths, work=work, experience=experience
        ),
        options=OPTIONS,
    )


def points(result):
    return {score.slug: score.points for score in result.scores}


@pytest.mark.parametrize(
    ("answers", "role", "tally", "runner_up"),
    [
        # background 3 + limited maths 2 + products 2; the architect is out of reach when new
        (
            ("software-engineering", "little", "products", "new"),
            "llm-engineer",
            {"llm-engineer": 7, "ml-engineer": 0},
            None,
        ),
        (
            ("data-science", "strong", "models", "some"),
            "ml-engineer",
            {"ml-engineer": 7, "llm-engineer": 0},
            None,
        ),
        # the backend rule (LLM 3) outweighed by strong maths and model work (ML 4): close call
        (
            ("backend-engineering", "strong", "models", "new"),
            "ml-engineer",
            {"ml-engineer": 4, "llm-engineer": 3},
            "llm-engineer",
        ),
        # senior and wanting the whole system: architect 2 + 2 beats the background's LLM 3
        (
            ("software-engineering", "some", "systems", "senior"),
            "ai-architect",
            {"ai-architect": 4, "llm-engineer": 3, "ml-engineer": 0},
            "llm-engineer",
        ),
        # the same answers two years in: the architect is a senior destination, not offered
        (
            ("software-engineering", "some", "systems", "some"),
            "llm-engineer",
            {"llm-engineer": 3, "ml-engineer": 0},
            None,
        ),
        # no background rule, nothing tips: a tie goes to catalogue order, flagged close
        (
            ("other", "some", "systems", "new"),
            "ml-engineer",
            {"ml-engineer": 0, "llm-engineer": 0},
            "llm-engineer",
        ),
    ],
)
def test_answers_give_the_hand_checked_role(answers, role, tally, runner_up):
    result = answer(*answers)

    assert result.role_slug == role
    assert points(result) == tally
    assert (result.runner_up.slug if result.runner_up else None) == runner_up
    assert [s.points for s in result.scores] == sorted(tally.values(), reverse=True)


def test_a_tie_goes_to_the_backgrounds_role():
    # research -> ML 3; limited maths -> LLM 2; products -> LLM 2: LLM 4 wins outright ...
    assert answer("research", "little", "products", "new").role_slug == "llm-engineer"
    # ... while research (ML 3) against limited maths alone (LLM 2) keeps ML
    result = answer("research", "little", "systems", "new")
    assert points(result) == {"ml-engineer": 3, "llm-engineer": 2}
    assert result.role_slug == "ml-engineer"


def test_reasons_say_whose_they_are():
    result = answer("software-engineering", "little", "products", "new")

    assert [reason.origin for reason in result.reasons] == [
        "source",  # the background's rule, through careers.recommend
        "source",  # limited maths: the source's "more accessible entry point"
        "pathwise",  # the work preferred: Pathwise's reading of the role descriptions
        "pathwise",  # the tally
    ]
    assert result.reasons[0].text == "From software engineering: Strong Python transfers."
    assert "more accessible entry point" in result.reasons[1].text
    assert result.reasons[-1].text == (
        "Pathwise's tally of your answers: LLM Engineer 7, ML Engineer 0."
    )


def test_the_architect_out_of_reach_is_explained():
    result = answer("research", "some", "systems", "new")

    assert "ai-architect" not in points(result)
    assert any(
        reason.text.startswith("AI Architect / AI Platform Engineer is a senior destination")
        for reason in result.reasons
    )


QUIZ = "/which-role/"


def result_role(html: str) -> str | None:
    found = re.search(r'class="card quiz-result" id="result"[^>]*data-role="([^"]+)"', html)
    return found.group(1) if found else None


@pytest.mark.django_db
def test_the_quiz_page_answers_with_a_role_and_its_reasons(client, catalogue):
    response = client.get(
        QUIZ,
        {
            "background": "software-engineering",
            "maths": "little",
            "work": "products",
            "experience": "new",
        },
    )
    html = response.content.decode()

    assert response.status_code == 200
    assert result_role(html) == "llm-engineer"
    assert "From software engineering: The source&#x27;s advice: if you&#x27;re coming" in html
    assert html.count('data-origin="source"') == 2
    assert html.count('data-origin="pathwise"') == 2
    assert '<span class="tag">Pathwise\'s own suggestion</span>' in html
    assert 'data-role="llm-engineer"><th scope="row">LLM Engineer</th><td>7</td>' in html
    # the answers stay chosen, to change one
    assert re.search(r'value="software-engineering"[^>]*checked', html)
    assert "/accounts/signup/" in html


@pytest.mark.django_db
def test_the_quiz_suggests_the_architect_to_a_senior_who_wants_the_whole_system(client, catalogue):
    html = client.get(
        QUIZ,
        {"background": "data-science", "maths": "some", "work": "systems", "experience": "senior"},
    ).content.decode()

    # data science -> ML 3; the whole system, senior -> architect 4
    assert result_role(html) == "ai-architect"
    assert "/roles/compare/?roles=ai-architect,ml-engineer" in html


@pytest.mark.django_db
def test_unanswered_the_quiz_shows_its_questions(client, catalogue):
    response = client.get(QUIZ)
    html = response.content.decode()

    assert response.status_code == 200
    assert result_role(html) is None
    assert html.count("<fieldset") == 4
    # every background from the catalogue, and "something else"
    assert html.count('name="background"') == Background.objects.count() + 1
    assert "errorlist" not in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "errors"),
    [
        (
            {"background": "astrology", "maths": "little", "work": "products"},
            {"background": "Select a valid choice", "experience": "This field is required"},
        ),
        (
            {"background": "research", "maths": "lots", "work": "products", "experience": "new"},
            {"maths": "Select a valid choice"},
        ),
    ],
)
def test_bad_answers_are_a_form_error(client, catalogue, query, errors):
    response = client.get(QUIZ, query)
    html = response.content.decode()

    assert response.status_code == 422
    assert result_role(html) is None
    assert html.count('class="errorlist"') == len(errors)
    for field, message in errors.items():
        assert re.search(rf'id="quiz_{field}-error"><li>{message}', html), field
    assert 'role="alert"' in html


@pytest.mark.django_db
def test_the_quiz_page_queries_do_not_grow_with_the_catalogue(client, catalogue):
    query = {
        "background": "backend-engineering",
        "maths": "strong",
        "work": "models",
        "experience": "new",
    }
    counts = []
    for extra in (0, 10):
        for n in range(extra):
            Background.objects.create(
                slug=f"extra-{n}",
                name=f"Extra {n}",
                recommended_role=RoleFactory.create(),
                rationale="The source's advice: test.",
                position=10 + n,
            )
        with CaptureQueriesContext(connection) as queries:
            assert client.get(QUIZ, query).status_code == 200
        counts.append(len(queries))

    assert counts[0] == counts[1], counts
