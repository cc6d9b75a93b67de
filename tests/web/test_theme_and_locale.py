"""The colour-scheme switch (a cookie read on the server, works without JavaScript), HTML
compressed when the client accepts gzip, money and dates in the active locale, and dates in the
learner's own time zone."""

import gzip
from datetime import UTC, date, datetime

import pytest
from django.test import Client
from django.utils import translation

from config.templatetags.pathwise import gbp, longdate
from tests.factories import UserFactory, published_path
from tests.web.clients import signed_in
from tracker.models import Enrolment
from tracker.services import enrolment_create, learner_profile_update

pytestmark = pytest.mark.django_db


def test_the_switch_sets_the_scheme_and_returns_to_the_page():
    client = Client()
    assert 'data-theme="system"' in client.get("/roles/").text

    response = client.post("/theme/", {"theme": "dark", "next": "/roles/"})

    assert response.status_code == 302
    assert response["Location"] == "/roles/"
    page = client.get("/roles/").text
    assert 'data-theme="dark"' in page
    assert 'name="theme" value="system"' in page  # the next press goes dark -> system


def test_the_switch_refuses_other_sites_and_unknown_schemes():
    client = Client()

    response = client.post("/theme/", {"theme": "neon", "next": "https://evil.example/"})

    assert response["Location"] == "/"
    assert "theme" not in response.cookies
    assert 'data-theme="system"' in client.get("/roles/").text


def test_html_is_compressed_and_the_api_is_not():
    client = Client()

    page = client.get("/roles/", HTTP_ACCEPT_ENCODING="gzip")
    api = client.get("/api/v1/roles/", HTTP_ACCEPT_ENCODING="gzip")

    assert page["Content-Encoding"] == "gzip"
    assert b"AI career roles" in gzip.decompress(page.content)
    assert "Content-Encoding" not in api


def test_money_and_dates_follow_the_locale():
    assert gbp(180000) == "£180,000"
    assert longdate(date(2027, 3, 1)) == "1 March 2027"
    with translation.override("de"):
        assert gbp(180000) == "180.000\xa0£"
        assert longdate(date(2027, 3, 1)) == "1. März 2027"


@pytest.mark.parametrize(
    ("zone", "shown"), [("Europe/London", "30 November"), ("Asia/Tokyo", "1 December")]
)
def test_pages_show_dates_in_the_learners_own_time_zone(zone, shown):
    learner = UserFactory.create()
    learner_profile_update(user=learner, timezone=zone)
    enrolment = enrolment_create(user=learner, path=published_path())
    evening = datetime(2026, 11, 30, 20, 0, tzinfo=UTC)  # already 1 December in Tokyo
    Enrolment.objects.filter(pk=enrolment.pk).update(enrolled_at=evening)

    page = signed_in(learner).get(f"/enrolments/{enrolment.pk}/").content.decode()

    assert f"enrolled {shown} 2026" in page
