"""Every write of teams: cohorts, invites, memberships, assignments. Who may do what is checked
by the callers' lookups (teams/selectors.py: a lead's cohort, a learner's membership); the rules
on the data are here."""

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from careers.models import Role, SeniorityLevel
from config.celery_app import enqueue_or_skip
from paths.models import LearningPath
from teams.invites import INVITE_LIFETIME, InviteRefused
from teams.models import Assignment, Cohort, Invite, Membership
from teams.tasks import send_invite
from tracker.models import User

MAX_EMAIL_LENGTH = Invite._meta.get_field("email").max_length or 254
INVITES_PER_REQUEST = 50
OPEN_INVITES_PER_COHORT = 500
INVITES_PER_LEAD_PER_DAY = 200
"""Invite emails a lead may have sent in 24 hours (new and re-sent): Pathwise sends them, so
they are capped, not left to whoever signs up."""
RESEND_AFTER = timedelta(days=1)
"""An open invite is sent again at most this often, however often it is asked for."""


# --- Cohorts ----------------------------------------------------------------------------------


def cohort_create(
    *, lead: User, name: str, target_role: Role, target_level: SeniorityLevel
) -> Cohort:
    return Cohort.objects.create(
        lead=lead, name=name.strip(), target_role=target_role, target_level=target_level
    )


def cohort_update(*, cohort: Cohort, **fields: object) -> Cohort:
    for name, value in fields.items():
        setattr(cohort, name, value)
    cohort.save(update_fields=list(fields))
    return cohort


# --- Invites ----------------------------------------------------------------------------------


def invites_send(*, cohort: Cohort, emails: Sequence[str], now: datetime | None = None) -> int:
    """Invite each address (normalised, each once): a new invite, or an open one sent again
    with a new expiry if it was last sent RESEND_AFTER ago. Members are skipped; the lead's
    own address is refused (a lead is never counted in their cohort's figures). The emails go
    out from a task after commit. Returns how many are (re)sent."""
    now = now or timezone.now()
    addresses = _invite_addresses(emails)
    if cohort.lead.email.lower() in addresses:
        raise ValidationError({"emails": _("You lead this cohort: you cannot be in it.")})
    members = {
        e.lower()
        for e in Membership.objects.filter(cohort=cohort).values_list("user__email", flat=True)
    }
    open_invites = {
        i.email: i for i in Invite.objects.filter(cohort=cohort, accepted_at__isnull=True)
    }
    new = [e for e in addresses if e not in members and e not in open_invites]
    again = [
        open_invites[e]
        for e in addresses
        if e in open_invites and (open_invites[e].sent_at or now) <= now - RESEND_AFTER
    ]
    _check_limits(cohort, len(open_invites) + len(new), len(new) + len(again), now)
    with transaction.atomic():
        created = Invite.objects.bulk_create(
            Invite(cohort=cohort, email=e, expires_at=now + INVITE_LIFETIME) for e in new
        )
        Invite.objects.filter(pk__in=[i.pk for i in again]).update(
            expires_at=now + INVITE_LIFETIME, sent_at=None
        )
        ids = [i.pk for i in created] + [i.pk for i in again]
        transaction.on_commit(lambda: _enqueue_invites(ids))
    return len(ids)


def _check_limits(cohort: Cohort, open_after: int, sending: int, now: datetime) -> None:
    if open_after > OPEN_INVITES_PER_COHORT:
        raise ValidationError(
            {
                "emails": _("A cohort holds at most %(n)d open invites.")
                % {"n": OPEN_INVITES_PER_COHORT}
            }
        )
    # An invite was (re)issued when its expiry was set: INVITE_LIFETIME before it.
    issued_today = Invite.objects.filter(
        cohort__lead_id=cohort.lead_id, expires_at__gt=now + INVITE_LIFETIME - timedelta(days=1)
    ).count()
    if issued_today + sending > INVITES_PER_LEAD_PER_DAY:
        raise ValidationError(
            {
                "emails": _(
                    "At most %(n)d invites a day: %(left)d left for now, try again tomorrow."
                )
                % {
                    "n": INVITES_PER_LEAD_PER_DAY,
                    "left": max(0, INVITES_PER_LEAD_PER_DAY - issued_today),
                }
            }
        )


def _invite_addresses(emails: Sequence[str]) -> list[str]:
    addresses = list(dict.fromkeys(e.strip().lower() for e in emails if e.strip()))
    if not addresses:
        raise ValidationError({"emails": _("Give at least one email address.")})
    if len(addresses) > INVITES_PER_REQUEST:
        raise ValidationError(
            {"emails": _("At most %(n)d addresses at a time.") % {"n": INVITES_PER_REQUEST}}
        )
    bad = []
    for address in addresses:
        try:
            validate_email(address)
        except ValidationError:
            bad.append(address)
        else:
            if len(address) > MAX_EMAIL_LENGTH:  # what the column holds (RFC 5321's path)
                bad.append(address)
    if bad:
        raise ValidationError(
            {"emails": _("Not email addresses: %(bad)s.") % {"bad": ", ".join(bad)}}
        )
    return addresses


def _enqueue_invites(ids: list[int]) -> None:
    for pk in ids:
        enqueue_or_skip(send_invite, pk)


def invite_revoke(*, invite: Invite) -> None:
    invite.delete()


def invite_problem(*, invite: Invite, user: User, now: datetime | None = None) -> str | None:
    """Why this user cannot accept this invite now, in words; None if they can."""
    now = now or timezone.now()
    if invite.cohort.lead_id == user.pk:
        return _("You lead this cohort: you cannot be in it.")
    if invite.accepted_at is not None:
        return _("This invite has already been used.")
    if invite.expires_at <= now:
        return _("This invite has expired: ask the cohort's lead for a new one.")
    if invite.email.lower() != user.email.lower():
        return _(
            "This invite is for another email address: sign in with the account it was sent to."
        )
    return None


@transaction.atomic
def invite_accept(*, invite: Invite, user: User, now: datetime | None = None) -> Membership:
    """Join the cohort: the invite must be unused, unexpired and for this account's email.
    Used once: the row is locked, so two requests with one link make one membership."""
    locked = (
        Invite.objects.select_for_update().select_related("cohort").filter(pk=invite.pk).first()
    )
    if locked is None:  # withdrawn since the link was read
        raise InviteRefused(_("This invite link is not valid: ask for a new one."))
    problem = invite_problem(invite=locked, user=user, now=now)
    if problem:
        raise InviteRefused(problem)
    locked.accepted_at, locked.accepted_by = now or timezone.now(), user
    locked.save(update_fields=["accepted_at", "accepted_by"])
    membership, _created = Membership.objects.get_or_create(cohort=locked.cohort, user=user)
    return membership


# --- Memberships ------------------------------------------------------------------------------


def membership_share_set(*, membership: Membership, shares_detail: bool) -> Membership:
    membership.shares_detail = shares_detail
    membership.save(update_fields=["shares_detail"])
    return membership


def membership_leave(*, membership: Membership) -> None:
    """Leave the cohort: the membership goes, and with it the learner from every figure."""
    membership.delete()


# --- Assignments ------------------------------------------------------------------------------


def assignment_set(*, cohort: Cohort, path: LearningPath, due_date: date) -> Assignment:
    """Assign a published path by a due date (again: a new due date)."""
    if path.status != LearningPath.Status.PUBLISHED:
        raise ValidationError({"path": _("Only a published path can be assigned.")})
    if due_date < timezone.localdate():
        raise ValidationError({"due_date": _("The due date has passed: choose a later one.")})
    assignment, _created = Assignment.objects.update_or_create(
        cohort=cohort, path=path, defaults={"due_date": due_date}
    )
    return assignment


def assignment_delete(*, assignment: Assignment) -> None:
    assignment.delete()
