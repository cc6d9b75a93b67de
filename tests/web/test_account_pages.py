"""The account pages and emails are Pathwise's: branded pages with links between them, emails
that name Pathwise (never the host the request came in on), and a refused password's reasons
under the password field."""

import re

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

HOST = "127.0.0.1:8102"


def test_sign_up_page_is_branded_and_links_to_log_in():
    page = Client().get("/accounts/signup/").content.decode()

    assert "Create your Pathwise account" in page
    assert 'class="auth-brand"' in page
    assert 'href="/accounts/login/"' in page
    assert '<label for="id_email">' in page  # labelled, not placeholders only
    assert "/static/css/account.css" in page


@pytest.mark.parametrize(
    ("url", "heading", "links"),
    [
        (
            "/accounts/login/",
            "Log in to Pathwise",
            ["/accounts/password/reset/", "/accounts/signup/"],
        ),
        (
            "/accounts/password/reset/",
            "Reset your password",
            ["/accounts/login/", "/accounts/signup/"],
        ),
    ],
)
def test_entrance_pages_are_branded_and_linked(url, heading, links):
    page = Client().get(url).content.decode()

    assert f"<h1>{heading}</h1>" in page
    assert "· Pathwise</title>" in page
    for link in links:
        assert f'href="{link}"' in page


def test_a_refused_password_is_explained_under_the_password_field():
    response = Client().post(
        "/accounts/signup/", {"email": "short@example.com", "password1": "abc"}
    )

    assert response.status_code == 422
    page = response.content.decode()
    errors = response.context["form"].errors["password1"]
    assert errors
    before, after = page.split('name="password1"', 1)
    after_input = after.split("<label", 1)[0]
    for message in errors:
        assert message.replace("'", "&#x27;") in after_input or message in after_input
    # and not above the field, as allauth's stock form puts them
    assert 'class="errorlist"' not in before.rsplit("<form", 1)[1]
    assert re.search(r'name="password1"[^>]*aria-invalid="true"', page)


def test_the_verification_email_and_page_say_pathwise_not_the_host():
    client = Client(HTTP_HOST=HOST)

    response = client.post(
        "/accounts/signup/", {"email": "ada@example.com", "password1": "correct horse battery"}
    )
    page = client.get(response["Location"]).content.decode()

    (message,) = mail.outbox
    subject, body = str(message.subject), str(message.body)
    assert subject == "Pathwise: Confirm your email address"
    assert "Hello from Pathwise" in body
    assert re.search(r"^[A-Z0-9]{4}-[A-Z0-9]{4}$", body, re.MULTILINE)
    assert HOST not in subject + body  # not the host it was asked on
    assert body.rstrip().endswith(f"Learning paths into AI careers: {settings.PATHWISE_BASE_URL}")
    assert "Confirm your email address" in page
    assert "<strong>ada@example.com</strong>" in page
    assert "No email? Check your spam folder" in page
    assert 'for="id_code"' in page


def test_the_password_reset_email_is_branded(catalogue):
    user = UserFactory.create()
    client = Client(HTTP_HOST=HOST)

    response = client.post("/accounts/password/reset/", {"email": user.email})
    page = client.get(response["Location"]).content.decode()

    (message,) = mail.outbox
    subject, body = str(message.subject), str(message.body)
    assert subject == "Pathwise: Your password reset code"
    assert "Pathwise account" in body
    assert HOST not in subject + body
    assert "Enter your password reset code" in page


def test_the_taken_address_email_is_branded_too():
    UserFactory.create(email="taken@example.com")

    Client(HTTP_HOST=HOST).post(
        "/accounts/signup/", {"email": "taken@example.com", "password1": "correct horse battery"}
    )

    (message,) = mail.outbox
    subject, body = str(message.subject), str(message.body)
    assert subject == "Pathwise: You already have an account"
    assert "Someone tried to sign up for Pathwise with taken@example.com" in body
    assert HOST not in subject
    assert "Hello from Pathwise" in body
