"""Invites: sent once by email, single-use, expiring, for one address; joining is the learner's
choice, through the page or the API."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from teams.invites import InviteRefused, invite_email_send, invite_url
from teams.models import Invite, Membership
from teams.services import INVITE_LIFETIME, invite_accept, invites_send
from teams.tasks import send_unsent_invites
from tests.factories import UserFactory
from tests.web.clients import signed_in

pytestmark = pytest.mark.django_db


def _link(body: object) -> str:
    match = re.search(r"http\S+/teams/invites/\S+/", str(body))
    assert match, body
    return urlsplit(match.group(0)).path


def test_an_invite_is_emailed_once_with_a_working_link(
    cohort, send_now, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invited = invites_send(cohort=cohort, emails=["Ada@Example.com ", "ada@example.com"])

    (invite,) = Invite.objects.filter(cohort=cohort)
    assert invited == 1
    assert invite.email == "ada@example.com"
    (message,) = mail.outbox
    assert message.to == ["ada@example.com"]
    assert message.subject == "lead@example.com invites you to Spring bootcamp on Pathwise"
    assert urlsplit(invite_url(invite)).path == _link(message.body)
    assert "never fewer than five learners" in message.body
    # A redelivered task sends nothing twice.
    assert invite_email_send(invite_id=invite.pk) is False
    assert len(mail.outbox) == 1


def test_accepting_joins_once_and_the_link_is_then_used(
    cohort, send_now, django_capture_on_commit_callbacks
):
    ada = UserFactory.create(email="ada@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        invites_send(cohort=cohort, emails=["ada@example.com"])
    link = _link(mail.outbox[0].body)
    page = signed_in(ada)

    shown = page.get(link)
    joined = page.post(link)
    again = page.post(link)

    assert shown.status_code == 200
    assert "Join the cohort" in shown.content.decode()
    assert joined.status_code == 302
    assert Membership.objects.filter(cohort=cohort, user=ada, shares_detail=False).count() == 1
    assert again.status_code == 422
    assert "This invite has already been used." in again.content.decode()
    assert Membership.objects.filter(cohort=cohort).count() == 1


def test_an_expired_invite_is_refused(cohort, send_now, django_capture_on_commit_callbacks):
    ada = UserFactory.create(email="ada@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        invites_send(cohort=cohort, emails=["ada@example.com"])
    link = _link(mail.outbox[0].body)

    with time_machine.travel(timezone.now() + INVITE_LIFETIME + timedelta(minutes=1)):
        shown = signed_in(ada).get(link)
        refused = signed_in(ada).post(link)

    assert "This invite has expired" in shown.content.decode()
    assert "Join the cohort" not in shown.content.decode()
    assert refused.status_code == 422
    assert not Membership.objects.exists()


def test_another_account_cannot_use_the_invite(
    cohort, send_now, django_capture_on_commit_callbacks
):
    UserFactory.create(email="ada@example.com")
    grace = UserFactory.create(email="grace@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        invites_send(cohort=cohort, emails=["ada@example.com"])
    link = _link(mail.outbox[0].body)

    refused = signed_in(grace).post(link)

    assert refused.status_code == 422
    assert "This invite is for another email address" in refused.content.decode()
    assert not Membership.objects.exists()
    assert Invite.objects.get().accepted_at is None  # still usable by Ada


def test_a_forged_or_withdrawn_link_is_404(cohort, send_now, django_capture_on_commit_callbacks):
    ada = UserFactory.create(email="ada@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        invites_send(cohort=cohort, emails=["ada@example.com"])
    link = _link(mail.outbox[0].body)
    forged = link.rsplit("/", 2)[0] + "/" + "0" * 64 + "/"
    lead = signed_in(cohort.lead)

    assert signed_in(ada).get(forged).status_code == 404
    lead.post(f"/teams/{cohort.pk}/invites/{Invite.objects.get().pk}/revoke/")
    assert signed_in(ada).get(link).status_code == 404
    assert signed_in(ada).post(link).status_code == 404
    assert not Membership.objects.exists()


def test_signing_in_is_needed_to_see_an_invite(
    cohort, send_now, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invites_send(cohort=cohort, emails=["ada@example.com"])
    link = _link(mail.outbox[0].body)

    anonymous = Client().get(link)

    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/accounts/login/?next=")


def test_inviting_again_resends_with_a_new_expiry_and_members_are_skipped(
    cohort, send_now, django_capture_on_commit_callbacks
):
    ada = UserFactory.create(email="ada@example.com")
    Membership.objects.create(cohort=cohort, user=ada)
    with django_capture_on_commit_callbacks(execute=True):
        first = invites_send(cohort=cohort, emails=["grace@example.com", "ada@example.com"])
    later = timezone.now() + timedelta(days=3)
    with time_machine.travel(later, tick=False), django_capture_on_commit_callbacks(execute=True):
        again = invites_send(cohort=cohort, emails=["grace@example.com"])

    invite = Invite.objects.get()
    assert (first, again) == (1, 1)
    assert invite.email == "grace@example.com"
    assert invite.expires_at == later + INVITE_LIFETIME
    assert [m.to for m in mail.outbox] == [["grace@example.com"], ["grace@example.com"]]


def test_bad_addresses_are_a_form_error_and_nothing_is_sent(cohort, send_now):
    response = signed_in(cohort.lead).post(
        f"/teams/{cohort.pk}/invites/", {"emails": "ada@example.com, not-an-address"}
    )

    assert response.status_code == 422
    assert "Not email addresses: not-an-address." in response.content.decode()
    assert not Invite.objects.exists()
    assert mail.outbox == []


def test_a_lead_cannot_join_their_own_cohort(cohort, send_now):
    refused = signed_in(cohort.lead).post(
        f"/teams/{cohort.pk}/invites/", {"emails": cohort.lead.email}
    )
    invite = Invite.objects.create(
        cohort=cohort, email=cohort.lead.email, expires_at=timezone.now() + INVITE_LIFETIME
    )

    assert refused.status_code == 422
    assert "You lead this cohort: you cannot be in it." in refused.content.decode()
    with pytest.raises(InviteRefused, match="You lead this cohort"):
        invite_accept(invite=invite, user=cohort.lead)
    assert not Membership.objects.exists()


def test_an_open_invite_is_sent_again_at_most_daily(
    cohort, send_now, django_capture_on_commit_callbacks
):
    for hours in (0, 1, 25):
        with (
            time_machine.travel(timezone.now() + timedelta(hours=hours), tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            invites_send(cohort=cohort, emails=["ada@example.com"])

    assert len(mail.outbox) == 2  # at once, and a day later; not an hour later


def test_a_lead_sends_at_most_the_daily_number_of_invites(cohort, send_now, monkeypatch):
    monkeypatch.setattr("teams.services.INVITES_PER_LEAD_PER_DAY", 3)

    invites_send(cohort=cohort, emails=["a@example.com", "b@example.com"])
    with pytest.raises(ValidationError, match="At most 3 invites a day: 1 left"):
        invites_send(cohort=cohort, emails=["c@example.com", "d@example.com"])
    invites_send(cohort=cohort, emails=["c@example.com"])

    assert Invite.objects.count() == 3


def test_an_address_too_long_for_an_email_column_is_a_form_error(cohort, send_now):
    long_address = "a" * 250 + "@example.com"

    response = signed_in(cohort.lead).post(f"/teams/{cohort.pk}/invites/", {"emails": long_address})

    assert response.status_code == 422
    assert "Not email addresses" in response.content.decode()
    assert not Invite.objects.exists()


def test_accepting_an_invite_withdrawn_meanwhile_is_refused_not_an_error(cohort):
    ada = UserFactory.create(email="ada@example.com")
    invites_send(cohort=cohort, emails=["ada@example.com"])
    invite = Invite.objects.get()
    Invite.objects.filter(pk=invite.pk).delete()

    with pytest.raises(InviteRefused, match="not valid"):
        invite_accept(invite=invite, user=ada)


def test_the_sweep_sends_invites_whose_task_never_ran(cohort, monkeypatch):
    monkeypatch.setattr("teams.services.enqueue_or_skip", lambda task, *args: False)  # broker down
    monkeypatch.setattr("teams.tasks.send_invite.delay", lambda pk: invite_email_send(invite_id=pk))
    with time_machine.travel(timezone.now() - timedelta(minutes=10), tick=False):
        invites_send(cohort=cohort, emails=["ada@example.com"])
    invites_send(cohort=cohort, emails=["grace@example.com"])  # just now: its task may still run

    swept = send_unsent_invites()

    assert swept == 1
    assert [m.to for m in mail.outbox] == [["ada@example.com"]]
    assert send_unsent_invites() == 0
