"""The colour-scheme switch (a cookie read on the server, works without JavaScript), HTML
compressed when the client accepts gzip, and money and dates in the active locale."""

import gzip
from datetime import date

import pytest
from django.test import Client
from django.utils import translation

from config.templatetags.pathwise import gbp, longdate

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
