"""Thin tasks: the invitation email (teams/invites.py)."""

from celery import shared_task
from django.utils import timezone

from teams.invites import invite_email_send, invites_unsent
from tracker.tasks import IDEMPOTENT, TRANSIENT

# An SMTP error is retried too: the send released its claim.
RETRIED = {**IDEMPOTENT, "autoretry_for": (*TRANSIENT, OSError)}


@shared_task(name="reminders.cohort_invite", **RETRIED)
def send_invite(invite_id: int) -> bool:
    """Send an invite's email once (on the reminders queue, as other emails)."""
    return invite_email_send(invite_id=invite_id)


@shared_task(name="reminders.cohort_invites_sweep", **RETRIED)
def send_unsent_invites() -> int:
    """Hourly: the invites whose send task never ran (the broker was down)."""
    ids = invites_unsent(now=timezone.now())
    for invite_id in ids:
        send_invite.delay(invite_id)
    return len(ids)
