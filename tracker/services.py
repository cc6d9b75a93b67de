"""Every write to a learner's data. The web dashboard, the API and the workers all come here.

Every change to a learner's readiness inputs (progress, claims, enrolments) marks the learner
stale in the same transaction (`_inputs_changed`), so a recompute is never missed.
"""

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from fsrs import Rating

from assessments.memory import STEP
from assessments.services import memories_review
from careers.models import PROFICIENCY_MAX, PROFICIENCY_MIN, SeniorityLevel, Skill
from paths.models import LearningPath, Step, StepSkill
from tracker import readiness
from tracker.curators import CURATORS_GROUP
from tracker.models import (
    MINUTES_PER_DAY,
    Enrolment,
    LearnerProfile,
    ProgressEntry,
    SkillClaim,
    User,
)
from tracker.reminders import in_quiet_hours
from tracker.selectors import learner_today
from tracker.tasks import recompute_readiness_soon

FUTURE_TOLERANCE = timedelta(minutes=5)  # clocks of offline devices drift
MAX_BACKDATE = timedelta(days=366)  # the activity history covers a year


class ProgressConflict(Exception):
    """The client id was already used for a different entry."""


class EnrolmentNotFound(Exception):
    """The learner has no enrolment with this id (or it is someone else's)."""


@dataclass(frozen=True)
class ProgressResult:
    entry: ProgressEntry
    created: bool


@dataclass(frozen=True)
class _RecomputeSoon:
    user_id: int

    def __call__(self) -> None:
        recompute_readiness_soon(self.user_id)


def _inputs_changed(user_id: int) -> None:
    """Mark the learner stale in this transaction, and ask for one recompute once it commits
    (one per learner, however many changes the transaction makes)."""
    now = timezone.now()
    LearnerProfile.objects.filter(user_id=user_id).update(readiness_stale_at=now, changed_at=now)
    callback = _RecomputeSoon(user_id)
    pending = transaction.get_connection().run_on_commit
    if not any(func == callback for _, func, _ in pending):
        transaction.on_commit(callback, robust=True)


def learners_mark_stale(*, learners: QuerySet[LearnerProfile] | None = None) -> int:
    """After a catalogue change: mark every affected learner (all, by default) stale in one
    statement; the sweep recomputes them in batches."""
    learners = LearnerProfile.objects.all() if learners is None else learners
    now = timezone.now()
    return learners.update(readiness_stale_at=now, changed_at=now)


# --- Accounts ----------------------------------------------------------------------------


@transaction.atomic
def user_ensure(*, email: str, password: str, curator: bool = False) -> tuple[User, bool]:
    """Create the account if it does not exist, and set its password; (user, created)."""
    user = User.objects.filter(email=email.lower()).first()
    created = user is None
    if user is None:
        user = User.objects.create_user(email=email, password=password)
    user.set_password(password)
    user.is_staff = curator or user.is_staff
    user.save()
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    if curator:
        user.groups.add(Group.objects.get(name=CURATORS_GROUP))
    # Demo and operator accounts skip the first-run onboarding.
    LearnerProfile.objects.filter(user=user, onboarded_at=None).update(onboarded_at=timezone.now())
    return user, created


def learner_profile_ensure(*, user: User) -> LearnerProfile:
    return LearnerProfile.objects.get_or_create(user=user)[0]


@transaction.atomic
def user_delete(*, user: User) -> None:
    """Delete the account and everything stored about it (cascades). Its tokens stop working
    at once: they are validated against the session's user, who no longer exists."""
    user.delete()


PROFILE_FIELDS = (
    "background",
    "target_role",
    "target_level",
    "timezone",
    "weekly_goal_minutes",
    "remind_inactivity",
    "remind_behind_pace",
    "remind_weekly_digest",
    "remind_reviews_due",
    "desired_retention",
    "inactivity_days",
    "preferred_hour",
    "quiet_hours_start",
    "quiet_hours_end",
)


@transaction.atomic
def learner_profile_update(*, user: User, **changes: Any) -> LearnerProfile:
    """Change profile fields; raises ValidationError (per field) and stores nothing if any is
    invalid."""
    unknown = set(changes).difference(PROFILE_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown profile fields: {', '.join(sorted(unknown))}.")
    profile = LearnerProfile.objects.select_for_update().get(user=user)
    for name, value in changes.items():
        setattr(profile, name, value)
    profile.full_clean(exclude=["user", "readiness_stale_at"])
    _check_reminder_hours(profile)
    if {"target_role", "target_level"} & changes.keys():
        _check_target(profile)
    profile.changed_at = timezone.now()
    profile.save(update_fields=[*changes, "changed_at"])
    if {"target_role", "target_level"} & changes.keys():
        # Reads compute a new target's score until it is stored (selectors.readiness_score_get);
        # a recompute stores it, and the learners' scores that have never been stored.
        _inputs_changed(user.pk)
    return profile


@transaction.atomic
def learner_onboarding_finish(*, user: User, **changes: Any) -> LearnerProfile:
    """The last onboarding step's changes (checked as learner_profile_update checks them), and
    the onboarding marked done, together; with no changes, the learner skipped the rest. A
    learner already onboarded keeps the first date."""
    if changes:
        learner_profile_update(user=user, **changes)
    LearnerProfile.objects.filter(user=user, onboarded_at__isnull=True).update(
        onboarded_at=timezone.now(), changed_at=timezone.now()
    )
    return LearnerProfile.objects.get(user=user)


def _check_target(profile: LearnerProfile) -> None:
    """A target must be a rung the role has: AI Architect starts at senior."""
    role, level = profile.target_role, profile.target_level
    if role is None or level is None or role.requirements.filter(level=level).exists():
        return
    rungs = ", ".join(
        SeniorityLevel.objects.filter(pk__in=role.requirements.values("level_id"))
        .order_by("rank")
        .values_list("name", flat=True)
    )
    message = f"{role.name} has no {level.name} level; its levels: {rungs or 'none yet'}."
    raise ValidationError({"target_level": message})


def _check_reminder_hours(profile: LearnerProfile) -> None:
    """Settings under which reminders could never arrive are refused, not saved."""
    start, end = profile.quiet_hours_start, profile.quiet_hours_end
    if (start is None) != (end is None):
        missing = "quiet_hours_end" if end is None else "quiet_hours_start"
        raise ValidationError({missing: "Give both ends of the quiet hours, or neither."})
    if start is not None and start == end:
        raise ValidationError({"quiet_hours_end": _("Quiet hours must end at another hour.")})
    if in_quiet_hours(profile.preferred_hour, start, end):
        raise ValidationError(
            {
                "preferred_hour": f"{profile.preferred_hour}:00 is inside your quiet hours "
                f"({start}:00 to {end}:00), so no reminder would arrive: choose an hour "
                "outside them."
            }
        )


# --- Enrolments --------------------------------------------------------------------------


def _check_target_date(user: User, target_date: date | None) -> None:
    if target_date is not None and target_date < learner_today(user.profile):
        raise ValidationError({"target_date": _("The target date cannot be in the past.")})


@transaction.atomic
def enrolment_create(
    *, user: User, path: LearningPath, target_date: date | None = None
) -> Enrolment:
    """Enrol on a published path. Enrolling again after withdrawing reopens the withdrawn
    enrolment (when it is the latest on the path), so the steps completed in it, its notes and
    its evidence links count again; after a completed enrolment, a new one starts afresh."""
    if path.status != LearningPath.Status.PUBLISHED:
        raise ValidationError({"path": _("This path is not published.")})
    _check_target_date(user, target_date)
    if Enrolment.objects.filter(user=user, path=path, status__in=Enrolment.OPEN_STATUSES).exists():
        raise ValidationError({"path": _("You are already enrolled on this path.")})
    # Only the latest enrolment on the path is reopened, and only when it was withdrawn: after
    # a completed run, an older withdrawn one stays closed.
    latest = (
        Enrolment.objects.select_for_update()
        .filter(user=user, path=path)
        .order_by("-enrolled_at", "-pk")
    )
    withdrawn = next(iter(latest[:1]), None)
    if withdrawn is not None and withdrawn.status != Enrolment.Status.WITHDRAWN:
        withdrawn = None
    try:
        with transaction.atomic():
            if withdrawn is None:
                enrolment = Enrolment.objects.create(user=user, path=path, target_date=target_date)
            else:
                enrolment = _enrolment_reopen(user, withdrawn, Enrolment.Status.ACTIVE, target_date)
    except IntegrityError as error:  # a concurrent request enrolled first
        raise ValidationError({"path": _("You are already enrolled on this path.")}) from error
    _inputs_changed(user.pk)
    return enrolment


def _enrolment_reopen(
    user: User, enrolment: Enrolment, status: str, target_date: date | None
) -> Enrolment:
    """A withdrawn enrolment made open again; a target date that has passed is cleared."""
    if (
        target_date is None
        and enrolment.target_date
        and enrolment.target_date >= learner_today(user.profile)
    ):
        target_date = enrolment.target_date
    enrolment.status = status
    enrolment.target_date = target_date
    enrolment.completed_at = None
    enrolment.save(update_fields=["status", "target_date", "completed_at", "updated_at"])
    return enrolment


# How long after withdrawing the "Undo" offered on the enrolment page works; later, enrolling
# again reopens the enrolment all the same (enrolment_create).
WITHDRAW_UNDO_MINUTES = 15
WITHDRAW_UNDO_WINDOW = timedelta(minutes=WITHDRAW_UNDO_MINUTES)


@transaction.atomic
def enrolment_withdrawal_undo(*, enrolment: Enrolment, status: str) -> Enrolment:
    """Undo a withdrawal: back to `status` (the one it had, active or paused), within
    WITHDRAW_UNDO_WINDOW of withdrawing."""
    enrolment = (
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("path")
        .get(pk=enrolment.pk)
    )
    if enrolment.status != Enrolment.Status.WITHDRAWN:
        raise ValidationError({"status": _("This enrolment is not withdrawn.")})
    if status not in Enrolment.OPEN_STATUSES:
        raise ValidationError({"status": _("An enrolment can only go back to active or paused.")})
    if enrolment.path.status != LearningPath.Status.PUBLISHED:
        raise ValidationError({"path": _("This path is no longer published.")})
    if enrolment.updated_at < timezone.now() - WITHDRAW_UNDO_WINDOW:
        raise ValidationError(
            _("It is too late to undo; enrol on the path again: your completed steps are kept.")
        )
    if (
        Enrolment.objects.filter(
            user_id=enrolment.user_id, path_id=enrolment.path_id, status__in=Enrolment.OPEN_STATUSES
        )
        .exclude(pk=enrolment.pk)
        .exists()
    ):
        raise ValidationError({"status": _("You are already enrolled on this path.")})
    try:
        with transaction.atomic():
            enrolment = _enrolment_reopen(enrolment.user, enrolment, status, None)
    except IntegrityError as error:  # a concurrent enrol reopened or created one first
        raise ValidationError({"status": _("You are already enrolled on this path.")}) from error
    _inputs_changed(enrolment.user_id)
    return enrolment


_TRANSITIONS: dict[str, tuple[str, ...]] = {
    # new status: the statuses it may be reached from
    Enrolment.Status.PAUSED: (Enrolment.Status.ACTIVE,),
    Enrolment.Status.ACTIVE: (Enrolment.Status.PAUSED,),
    Enrolment.Status.WITHDRAWN: (Enrolment.Status.ACTIVE, Enrolment.Status.PAUSED),
    Enrolment.Status.COMPLETED: (Enrolment.Status.ACTIVE, Enrolment.Status.PAUSED),
}


@transaction.atomic
def enrolment_set_status(*, enrolment: Enrolment, status: str) -> Enrolment:
    """Pause, resume (active), withdraw or complete."""
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if status == enrolment.status:
        return enrolment
    if status not in _TRANSITIONS:
        raise ValidationError({"status": f'"{status}" is not a status.'})
    if enrolment.status not in _TRANSITIONS[status]:
        raise ValidationError(
            {
                "status": _("A %(was)s enrolment cannot become %(now)s.")
                % {"was": enrolment.status, "now": status}
            }
        )
    if (
        status == Enrolment.Status.ACTIVE
        and Enrolment.objects.filter(
            user_id=enrolment.user_id, path_id=enrolment.path_id, status__in=Enrolment.OPEN_STATUSES
        )
        .exclude(pk=enrolment.pk)
        .exists()
    ):
        raise ValidationError({"status": _("You are already enrolled on this path.")})
    enrolment.status = status
    enrolment.completed_at = timezone.now() if status == Enrolment.Status.COMPLETED else None
    enrolment.save(update_fields=["status", "completed_at", "updated_at"])
    _inputs_changed(enrolment.user_id)
    return enrolment


@transaction.atomic
def enrolment_set_target_date(*, enrolment: Enrolment, target_date: date | None) -> Enrolment:
    _check_target_date(enrolment.user, target_date)
    enrolment.target_date = target_date
    enrolment.save(update_fields=["target_date", "updated_at"])
    LearnerProfile.objects.filter(user_id=enrolment.user_id).update(changed_at=timezone.now())
    return enrolment


class _Keep:
    """The value of an argument that was not given: leave the field as it is."""


KEEP = _Keep()


@transaction.atomic
def enrolment_update(
    *, enrolment: Enrolment, status: str | None = None, target_date: date | _Keep | None = KEEP
) -> Enrolment:
    """Change the status and the target date (None clears it) together, all or nothing: a
    refused change leaves the other one unmade."""
    if not isinstance(target_date, _Keep):
        enrolment = enrolment_set_target_date(enrolment=enrolment, target_date=target_date)
    if status is not None:
        enrolment = enrolment_set_status(enrolment=enrolment, status=status)
    return enrolment


# --- Progress ----------------------------------------------------------------------------


def _check_minutes(minutes: object) -> int:
    if isinstance(minutes, bool) or not isinstance(minutes, int):
        raise ValidationError({"minutes": _("Minutes must be a whole number.")})
    if not 0 <= minutes <= MINUTES_PER_DAY:
        raise ValidationError(
            {"minutes": _("Minutes must be between 0 and %(most)s.") % {"most": MINUTES_PER_DAY}}
        )
    return minutes


def _check_occurred_at(occurred_at: datetime, now: datetime) -> datetime:
    if timezone.is_naive(occurred_at):
        raise ValidationError({"occurred_at": _("Give the time with its time zone.")})
    if occurred_at > now + FUTURE_TOLERANCE:
        raise ValidationError({"occurred_at": _("This time is in the future.")})
    if occurred_at < now - MAX_BACKDATE:
        raise ValidationError({"occurred_at": _("This time is more than a year ago.")})
    return occurred_at


def _completed_step_ids(enrolment: Enrolment) -> set[int]:
    return set(
        enrolment.entries.filter(status=ProgressEntry.Status.COMPLETED).values_list(
            "step_id", flat=True
        )
    )


def _check_prerequisites(enrolment: Enrolment, step: Step) -> None:
    missing = step.prerequisites.exclude(pk__in=_completed_step_ids(enrolment)).order_by("position")
    if missing:
        names = "; ".join(f'step {s.position} "{s.title}"' for s in missing)
        raise ValidationError(
            {"step": _("Complete its prerequisites first: %(names)s.") % {"names": names}}
        )


def _same_entry(entry: ProgressEntry, wanted: dict[str, Any]) -> bool:
    return all(getattr(entry, name) == value for name, value in wanted.items())


def progress_log(
    *,
    enrolment: Enrolment,
    step: Step,
    minutes: int,
    status: str = ProgressEntry.Status.STARTED,
    note: str = "",
    evidence_url: str = "",
    occurred_at: datetime | None = None,
    client_id: uuid.UUID | None = None,
) -> ProgressResult:
    """Record time spent on a step and where it stands.

    Idempotent on `client_id`: the same id with the same content returns the existing entry
    (created=False); with other content it raises ProgressConflict. Completing the last step
    completes the enrolment. `enrolment` may be a reference (its id and learner only): it is
    read again under its lock, and EnrolmentNotFound raised if it is not that learner's."""
    now = timezone.now()
    wanted: dict[str, Any] = {
        "enrolment_id": enrolment.pk,
        "step_id": step.pk,
        "minutes": _check_minutes(minutes),
        "status": status,
        "note": note,
        "evidence_url": evidence_url,
    }
    if occurred_at is not None:  # a replay that leaves it out means "the same as before"
        wanted["occurred_at"] = _check_occurred_at(occurred_at, now)
    try:
        return _progress_store(enrolment, step, wanted, client_id, now)
    except IntegrityError:
        if client_id is None:
            raise
        # The client id is taken: by this entry sent again, or by a concurrent request with
        # it that committed first. Answer as a replay (a conflict if the content differs).
        replay = _progress_replay(enrolment.user_id, client_id, wanted)
        if replay is None:
            raise
        return replay


def _progress_replay(
    user_id: int, client_id: uuid.UUID, wanted: dict[str, Any]
) -> ProgressResult | None:
    entry = ProgressEntry.objects.filter(user_id=user_id, client_id=client_id).first()
    if entry is None:
        return None
    if not _same_entry(entry, wanted):
        raise ProgressConflict("This client_id was already used for a different entry.")
    return ProgressResult(entry=entry, created=False)


def _enrolment_locked(enrolment: Enrolment) -> Enrolment:
    """The enrolment read again under its row lock, if it is its learner's: the API passes a
    reference (id and learner) that nothing has read yet."""
    try:
        return (  # its row only: locking the path's too would serialise every learner on it
            Enrolment.objects.select_for_update(of=("self",))
            .select_related("path")
            .get(pk=enrolment.pk, user_id=enrolment.user_id)
        )
    except Enrolment.DoesNotExist:
        raise EnrolmentNotFound(f"You have no enrolment {enrolment.pk}.") from None


def _check_loggable(enrolment: Enrolment, step: Step, status: str) -> None:
    if enrolment.status != Enrolment.Status.ACTIVE:
        raise ValidationError(
            _("This enrolment is %(status)s; resume it to log progress.")
            % {"status": enrolment.status}
        )
    if step.path_id != enrolment.path_id:
        raise ValidationError({"step": _("This step is not part of the enrolment's path.")})
    if status not in ProgressEntry.Status.values:
        raise ValidationError({"status": _("Status must be started or completed.")})
    if status == ProgressEntry.Status.COMPLETED and enrolment.path.sequential:
        _check_prerequisites(enrolment, step)


@transaction.atomic
def _progress_store(
    enrolment: Enrolment,
    step: Step,
    wanted: dict[str, Any],
    client_id: uuid.UUID | None,
    now: datetime,
) -> ProgressResult:
    enrolment = _enrolment_locked(enrolment)
    # A replay is found by the unique client id when the entry is inserted (progress_log); one
    # the checks refuse is looked up here, and answers as the first request did even if the
    # enrolment has completed since. The lock serialises the enrolment's writes.
    try:
        _check_loggable(enrolment, step, wanted["status"])
    except ValidationError:
        found = _progress_replay(enrolment.user_id, client_id, wanted) if client_id else None
        if found is not None:
            return found
        raise
    completing = wanted["status"] == ProgressEntry.Status.COMPLETED

    entry = ProgressEntry(user_id=enrolment.user_id, client_id=client_id, **wanted)
    entry.occurred_at = wanted.get("occurred_at", now)
    # Field checks only: the checks above cover the constraints, and the database enforces
    # them anyway (validating them here would cost three round trips per entry).
    entry.full_clean(exclude=["user", "enrolment", "step"], validate_constraints=False)
    entry.save()
    if completing:
        _step_reviewed(entry, step)
    if completing and _completed_step_ids(enrolment) >= set(
        enrolment.path.steps.values_list("pk", flat=True)
    ):
        enrolment.status = Enrolment.Status.COMPLETED
        enrolment.completed_at = now
        enrolment.save(update_fields=["status", "completed_at", "updated_at"])
    _inputs_changed(enrolment.user_id)
    return ProgressResult(entry=entry, created=True)


def _step_reviewed(entry: ProgressEntry, step: Step) -> None:
    """Completing a step for the first time shows each skill it teaches, at the level its kind
    proves (a review of the learner's memory of it, assessments/memory.py `shown`). Ticking a
    step done again shows nothing new: it must not restore a fading skill."""
    repeated = ProgressEntry.objects.filter(
        user_id=entry.user_id, step_id=entry.step_id, status=ProgressEntry.Status.COMPLETED
    ).exclude(pk=entry.pk)
    if repeated.exists():
        return
    skill_levels: dict[int, int] = {}
    for skill_id, level in StepSkill.objects.filter(step=step).values_list("skill_id", "level"):
        proven = readiness.proven_level(step.kind, level)
        skill_levels[skill_id] = max(skill_levels.get(skill_id, 0), proven)
    if skill_levels:
        memories_review(
            user_id=entry.user_id,
            skill_levels=skill_levels,
            rating=Rating.Good,
            at=min(entry.occurred_at, timezone.now()),  # a clock a little ahead is not ahead
            by=STEP,
        )


# --- Skill claims --------------------------------------------------------------------------


@transaction.atomic
def skill_claim_set(
    *, user: User, skill: Skill, level: int, evidence_url: str = "", note: str = ""
) -> SkillClaim:
    """Create or change the learner's claim for a skill."""
    if isinstance(level, bool) or not isinstance(level, int):
        raise ValidationError({"level": _("Level must be a whole number.")})
    if not PROFICIENCY_MIN <= level <= PROFICIENCY_MAX:
        raise ValidationError(
            {"level": f"Level must be between {PROFICIENCY_MIN} and {PROFICIENCY_MAX}."}
        )
    claim = SkillClaim.objects.filter(user=user, skill=skill).first() or SkillClaim(
        user=user, skill=skill
    )
    claim.level, claim.evidence_url, claim.note = level, evidence_url, note
    claim.full_clean(exclude=["user", "skill"], validate_unique=False)
    claim.save()
    _inputs_changed(user.pk)
    return claim


@transaction.atomic
def skill_claim_delete(*, claim: SkillClaim) -> None:
    claim.delete()
    _inputs_changed(claim.user_id)
