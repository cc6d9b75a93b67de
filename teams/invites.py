"""Invite links and emails. A link is /teams/invites/<key>/<token>/: `key` is stored, `token`
is an HMAC of it under SECRET_KEY (not stored), so the database alone gives no working link and
the email can be built again by the task that sends it."""

from datetime import datetime, timedelta
from uuid import UUID

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from config.secret_links import link_token, link_token_valid
from teams.models import Invite

_SALT = "pathwise.cohort-invite"
INVITE_LIFETIME = timedelta(days=14)


class InviteRefused(Exception):
    """Why an invite link cannot be used, in words for the learner."""


def invite_token(invite: Invite) -> str:
    return link_token(_SALT, invite.key)


def invite_url(invite: Invite) -> str:
    path = reverse("team-invite", kwargs={"key": invite.key, "token": invite_token(invite)})
    return settings.PATHWISE_BASE_URL.rstrip("/") + path


def invite_find(*, key: UUID, token: str) -> Invite:
    """The invite a link names; InviteRefused for a link that names none."""
    invite = (
        Invite.objects.select_related("cohort__lead", "cohort__target_role").filter(key=key).first()
    )
    if invite is None or not link_token_valid(_SALT, invite.key, token):
        raise InviteRefused(_("This invite link is not valid: ask for a new one."))
    return invite


def invite_email(invite: Invite) -> EmailMultiAlternatives:
    context = {
        "cohort": invite.cohort.name,
        "lead": invite.cohort.lead.email,
        "url": invite_url(invite),
        "expires": invite.expires_at,
    }
    message = EmailMultiAlternatives(
        subject=_("%(lead)s invites you to %(cohort)s on Pathwise") % context,
        body=render_to_string("teams/email/invite.txt", context),
        to=[invite.email],
    )
    message.attach_alternative(render_to_string("teams/email/invite.html", context), "text/html")
    return message


SWEEP_AFTER = timedelta(minutes=5)
"""An invite still unsent this long after it was (re)issued missed its task (a broker that was
down when it was made): the hourly sweep sends it."""


def invites_unsent(*, now: datetime) -> list[int]:
    return list(
        Invite.objects.filter(
            sent_at__isnull=True,
            accepted_at__isnull=True,
            expires_at__gt=now,
            expires_at__lt=now + INVITE_LIFETIME - SWEEP_AFTER,  # issued SWEEP_AFTER ago
        ).values_list("pk", flat=True)
    )


def invite_email_send(*, invite_id: int) -> bool:
    """Send the invite's email unless it was sent since it was last (re)issued: the row is
    claimed first, so a redelivered task sends nothing twice; a failed send releases it."""
    claimed = Invite.objects.filter(
        pk=invite_id, sent_at__isnull=True, accepted_at__isnull=True
    ).update(sent_at=timezone.now())
    if not claimed:
        return False
    invite = Invite.objects.select_related("cohort__lead").get(pk=invite_id)
    try:
        with get_connection() as connection:
            connection.send_messages([invite_email(invite)])
    except OSError:  # SMTP and socket errors: release the claim and let the task retry
        Invite.objects.filter(pk=invite_id).update(sent_at=None)
        raise
    return True
