"""The public catalogue pages of issue 16: the compare page's aligned skills x levels matrix
(cells hand-checked against careers/data/catalogue.toml), its salary table with "no data" and
the source, the advice for the pair compared; the FAQ page; the landing page's example
readiness and quiz. Query counts do not grow with the catalogue."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from careers.models import FrequentQuestion, Role, SalaryBand, SeniorityLevel
from tests.factories import RequirementFactory, SkillFactory

pytestmark = pytest.mark.django_db

COMPARE = "/roles/compare/"


def row_targets(html: str, skill: str) -> list[str]:
    """The matrix row of a skill: its cells' target levels ("" where not required)."""
    row = re.search(rf'<tr data-skill="{skill}">(.*?)</tr>', html, re.DOTALL)
    assert row is not None, skill
    return re.findall(r'<td class="lvl[^"]*" data-target="(\d*)"', row.group(1))


def section(html: str, testid: str) -> str:
    found = re.search(rf'data-testid="{testid}">(.*?)</table>', html, re.DOTALL)
    assert found is not None, testid
    return found.group(1)


def salary_cells(html: str, level: str) -> list[list[str]]:
    row = re.search(
        rf'<tr data-level="{level}">(.*?)</tr>', section(html, "salary-matrix"), re.DOTALL
    )
    assert row is not None, level
    return [
        re.sub(r"<[^>]+>", " ", cell).split()
        for cell in re.findall(r"<td[^>]*>(.*?)</td>", row.group(1))
    ]


def test_the_matrix_aligns_skills_and_levels_across_both_roles(client, catalogue):
    html = client.get(COMPARE, {"roles": "ml-engineer,llm-engineer"}).content.decode()

    headers = re.findall(r'<th scope="colgroup" colspan="4"[^>]*>([^<]+)</th>', html)
    assert headers == ["ML Engineer", "LLM Engineer"]
    levels = re.findall(
        r'<th scope="col" class="level[^"]*" data-role="([^"]+)" data-level="([^"]+)"', html
    )
    assert levels == [
        (role, level)
        for role in ("ml-engineer", "llm-engineer")
        for level in ("junior", "mid", "senior", "staff-principal")
    ]
    # hand-checked from catalogue.toml: ML statistics [2,3,4,4], LLM statistics [1,1,2,2]
    assert row_targets(html, "statistics") == ["2", "3", "4", "4", "1", "1", "2", "2"]
    # RAG: LLM only [1,3,4,5]; ML does not require it at any level
    assert row_targets(html, "rag-architecture") == ["", "", "", "", "1", "3", "4", "5"]
    # PyTorch: ML only [2,3,4,5]
    assert row_targets(html, "pytorch") == ["2", "3", "4", "5", "", "", "", ""]
    # one row per skill either role requires: 14 ML + 15 LLM - 6 shared (Python, systems,
    # data pipelines, statistics, transformer concepts, communicating with teams)
    assert len(re.findall(r'<tr data-skill="', html)) == 23
    assert html.count("Every compared role needs it") == 6
    assert "Pathwise's own model</span> The source gives no levels or weights" in html


def test_a_role_without_the_lower_rungs_shows_no_rung(client, catalogue):
    html = client.get(COMPARE, {"roles": ["llm-engineer", "ai-architect"]}).content.decode()

    # the form's repeated ?roles= works as well as roles=a,b
    assert re.findall(r'<th scope="colgroup" colspan="4"[^>]*>([^<]+)</th>', html) == [
        "LLM Engineer",
        "AI Architect / AI Platform Engineer",
    ]
    # architect python-engineering [4,4] at senior and staff/principal only
    assert row_targets(html, "python-engineering") == ["2", "3", "4", "4", "", "", "4", "4"]
    assert row_targets(html, "ai-system-design") == ["", "", "", "", "", "", "4", "5"]
    row = re.search(r'<tr data-skill="ai-system-design">(.*?)</tr>', html, re.DOTALL)
    assert row is not None
    assert row.group(1).count("no rung") == 2


def test_salaries_per_level_say_no_data_and_name_the_source(client, catalogue):
    html = client.get(COMPARE, {"roles": "ml-engineer,llm-engineer"}).content.decode()

    assert salary_cells(html, "junior") == [["no", "data"], ["no", "data"]]
    assert salary_cells(html, "mid") == [["no", "data"], ["no", "data"]]
    assert salary_cells(html, "staff-principal") == [["no", "data"], ["no", "data"]]
    ml, llm = salary_cells(html, "senior")
    assert " ".join(ml).startswith("£100,000–£160,000+ Deep-tech companies £130,000–£180,000+")
    assert " ".join(llm) == "£120,000–£150,000 Well-funded AI product companies"
    assert "From the source article</span> Exactly the figures the source gives" in html
    assert "Where each figure comes from" in html
    assert html.count("Career Trajectory: &quot;Senior") == 2  # ML research-driven, LLM
    assert "000_3463d335c2a10f02.txt" in html


def test_the_architect_has_no_rung_below_senior_and_no_salary_data(client, catalogue):
    html = client.get(COMPARE, {"roles": "ml-engineer,ai-architect"}).content.decode()

    assert salary_cells(html, "junior") == [["no", "data"], ["no", "rung"]]
    assert salary_cells(html, "senior")[1] == ["no", "data"]


def test_the_advice_is_for_the_pair_compared(client, catalogue):
    ml_llm = client.get(COMPARE, {"roles": "ml-engineer,llm-engineer"}).content.decode()
    llm_arch = client.get(COMPARE, {"roles": "llm-engineer,ai-architect"}).content.decode()

    advice = re.search(r'<ul class="advice">(.*?)</ul>', ml_llm, re.DOTALL)
    assert advice is not None
    assert advice.group(1).count('data-origin="source"') == 4
    assert 'data-origin="pathwise"' not in advice.group(1)
    assert "Do you need to know both?" in advice.group(1)
    assert "Pathwise&#x27;s advice: target LLM Engineer now" not in ml_llm

    advice = re.search(r'<ul class="advice">(.*?)</ul>', llm_arch, re.DOTALL)
    assert advice is not None
    assert advice.group(1).count('data-origin="source"') == 1
    assert advice.group(1).count('data-origin="pathwise"') == 1
    assert (
        "Pathwise&#x27;s own model</span> Pathwise&#x27;s advice: target LLM Engineer now"
        in advice.group(1)
    )
    assert "Do you need to know both?" not in llm_arch


def test_compare_links_each_question_to_the_faq_page(client, catalogue):
    html = client.get(COMPARE).content.decode()

    assert "Frequently asked questions" in html
    assert '<a href="/faq/#faq-1">Which pays more?</a>' in html
    assert html.count('href="/faq/#faq-') == 5
    assert 'href="/which-role/"' in html


def test_the_faq_page_answers_from_the_source_and_explains_pathwise(client, catalogue):
    response = client.get("/faq/")
    html = response.content.decode()

    assert response.status_code == 200
    questions = re.findall(r'<dt id="faq-(\d)">([^<]+)</dt>', html)
    assert questions == [
        ("1", "Which pays more?"),
        ("2", "Which is harder to break into?"),
        ("3", "Do I need to know both?"),
        ("4", "What about RAG — is that LLM or ML engineering?"),
        ("5", "Which has more long-term demand?"),
    ]
    assert "At mid-levels the gap is smaller." in html
    assert "From the source article</span> The source article's own questions" in html
    assert "Pathwise's own model</span> How Pathwise works" in html
    assert "3 · Practitioner" in html
    assert "Backend engineering</strong> → LLM Engineer" in html


def test_the_landing_page_shows_an_example_readiness_and_the_quiz(client, catalogue):
    response = client.get("/")
    html = response.content.decode()

    assert response.status_code == 200
    assert "Move into AI" in html
    # careers/sample.py against LLM Engineer, junior (weights 3,3,3,2,3,2,3,2,3,2,1,1,1,2,2 =
    # 33): python 3>=2, systems 2, API 2 full (9); data pipelines 1>=1, transformers 1>=1,
    # RAG 1>=1 full (2+2+3); prompt engineering 1 of 2 (1.5): 17.5 / 33 = 53%
    assert '<p class="preview-score" data-testid="preview-score">53%</p>' in html
    assert "Example</span>" in html
    lines = re.findall(r'</span>([^<]+)\n\s*<progress max="(\d)" value="([\d.]+)"', html)
    # the weight-3 skills, largest gap first (evaluation unproven, prompt engineering at
    # half), then those met, by name
    assert lines == [
        ("Evaluation methods", "1", "0.0"),
        ("Prompt engineering", "2", "1.0"),
        ("API integration", "2", "2.0"),
        ("Python software engineering", "2", "3.0"),
        ("RAG architecture", "1", "1.0"),
        ("Systems engineering", "2", "2.0"),
    ]
    assert html.count('<span class="tag ok">met</span>') == 4
    assert "and 9 more skills" in html
    assert html.count("<fieldset") == 4
    assert 'action="/which-role/"' in html
    assert 'href="/accounts/signup/">Create your free account' in html
    assert 'href="/faq/"' in html


def test_signed_in_the_landing_page_is_the_dashboard(client, catalogue, learner):
    client.force_login(learner)

    assert client.get("/")["Location"] == "/dashboard/"


def grow_catalogue(n: int) -> None:
    """n more skills required by ML and LLM engineering, salary bands, FAQs."""
    ml, llm = Role.objects.get(slug="ml-engineer"), Role.objects.get(slug="llm-engineer")
    junior = SeniorityLevel.objects.get(slug="junior")
    for i in range(n):
        skill = SkillFactory.create()
        RequirementFactory.create(role=ml, level=junior, skill=skill)
        RequirementFactory.create(role=llm, level=junior, skill=skill)
        SalaryBand.objects.create(
            role=llm, level=junior, employer_kind=f"Kind {i}", min_gbp=1, max_gbp=2, source_note="x"
        )
        FrequentQuestion.objects.create(question=f"Question {i}?", answer="Yes.", position=10 + i)


@pytest.mark.parametrize(
    "url", [COMPARE, "/faq/", "/", "/roles/compare/?roles=llm-engineer,ai-architect"]
)
def test_query_counts_do_not_grow_with_the_catalogue(client, catalogue, url):
    counts = []
    for extra in (0, 12):
        grow_catalogue(extra)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(len(queries))

    assert counts[0] == counts[1], counts
