"""The skill-check API: start a check or a review, submit the answers once, read the history.
No answer key in any response before submission; the graded result after; the attempt limits
as 429 with Retry-After; another learner's check a 404 like a missing one."""

import json
import threading
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from fsrs import Rating
from rest_framework.test import APIClient

from assessments import services
from assessments.models import CheckItem, Choice, MemoryState, Question, SkillCheck
from careers.models import Skill
from tests.factories import SkillFactory, UserFactory
from tests.markers import row_locks
from tests.openapi_check import response_problems
from tracker.models import User

pytestmark = pytest.mark.django_db

CHECKS = "/api/v1/checks/"
REVIEWS = "/api/v1/reviews/"
PROBLEM = "application/problem+json"


def bank(skill: Skill, level: int = 2, singles: int = 4) -> list[Question]:
    """`singles` one-answer questions (choice a right) and one select-all (a and c right)."""
    questions = []
    for n in range(singles):
        question = Question.objects.create(
            skill=skill, level=level, text=f"Q{n}?", explanation=f"Because {n}."
        )
        Choice.objects.bulk_create(
            Choice(question=question, position=i, text=f"{'abc'[i]}{n}", is_correct=i == 0)
            for i in range(3)
        )
        questions.append(question)
    several = Question.objects.create(
        skill=skill, level=level, kind="multiple", text="Which apply?", explanation="Two do."
    )
    Choice.objects.bulk_create(
        Choice(question=several, position=i, text=f"m{'abcd'[i]}", is_correct=i in (0, 2))
        for i in range(4)
    )
    return [*questions, several]


def choice_ids(question: Question, right: bool) -> list[int]:
    return list(
        question.choices.filter(is_correct=right).order_by("position").values_list("pk", flat=True)
    )


def answers_for(check_id: int) -> list[dict[str, Any]]:
    """The right answers to every question of the check, in the API's shape."""
    items = CheckItem.objects.filter(skill_check_id=check_id).select_related("question")
    return [
        {"item": item.pk, "choices": choice_ids(item.question, right=True)}
        for item in items.order_by("position")
    ]


def keys(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield key
            yield from keys(value)
    elif isinstance(node, list):
        for value in node:
            yield from keys(value)


def assert_no_answer_key(response: Any) -> None:
    """Nothing in the raw JSON that tells a right answer from a wrong one, nor explains it."""
    text = response.content.decode()
    for word in ('"is_correct"', '"explanation"', '"correct"', '"correct_choices"', "Because"):
        assert word not in text, (word, text)
    found = {key for key in keys(response.json()) if "correct" in key or "explanation" in key}
    assert found == set(), found


def problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    return body


@pytest.fixture
def skill() -> Skill:
    return SkillFactory.create(slug="evaluation", name="Evaluation")


@pytest.fixture
def questions(skill: Skill) -> list[Question]:
    return bank(skill)  # 5 questions at level 2: a check draws all of them


@pytest.fixture
def me(learner: User, client_for: Callable[[User], APIClient]) -> APIClient:
    return client_for(learner)


# --- Starting --------------------------------------------------------------------------------


def test_a_new_check_is_201_with_its_questions_and_no_answer_key(me, learner, questions):
    response = me.post(CHECKS, {"skill": "evaluation", "level": 2}, format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    check = SkillCheck.objects.get(user=learner)
    assert response["Location"].endswith(f"/api/v1/checks/{check.pk}/")
    assert {k: body[k] for k in ("id", "skill", "level", "purpose", "state", "result")} == {
        "id": check.pk,
        "skill": "evaluation",
        "level": 2,
        "purpose": "verify",
        "state": "open",
        "result": None,
    }
    assert (body["question_count"], body["pass_mark"], body["submitted_at"]) == (5, 4, None)
    items = list(check.items.select_related("question").order_by("position"))
    assert [q["id"] for q in body["questions"]] == [item.pk for item in items]
    for shown, item in zip(body["questions"], items, strict=True):
        assert shown["text"] == item.question.text
        assert shown["kind"] == item.question.kind
        assert shown["choices"] == [
            {"id": c.pk, "text": c.text} for c in item.question.choices.order_by("position")
        ]
    assert_no_answer_key(response)


def test_starting_again_while_open_reopens_the_same_check_with_200(me, questions):
    first = me.post(CHECKS, {"skill": "evaluation", "level": 2}, format="json")

    again = me.post(CHECKS, {"skill": "evaluation", "level": 2}, format="json")

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert SkillCheck.objects.count() == 1
    assert_no_answer_key(again)


def test_no_read_shows_the_answer_key_before_submission(me, learner, skill, questions):
    started = me.post(CHECKS, {"skill": "evaluation", "level": 2}, format="json")
    rag = SkillFactory.create(slug="rag", name="RAG")
    bank(rag)
    services.memories_review(
        user_id=learner.pk,
        skill_levels={skill.pk: 2, rag.pk: 2},
        rating=Rating.Good,
        at=timezone.now(),
    )
    review = me.post(REVIEWS, {"skill": "rag"}, format="json")
    check_id = started.json()["id"]

    reads = [
        started,
        review,
        me.post(CHECKS, {"skill": "evaluation", "level": 2}, format="json"),  # reopened
        me.get(f"{CHECKS}{check_id}/"),
        me.get(f"{CHECKS}{review.json()['id']}/"),
        me.get(CHECKS),
        me.get(CHECKS, {"skill": "rag", "purpose": "review"}),
    ]

    assert [r.status_code for r in reads] == [201, 201, 200, 200, 200, 200, 200]
    for response in reads:
        assert_no_answer_key(response)
    assert me.get(CHECKS).json()["count"] == 2


def test_a_review_is_three_questions_of_a_skill_held(me, learner, skill, questions):
    refused = me.post(REVIEWS, {"skill": "evaluation"}, format="json")
    services.memories_review(
        user_id=learner.pk,
        skill_levels={skill.pk: 2},
        rating=Rating.Good,
        at=timezone.now(),
    )

    response = me.post(REVIEWS, {"skill": "evaluation"}, format="json")

    assert "nothing to review" in problem(refused, 422)["detail"]
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["purpose"], body["level"], body["question_count"], body["pass_mark"]) == (
        "review",
        2,
        3,
        2,
    )
    assert response["Location"].endswith(f"/api/v1/checks/{body['id']}/")
    assert me.post(REVIEWS, {"skill": "evaluation"}, format="json").status_code == 200


def test_one_attempt_per_skill_is_open_at_a_time(me, learner, skill, questions):
    """A second check of another level, or a review, would draw questions the open check holds
    and show their answers once submitted: refused until the open one is submitted."""
    bank(skill, level=3)
    services.memories_review(
        user_id=learner.pk, skill_levels={skill.pk: 2}, rating=Rating.Good, at=timezone.now()
    )
    open_check = me.post(CHECKS, {"skill": "evaluation", "level": 2}, format="json").json()

    other_level = me.post(CHECKS, {"skill": "evaluation", "level": 3}, format="json")
    review = me.post(REVIEWS, {"skill": "evaluation"}, format="json")

    assert (
        "still open: submit it first (it closes in 20 minutes)"
        in problem(other_level, 409)["detail"]
    )
    assert problem(review, 409)["detail"] == problem(other_level, 409)["detail"]
    assert SkillCheck.objects.filter(user=learner).count() == 1
    me.post(f"{CHECKS}{open_check['id']}/submit/", {"answers": []}, format="json")  # failed
    cooling = me.post(REVIEWS, {"skill": "evaluation"}, format="json")
    assert "you can try again in 30 minutes" in problem(cooling, 429)["detail"]


def test_bad_start_bodies(me, questions):
    unknown = me.post(CHECKS, {"skill": "alchemy", "level": 2}, format="json")
    too_high = me.post(CHECKS, {"skill": "evaluation", "level": 6}, format="json")
    as_text = me.post(CHECKS, {"skill": "evaluation", "level": "2"}, format="json")
    extra = me.post(CHECKS, {"skill": "evaluation", "level": 2, "user": 1}, format="json")
    no_bank = me.post(CHECKS, {"skill": "evaluation", "level": 3}, format="json")
    unknown_review = me.post(REVIEWS, {"skill": "alchemy"}, format="json")

    # A slug that names nothing is a field error, as for enrolments and skill claims.
    assert problem(unknown, 400)["errors"][0]["field"] == "skill"
    assert problem(unknown_review, 400)["errors"][0]["field"] == "skill"
    assert problem(too_high, 400)["errors"][0]["field"] == "level"
    assert problem(as_text, 400)["errors"][0]["field"] == "level"
    assert problem(extra, 400)["errors"][0]["field"] == "user"
    assert problem(no_bank, 422)["detail"] == "There is no check for Evaluation at level 3 yet."
    assert SkillCheck.objects.count() == 0


# --- Submitting ------------------------------------------------------------------------------


def test_submit_grades_on_the_server_and_shows_the_key_after(me, questions):
    check_id = me.post(CHECKS, {"skill": "evaluation", "level": 2}, format="json").json()["id"]
    items = list(
        CheckItem.objects.filter(skill_check_id=check_id)
        .select_related("question")
        .order_by("position")
    )
    by_question = {item.question_id: item for item in items}
    several = by_question[questions[-1].pk]
    wrong_single = by_question[questions[0].pk]
    answers = {item.pk: choice_ids(item.question, right=True) for item in items}
    answers[wrong_single.pk] = choice_ids(questions[0], right=False)[:1]  # b0: wrong
    del answers[by_question[questions[1].pk].pk]  # left out: unanswered, wrong

    response = me.post(
        f"{CHECKS}{check_id}/submit/",
        {"answers": [{"item": k, "choices": v} for k, v in answers.items()]},
        format="json",
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["state"], body["result"]["passed"], body["result"]["correct_count"]) == (
        "failed",
        False,
        3,  # 3 of 5: the pass mark is 4
    )
    assert body["result"]["expired"] is False
    results = {r["item"]: r for r in body["result"]["items"]}
    assert [r["item"] for r in body["result"]["items"]] == [item.pk for item in items]
    assert results[wrong_single.pk] == {
        "item": wrong_single.pk,
        "chosen": choice_ids(questions[0], right=False)[:1],
        "correct_choices": choice_ids(questions[0], right=True),
        "correct": False,
        "explanation": "Because 0.",
        "source_url": "",
    }
    assert results[by_question[questions[1].pk].pk]["chosen"] == []
    assert results[by_question[questions[1].pk].pk]["correct"] is False
    assert results[several.pk]["correct_choices"] == choice_ids(questions[-1], right=True)
    assert len(results[several.pk]["correct_choices"]) == 2
    assert results[several.pk]["correct"] is True
    assert results[several.pk]["explanation"] == "Two do."
    assert me.get(f"{CHECKS}{check_id}/").json() == body


def test_all_right_passes_and_submitting_again_changes_nothing(me, learner, questions):
    check_id = me.post(CHECKS, {"skill": "evaluation", "level": 2}, format="json").json()["id"]

    first = me.post(
        f"{CHECKS}{check_id}/submit/", {"answers": answers_for(check_id)}, format="json"
    )
    again = me.post(f"{CHECKS}{check_id}/submit/", {"answers": []}, format="json")

    assert (first.status_code, again.status_code) == (200, 200)
    assert first.json()["state"] == "passed"
    assert (first.json()["result"]["correct_count"], first.json()["result"]["passed"]) == (5, True)
    assert again.json() == first.json()
    assert MemoryState.objects.get(user=learner).reviews == 1  # recorded once
    listed = me.get(CHECKS).json()["results"]
    assert [(c["id"], c["state"], c["result"]) for c in listed] == [
        (check_id, "passed", {"passed": True, "correct_count": 5, "expired": False})
    ]
    assert "explanation" not in json.dumps(listed)  # the history is the summary


def test_a_four_of_five_pass_with_a_select_all_answered_in_part(me, questions):
    check_id = me.post(CHECKS, {"skill": "evaluation", "level": 2}, format="json").json()["id"]
    answers = answers_for(check_id)
    several = CheckItem.objects.get(skill_check_id=check_id, question=questions[-1])
    for answer in answers:
        if answer["item"] == several.pk:
            answer["choices"] = answer["choices"][:1]  # one of its two right choices

    body = me.post(f"{CHECKS}{check_id}/submit/", {"answers": answers}, format="json").json()

    assert (body["state"], body["result"]["correct_count"]) == ("passed", 4)
    marked = {r["item"]: r["correct"] for r in body["result"]["items"]}
    assert marked[several.pk] is False
    assert sum(marked.values()) == 4


def test_an_expired_check_is_a_409_and_stored_as_failed(me, learner, skill, questions):
    long_ago = timezone.now() - services.TIME_LIMIT - timedelta(minutes=1)
    check = services.skill_check_start(user=learner, skill=skill, level=2, now=long_ago)
    before = me.get(f"{CHECKS}{check.pk}/")

    late = me.post(f"{CHECKS}{check.pk}/submit/", {"answers": answers_for(check.pk)}, format="json")
    again = me.post(f"{CHECKS}{check.pk}/submit/", {"answers": []}, format="json")
    after = me.get(f"{CHECKS}{check.pk}/").json()

    assert (before.json()["state"], before.json()["result"]) == ("expired", None)
    assert_no_answer_key(before)
    assert problem(late, 409)["detail"] == "The time for this check ran out."
    assert problem(again, 409)["detail"] == "The time for this check ran out."
    assert after["state"] == "expired"
    assert after["submitted_at"] is not None
    assert {k: v for k, v in after["result"].items() if k != "items"} == {
        "passed": False,
        "correct_count": 0,
        "expired": True,
    }
    assert all(r["correct"] is None and r["chosen"] == [] for r in after["result"]["items"])
    check.refresh_from_db()
    assert (check.passed, check.correct_count) == (False, 0)


def test_answers_that_are_not_of_the_check_are_422_and_change_nothing(me, skill, questions):
    check_id = me.post(CHECKS, {"skill": "evaluation", "level": 2}, format="json").json()["id"]
    answers = answers_for(check_id)
    other_question = bank(SkillFactory.create(), singles=1)[0]
    stranger_choice = [{**answers[0], "choices": choice_ids(other_question, right=True)}]
    other_check_item = max(CheckItem.objects.values_list("pk", flat=True)) + 1

    foreign = me.post(
        f"{CHECKS}{check_id}/submit/", {"answers": stranger_choice + answers[1:]}, format="json"
    )
    missing_item = me.post(
        f"{CHECKS}{check_id}/submit/",
        {"answers": [*answers, {"item": other_check_item, "choices": []}]},
        format="json",
    )
    twice = me.post(
        f"{CHECKS}{check_id}/submit/", {"answers": [*answers, answers[0]]}, format="json"
    )
    malformed = me.post(
        f"{CHECKS}{check_id}/submit/", {"answers": [{"item": "1", "choices": [1]}]}, format="json"
    )

    assert "another question" in problem(foreign, 422)["detail"]
    assert problem(missing_item, 422)["detail"] == f"This check has no question {other_check_item}."
    assert problem(twice, 400)["errors"][0]["field"] == "answers"
    assert problem(malformed, 400)["errors"][0]["field"] == "answers.0.item"
    check = SkillCheck.objects.get(pk=check_id)
    assert (check.submitted_at, check.passed) == (None, None)
    assert me.get(f"{CHECKS}{check_id}/").json()["state"] == "open"


# --- Attempt limits: 429 with Retry-After ----------------------------------------------------


def test_the_cooldown_after_a_failed_check_is_a_429_with_retry_after(
    client_for, learner, skill, questions
):
    now = timezone.now().replace(microsecond=0)
    failed = services.skill_check_start(
        user=learner, skill=skill, level=2, now=now - timedelta(minutes=10)
    )
    services.skill_check_submit(check=failed, answers={}, now=now - timedelta(minutes=5))
    with pytest.raises(ValidationError) as refused:
        services.skill_check_start(user=learner, skill=skill, level=2, now=now)

    with time_machine.travel(now, tick=False):
        response = client_for(learner).post(
            CHECKS, {"skill": "evaluation", "level": 2}, format="json"
        )

    assert refused.value.code == "cooldown"
    assert problem(response, 429)["detail"] == refused.value.messages[0]
    assert response["Retry-After"] == str(25 * 60)  # failed 5 minutes ago; 30 to wait
    assert SkillCheck.objects.count() == 1


def test_the_daily_limit_is_a_429_until_the_first_attempt_is_a_day_old(
    client_for, learner, skill, questions
):
    now = timezone.now().replace(microsecond=0)
    for hours in (5, 3, 1):  # three passed attempts: no cooldown, the daily limit
        at = now - timedelta(hours=hours)
        check = services.skill_check_start(user=learner, skill=skill, level=2, now=at)
        right = {a["item"]: a["choices"] for a in answers_for(check.pk)}
        assert services.skill_check_submit(check=check, answers=right, now=at).passed
    with pytest.raises(ValidationError) as refused:
        services.skill_check_start(user=learner, skill=skill, level=2, now=now)

    with time_machine.travel(now, tick=False):
        client = client_for(learner)
        check_limited = client.post(CHECKS, {"skill": "evaluation", "level": 2}, format="json")
        review_limited = client.post(REVIEWS, {"skill": "evaluation"}, format="json")

    assert refused.value.code == "daily_limit"
    assert problem(check_limited, 429)["detail"] == refused.value.messages[0]
    assert check_limited["Retry-After"] == str(19 * 3600)  # the first, 5 hours ago, + 24
    assert problem(review_limited, 429)["detail"] == refused.value.messages[0]
    assert review_limited["Retry-After"] == str(19 * 3600)
    assert SkillCheck.objects.count() == services.DAILY_LIMIT


# --- Whose checks --------------------------------------------------------------------------


def test_another_learners_check_is_a_404_like_a_missing_one(client_for, learner, skill, questions):
    check = services.skill_check_start(user=learner, skill=skill, level=2)
    other = client_for(UserFactory.create())
    missing = check.pk + 1000

    retrieve = other.get(f"{CHECKS}{check.pk}/")
    submit = other.post(
        f"{CHECKS}{check.pk}/submit/", {"answers": answers_for(check.pk)}, format="json"
    )

    assert problem(retrieve, 404) == problem(other.get(f"{CHECKS}{missing}/"), 404)
    assert problem(submit, 404) == problem(
        other.post(f"{CHECKS}{missing}/submit/", {"answers": []}, format="json"), 404
    )
    assert other.get(CHECKS).json() == {"count": 0, "next": None, "previous": None, "results": []}
    check.refresh_from_db()
    assert check.submitted_at is None


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", CHECKS),
        ("get", f"{CHECKS}1/"),
        ("post", CHECKS),
        ("post", f"{CHECKS}1/submit/"),
        ("post", REVIEWS),
    ],
)
def test_signed_out_is_401(api, method, url):
    response = getattr(api, method)(url, {}, format="json")

    problem(response, 401)
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_the_history_filters_by_skill_and_purpose(me, learner, skill, questions):
    other_skill = SkillFactory.create(slug="rag")
    bank(other_skill)
    check = services.skill_check_start(user=learner, skill=skill, level=2)
    elsewhere = services.skill_check_start(user=learner, skill=other_skill, level=2)
    right = {a["item"]: a["choices"] for a in answers_for(check.pk)}
    services.skill_check_submit(check=check, answers=right)  # passed: the skill is held
    review = services.review_start(user=learner, skill=skill)

    def ids(**params: str) -> list[int]:
        response = me.get(CHECKS, params)
        assert response.status_code == 200, response.content
        return [c["id"] for c in response.json()["results"]]

    assert ids() == [review.pk, elsewhere.pk, check.pk]  # newest first
    assert ids(skill="evaluation") == [review.pk, check.pk]
    assert ids(purpose="verify") == [elsewhere.pk, check.pk]
    assert ids(skill="evaluation", purpose="review") == [review.pk]
    assert problem(me.get(CHECKS, {"skill": "alchemy"}), 400)["errors"][0]["field"] == "skill"
    assert problem(me.get(CHECKS, {"purpose": "exam"}), 400)["errors"][0]["field"] == "purpose"


# --- Query counts ----------------------------------------------------------------------------


def checks_of(user: User, count: int) -> list[SkillCheck]:
    """`count` checks of the user straight in the database (no attempt limits), every other
    one graded, each with the 5 questions of a fresh skill's bank."""
    made = []
    now = timezone.now()
    for n in range(count):
        skill = SkillFactory.create()
        drawn = bank(skill)
        check = SkillCheck.objects.create(
            user=user,
            skill=skill,
            level=2,
            started_at=now - timedelta(minutes=n),
            expires_at=now + timedelta(minutes=20 - n),
            submitted_at=now if n % 2 else None,
            passed=True if n % 2 else None,
            correct_count=5 if n % 2 else None,
        )
        CheckItem.objects.bulk_create(
            CheckItem(skill_check=check, question=q, position=i, correct=bool(n % 2))
            for i, q in enumerate(drawn, 1)
        )
        made.append(check)
    return made


def queries_of(client: APIClient, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(queries)


def test_query_counts_do_not_grow_with_the_history(client_for):
    few, many = UserFactory.create(), UserFactory.create()
    few_checks, many_checks = checks_of(few, 2), checks_of(many, 20)
    few_api, many_api = client_for(few), client_for(many)

    assert queries_of(few_api, CHECKS) == queries_of(many_api, f"{CHECKS}?page_size=100")
    assert len(many_api.get(f"{CHECKS}?page_size=100").json()["results"]) == 20
    # A detail reads the same whatever its state: open (few_checks[0]) or graded ([1]).
    open_reads = queries_of(few_api, f"{CHECKS}{few_checks[0].pk}/")
    graded_reads = queries_of(few_api, f"{CHECKS}{few_checks[1].pk}/")
    assert open_reads == graded_reads == queries_of(many_api, f"{CHECKS}{many_checks[3].pk}/")


# --- Concurrency -----------------------------------------------------------------------------


@row_locks
@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_record_one_result(client_for):
    learner = UserFactory.create()
    skill = SkillFactory.create(slug="evaluation", name="Evaluation")
    bank(skill)
    check = services.skill_check_start(user=learner, skill=skill, level=2)
    right = answers_for(check.pk)
    bodies = [{"answers": right}, {"answers": []}, {"answers": right}, {"answers": []}]
    clients = [client_for(learner) for _ in bodies]
    start = threading.Barrier(len(clients))
    answered: list[tuple[int, Any]] = []

    def submit(client: APIClient, body: dict[str, Any]) -> None:
        start.wait()
        response = client.post(f"{CHECKS}{check.pk}/submit/", body, format="json")
        answered.append((response.status_code, response.json()))
        connection.close()

    threads = [
        threading.Thread(target=submit, args=pair) for pair in zip(clients, bodies, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert [status for status, _ in answered] == [200] * 4
    assert all(body == answered[0][1] for _, body in answered)  # one result, seen by all
    stored = SkillCheck.objects.get(pk=check.pk)
    assert answered[0][1]["submitted_at"] is not None
    assert stored.passed is answered[0][1]["result"]["passed"]
    memories = MemoryState.objects.filter(user=learner).values_list("reviews", flat=True)
    assert list(memories) == ([1] if stored.passed else [])


# --- The schema --------------------------------------------------------------------------------


def test_real_answers_are_the_ones_the_schema_documents(client_for, learner, skill, questions):
    """Each status and body as documented (tests/openapi_check.py), the key-less open check,
    the graded one, the history, and the problems (409, 422, 429 with Retry-After)."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    me = client_for(learner)
    seen: list[tuple[str, str, int]] = []

    def documented(template: str, method: str, response: Any) -> None:
        media_type = response["Content-Type"].split(";")[0]
        found = response_problems(
            schema, template, method, response.status_code, media_type, response.json()
        )
        assert found == [], (template, method, response.status_code, found)
        headers = schema["paths"][template][method]["responses"][str(response.status_code)]
        for header in headers.get("headers", {}):
            if header in ("Retry-After", "Location"):
                assert header in response, (template, response.status_code, header)
        seen.append((method, template, response.status_code))

    created = me.post(CHECKS, {"skill": "evaluation", "level": 2}, format="json")
    check_id = created.json()["id"]
    documented(CHECKS, "post", created)
    documented(CHECKS, "post", me.post(CHECKS, {"skill": "evaluation", "level": 2}, format="json"))
    other_level = me.post(CHECKS, {"skill": "evaluation", "level": 4}, format="json")
    documented(CHECKS, "post", other_level)  # 409: the level 2 check is still open
    detail = f"{CHECKS}{{id}}/"
    documented(detail, "get", me.get(f"{CHECKS}{check_id}/"))
    documented(detail, "get", me.get(f"{CHECKS}{10**30}/"))  # past any id: a 404, not a crash
    documented(CHECKS, "get", me.get(CHECKS))
    submit = f"{CHECKS}{{id}}/submit/"
    url = f"{CHECKS}{check_id}/submit/"
    bad_item = {"answers": [{"item": 0, "choices": []}]}  # ids start at 1: a 400
    documented(submit, "post", me.post(url, bad_item, format="json"))
    documented(
        submit, "post", me.post(url, {"answers": [{"item": 10**6, "choices": []}]}, format="json")
    )
    documented(submit, "post", me.post(url, {"answers": []}, format="json"))  # failed: 0 right
    documented(detail, "get", me.get(f"{CHECKS}{check_id}/"))
    documented(CHECKS, "get", me.get(CHECKS))
    restart = me.post(CHECKS, {"skill": "evaluation", "level": 2}, format="json")
    documented(CHECKS, "post", restart)
    documented(REVIEWS, "post", me.post(REVIEWS, {"skill": "evaluation"}, format="json"))
    expired = services.skill_check_start(
        user=UserFactory.create(),
        skill=skill,
        level=2,
        now=timezone.now() - services.TIME_LIMIT - timedelta(seconds=1),
    )
    SkillCheck.objects.filter(pk=expired.pk).update(user=learner)
    late = me.post(f"{CHECKS}{expired.pk}/submit/", {"answers": []}, format="json")
    documented(submit, "post", late)

    assert [(method, status) for method, _, status in seen] == [
        ("post", 201),
        ("post", 200),
        ("post", 409),
        ("get", 200),
        ("get", 404),
        ("get", 200),
        ("post", 400),
        ("post", 422),
        ("post", 200),
        ("get", 200),
        ("get", 200),
        ("post", 429),  # failed just now: the cooldown
        ("post", 422),  # nothing to review: no memory after a failure
        ("post", 409),
    ]
