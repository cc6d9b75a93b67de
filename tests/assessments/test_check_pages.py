"""The skill-check pages: start, answer and see the result without JavaScript; no answer key
in the page before submission; another learner's check is a 404; a refused start is a form
error; the pages' queries do not grow with the check."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from assessments.models import SkillCheck
from tests.assessments.test_checks import bank
from tests.factories import SkillFactory, UserFactory
from tests.web.clients import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def started():
    skill = SkillFactory.create(slug="evaluation", name="Evaluation")
    questions = bank(skill)
    learner = UserFactory.create()
    client = signed_in(learner)
    response = client.post("/skills/evaluation/check/2/")
    check = SkillCheck.objects.get(user=learner)
    return client, check, questions, response


def test_starting_opens_the_check_without_its_answer_key(started):
    client, check, _questions, response = started

    page = client.get(f"/checks/{check.pk}/")

    html = page.content.decode()
    assert response["Location"] == f"/checks/{check.pk}/"
    assert page.status_code == 200
    assert html.count('type="radio"') + html.count('type="checkbox"') == sum(
        item.question.choices.count() for item in check.items.all()
    )
    for item in check.items.all():
        assert item.question.text in html
        assert item.question.explanation not in html  # shown only after submission
    assert "(correct)" not in html


def test_submitting_the_right_answers_shows_the_pass_and_the_explanations(started):
    client, check, _questions, _response = started
    answers = {
        f"item-{item.pk}": [
            str(pk)
            for pk in item.question.choices.filter(is_correct=True).values_list("pk", flat=True)
        ]
        for item in check.items.all()
    }

    submitted = client.post(f"/checks/{check.pk}/", answers)
    result = client.get(f"/checks/{check.pk}/").content.decode()

    assert submitted.status_code == 302
    check.refresh_from_db()
    assert (check.correct_count, check.passed) == (5, True)
    assert "Passed" in result
    assert "5 of 5 right." in result
    assert all(item.question.explanation in result for item in check.items.all())


def test_another_learners_check_is_404_and_a_refused_start_is_a_form_error(started):
    _client, check, _questions, _response = started
    other = signed_in(UserFactory.create())

    anonymous = Client().get(f"/checks/{check.pk}/")
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/accounts/login/")
    assert other.get(f"/checks/{check.pk}/").status_code == 404
    assert other.post(f"/checks/{check.pk}/", {}).status_code == 404
    check.refresh_from_db()
    assert check.submitted_at is None
    refused = other.post("/skills/evaluation/check/4/")  # no questions at level 4
    assert refused.status_code == 422
    assert "There is no check for Evaluation at level 4 yet." in refused.content.decode()
    assert SkillCheck.objects.count() == 1


def test_the_check_page_reads_a_fixed_number_of_queries(started):
    """Questions and choices are prefetched: the open page and the result page (five items,
    each with its choices) read the same few queries."""
    client, check, _questions, _response = started

    with CaptureQueriesContext(connection) as open_page:
        client.get(f"/checks/{check.pk}/")
    client.post(f"/checks/{check.pk}/", {})
    with CaptureQueriesContext(connection) as result_page:
        client.get(f"/checks/{check.pk}/")

    assert len(open_page) == len(result_page) <= 8
