"""Staff and curators reach the admin only from a session signed in with a second factor."""

import pytest
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.urls import reverse
from django.utils.http import urlencode

from careers.models import Role
from paths.catalogue import catalogue_load
from tests.factories import UserFactory

pytestmark = pytest.mark.reliability("Security")

ADMIN = reverse("admin:index")
ROLES = reverse("admin:careers_role_changelist")
PASSWORD = UserFactory.password


def current_code(secret: str) -> str:
    counters = list(yield_hotp_counters_from_time())
    counter = counters[len(counters) // 2]  # this period's, between any tolerated neighbours
    return format_hotp_value(hotp_value(secret, counter))


@pytest.fixture
def totp_secret(curator) -> str:
    secret = generate_totp_secret()
    TOTP.activate(curator, secret)
    return secret


def sign_in_with_password(client, user) -> str:
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return str(response["Location"])


def test_curator_signs_in_with_password_and_code_then_reaches_the_admin(
    client, curator, totp_secret
):
    """A curator with TOTP: password, then the code, then the admin."""
    assert sign_in_with_password(client, curator) == reverse("mfa_authenticate")
    assert client.get(ADMIN).status_code == 302  # the password alone signs nobody in

    wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert wrong.status_code == 200
    assert "Incorrect code" in wrong.content.decode()
    assert client.get(ADMIN).status_code == 302

    client.post(reverse("mfa_authenticate"), {"code": current_code(totp_secret)})

    assert client.get(ADMIN).status_code == 200
    assert client.get(ROLES).status_code == 200


def test_staff_without_a_second_factor_is_sent_to_set_one_up(client, curator):
    """Staff without MFA: the admin is closed and sends them to set up an authenticator."""
    catalogue_load()
    assert sign_in_with_password(client, curator) == reverse("dashboard")

    response = client.get(ROLES, follow=True)

    visited = [url for url, _ in response.redirect_chain]
    activate = reverse("mfa_activate_totp")
    # allauth asks for the password again before an authenticator is added
    assert visited[-2:] == [
        activate,
        f"{reverse('account_reauthenticate')}?{urlencode({'next': activate})}",
    ]
    assert "Set up an authenticator app to use the admin." in response.content.decode()
    role = Role.objects.first()
    assert role is not None
    change = client.post(reverse("admin:careers_role_change", args=[role.pk]), {"name": "Hacked"})
    assert change.status_code == 302
    assert Role.objects.get(pk=role.pk).name == role.name


@pytest.mark.django_db(transaction=True)  # allauth signals the new authenticator on commit
def test_staff_setting_up_a_second_factor_end_in_the_admin(client):
    """Password, the password again, a code from the new app, the recovery codes: and from
    there a link into the admin, which opens without asking for another code."""
    staff = UserFactory.create(is_staff=True)  # (no group: a flush may have taken it)
    sign_in_with_password(client, staff)
    client.get(ROLES, follow=True)  # sent to set up an authenticator, via the password again
    activate = reverse("mfa_activate_totp")
    reauthenticated = client.post(
        f"{reverse('account_reauthenticate')}?{urlencode({'next': activate})}",
        {"password": PASSWORD},
    )
    assert reauthenticated["Location"] == activate
    secret = client.get(activate).context["form"].secret

    activated = client.post(activate, {"code": current_code(secret)})
    codes = client.get(activated["Location"])

    assert activated["Location"] == reverse("mfa_view_recovery_codes")
    assert codes.status_code == 200
    html = codes.content.decode()
    assert f'href="{ADMIN}"' in html
    assert "I have saved my codes: continue to the admin" in html
    assert client.get(ADMIN).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_a_learner_setting_up_a_second_factor_continues_to_the_dashboard(client, learner):
    sign_in_with_password(client, learner)
    activate = reverse("mfa_activate_totp")
    client.post(
        f"{reverse('account_reauthenticate')}?{urlencode({'next': activate})}",
        {"password": PASSWORD},
    )
    secret = client.get(activate).context["form"].secret

    activated = client.post(activate, {"code": current_code(secret)})
    html = client.get(activated["Location"]).content.decode()

    assert f'href="{reverse("dashboard")}"' in html
    assert "continue to the admin" not in html
    assert client.get(ADMIN).status_code == 302


def test_a_session_older_than_the_second_factor_must_use_it(client, curator, totp_secret):
    """Staff with MFA whose session did not use it: asked for a code before the admin."""
    client.force_login(curator)  # e.g. signed in before TOTP was activated

    response = client.get(ROLES)
    assert response.status_code == 302
    login_redirect = client.get(response["Location"])
    assert (
        login_redirect["Location"]
        == f"{reverse('mfa_reauthenticate')}?next=%2Fadmin%2Fcareers%2Frole%2F"
    )

    client.post(login_redirect["Location"], {"code": current_code(totp_secret)})

    assert client.get(ROLES).status_code == 200


def test_learners_never_reach_the_admin_even_with_a_second_factor(client, db):
    """A learner with TOTP used: still no admin."""
    learner = UserFactory.create()
    secret = generate_totp_secret()
    TOTP.activate(learner, secret)
    sign_in_with_password(client, learner)
    client.post(reverse("mfa_authenticate"), {"code": current_code(secret)})

    assert client.get(ADMIN).status_code == 302
    assert client.get(reverse("admin:login")).status_code == 403
