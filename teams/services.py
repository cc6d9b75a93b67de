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
from teams.invites import InviteRefused
from teams.models import Assignment, Cohort, Invite, Membership
from tracker.models import User

INVITE_LIFETIME = timedelta(days=14)
INVITES_PER_REQUEST = 50
OPEN_INVITES_PER_COHORT = 500


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
    """Invite each address (normalised, each once); an address with an open invite gets it
    again with a new expiry. Members are skipped. The emails go out from a task after commit.
    Returns how many were (re)invited."""
    now = now or timezone.now()
    members = {
        e.lower()
        for e in Membership.objects.filter(cohort=cohort).values_list("user__email", flat=True)
    }
    wanted = [e for e in _invite_addresses(emails) if e not in members]
    open_count = Invite.objects.filter(cohort=cohort, accepted_at__isnull=True).count()
    if open_count + len(wanted) > OPEN_INVITES_PER_COHORT:
        raise ValidationError(
            {
                "emails": _("A cohort holds at most %(n)d open invites.")
                % {"n": OPEN_INVITES_PER_COHORT}
            }
        )
    ids = []
    with transaction.atomic():
        for email in wanted:
            invite, _created = Invite.objects.update_or_create(
                cohort=cohort,
                email=email,
                accepted_at=None,
                defaults={"expires_at": now + INVITE_LIFETIME, "sent_at": None},
            )
            ids.append(invite.pk)
        transaction.on_commit(lambda: _enqueue_invites(ids))
    return len(ids)


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
    if bad:
        raise ValidationError(
            {"emails": _("Not email addresses: %(bad)s.") % {"bad": ", ".join(bad)}}
        )
    return addresses


def _enqueue_invites(ids: list[int]) -> None:
    from teams.tasks import send_invite  # the task module imports this one

    for pk in ids:
        enqueue_or_skip(send_invite, pk)


def invite_revoke(*, invite: Invite) -> None:
    invite.delete()


def invite_problem(*, invite: Invite, user: User, now: datetime | None = None) -> str | None:
    """Why this user cannot accept this invite now, in words; None if they can."""
    now = now or timezone.now()
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
    invite = Invite.objects.select_for_update().select_related("cohort").get(pk=invite.pk)
    problem = invite_problem(invite=invite, user=user, now=now)
    if problem:
        raise InviteRefused(problem)
    invite.accepted_at, invite.accepted_by = now or timezone.now(), user
    invite.save(update_fields=["accepted_at", "accepted_by"])
    membership, _created = Membership.objects.get_or_create(cohort=invite.cohort, user=user)
    return membership


# --- Memberships ------------------------------------------------------------------------------


def membership_share_set(*, membership: Membership, shares_detail: bool) -> Membership:
    membership.shares_detail = shares_detail
    membership.save(update_fields=["shares_detail"])
    return membership


def membership_leave(*, membership: Membership) -> None:
    """Leave the cohort: the membership goes, and with it the learner from every figure."""
    membership.delete()


def membership_remove(*, cohort: Cohort, membership_id: int) -> bool:
    """The lead removes a member (by membership id, within their cohort)."""
    deleted, _rows = Membership.objects.filter(cohort=cohort, pk=membership_id).delete()
    return deleted > 0


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
