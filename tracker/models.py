import uuid
from functools import cache
from typing import Any, ClassVar
from zoneinfo import available_timezones

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.timezone import now
from django.utils.translation import gettext_lazy as _

from careers.models import Background, Role, SeniorityLevel, Skill, proficiency_check
from paths.models import LearningPath, Step

MINUTES_PER_DAY = 24 * 60
MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY


class EmailUserManager(UserManager["User"]):
    """Users log in with their email address; there is no username."""

    @transaction.atomic
    def _create_user_with_email(
        self, email: str, password: str | None, **extra_fields: Any
    ) -> "User":
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        LearnerProfile.objects.using(self._db).create(user=user)  # every user has one
        return user

    def create_user(  # type: ignore[override]
        self, email: str, password: str | None = None, **extra_fields: Any
    ) -> "User":
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user_with_email(email, password, **extra_fields)

    def create_superuser(  # type: ignore[override]
        self, email: str, password: str | None = None, **extra_fields: Any
    ) -> "User":
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user_with_email(email, password, **extra_fields)


class User(AbstractUser):
    username = None  # type: ignore[assignment]
    email = models.EmailField("email address", unique=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects: ClassVar[EmailUserManager] = EmailUserManager()

    class Meta:
        ordering = ("email",)

    def __str__(self) -> str:
        return self.email


@cache
def _timezone_names() -> frozenset[str]:
    return frozenset(available_timezones())


def validate_timezone(name: str) -> None:
    if name not in _timezone_names():
        raise ValidationError(
            _('"%(name)s" is not a time zone name: choose one from the list, such as %(example)s.'),
            params={"name": name, "example": "Europe/London"},
            code="unknown_timezone",
        )


class LearnerProfile(models.Model):
    """One per user, created with it: where the learner comes from, where they are going, and
    how they want to be reminded. `readiness_stale_at` marks that their scores need a recompute;
    `changed_at` moves whenever anything their dashboard shows changes (its cache key)."""

    user = models.OneToOneField(
        User, on_delete=models.CASCADE, primary_key=True, related_name="profile"
    )
    background = models.ForeignKey(
        Background, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    target_role = models.ForeignKey(
        Role, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    target_level = models.ForeignKey(
        SeniorityLevel, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    timezone = models.CharField(
        max_length=64, default="Europe/London", validators=[validate_timezone]
    )
    weekly_goal_minutes = models.PositiveIntegerField(default=180)
    remind_inactivity = models.BooleanField("inactivity reminders", default=True)
    remind_behind_pace = models.BooleanField("behind-pace reminders", default=True)
    remind_weekly_digest = models.BooleanField("weekly digest", default=True)
    remind_reviews_due = models.BooleanField("reviews due", default=True)
    desired_retention = models.FloatField(
        default=0.9,
        validators=[MinValueValidator(0.7), MaxValueValidator(0.97)],
        help_text=_("A skill's review is due when the chance of recalling it falls below this."),
    )
    inactivity_days = models.PositiveSmallIntegerField(
        default=3, help_text=_("Remind after this many days without progress.")
    )
    preferred_hour = models.PositiveSmallIntegerField(
        default=18, help_text=_("Local hour (0-23) at which reminders are sent.")
    )
    quiet_hours_start = models.PositiveSmallIntegerField(null=True, blank=True)
    quiet_hours_end = models.PositiveSmallIntegerField(null=True, blank=True)
    readiness_stale_at = models.DateTimeField(null=True, blank=True)
    changed_at = models.DateTimeField(default=now)
    onboarded_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_("When the learner finished or skipped the first-run onboarding."),
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(weekly_goal_minutes__lte=MINUTES_PER_WEEK),
                name="profile_weekly_goal_within_a_week",
            ),
            models.CheckConstraint(
                condition=Q(inactivity_days__gte=1, inactivity_days__lte=60),
                name="profile_inactivity_days_1_to_60",
            ),
            models.CheckConstraint(
                condition=Q(preferred_hour__lte=23)
                & (Q(quiet_hours_start__isnull=True) | Q(quiet_hours_start__lte=23))
                & (Q(quiet_hours_end__isnull=True) | Q(quiet_hours_end__lte=23)),
                name="profile_hours_0_to_23",
            ),
            models.CheckConstraint(
                condition=Q(desired_retention__gte=0.7, desired_retention__lte=0.97),
                name="profile_desired_retention_70_to_97",
            ),
        ]
        indexes = [
            models.Index(
                fields=("readiness_stale_at",),
                condition=Q(readiness_stale_at__isnull=False),
                name="profile_stale_idx",
            )
        ]

    def __str__(self) -> str:
        return f"Profile of {self.user}"


class Enrolment(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        PAUSED = "paused", "Paused"
        COMPLETED = "completed", "Completed"
        WITHDRAWN = "withdrawn", "Withdrawn"

    OPEN_STATUSES = (Status.ACTIVE, Status.PAUSED)

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="enrolments")
    path = models.ForeignKey(LearningPath, on_delete=models.PROTECT, related_name="enrolments")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    target_date = models.DateField(null=True, blank=True)
    enrolled_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("-enrolled_at",)
        constraints = [
            models.UniqueConstraint(
                fields=("user", "path"),
                condition=Q(status__in=("active", "paused")),
                name="one_open_enrolment_per_learner_and_path",
                violation_error_message="You are already enrolled on this path.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} on {self.path}"


class ProgressEntry(models.Model):
    class Status(models.TextChoices):
        STARTED = "started", "Started"
        COMPLETED = "completed", "Completed"

    # Denormalised from the enrolment: client ids are unique per learner, and most reads are
    # per learner.
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="progress_entries")
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="entries")
    step = models.ForeignKey(Step, on_delete=models.PROTECT, related_name="progress_entries")
    minutes = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices)
    note = models.TextField(blank=True, max_length=2000)
    evidence_url = models.URLField(blank=True, max_length=500)
    occurred_at = models.DateTimeField()
    client_id = models.UUIDField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-occurred_at", "-pk")
        verbose_name_plural = "progress entries"
        constraints = [
            models.UniqueConstraint(fields=("user", "client_id"), name="entry_client_id_per_user"),
            models.CheckConstraint(
                condition=Q(minutes__lte=MINUTES_PER_DAY), name="entry_minutes_within_a_day"
            ),
        ]
        indexes = [
            models.Index(fields=("user", "occurred_at")),
            models.Index(fields=("enrolment", "step", "status")),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.step} ({self.status}, {self.minutes} min)"


class SkillClaim(models.Model):
    """A learner's own assessment of a skill; counts for less than completed work."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="skill_claims")
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField()
    evidence_url = models.URLField(blank=True, max_length=500)
    note = models.TextField(blank=True, max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("skill__name",)
        constraints = [
            models.UniqueConstraint(fields=("user", "skill"), name="one_claim_per_learner_skill"),
            proficiency_check("level", "claim_level_1_to_5"),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.skill} {self.level}"


class ReadinessScore(models.Model):
    """The current readiness of a learner for one role and level. `score` is None when the
    role and level have no requirements (nothing to be ready for)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="readiness_scores")
    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="+")
    level = models.ForeignKey(SeniorityLevel, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField(null=True)
    breakdown = models.JSONField(default=list)
    computed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=("user", "role", "level"), name="one_score_per_target"),
        ]

    def __str__(self) -> str:
        return f"{self.user} / {self.role} / {self.level}: {self.score}"


class ReadinessSnapshot(models.Model):
    """The score on one day (the learner's local date), for the history chart."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="readiness_snapshots")
    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="+")
    level = models.ForeignKey(SeniorityLevel, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    score = models.FloatField(null=True)

    class Meta:
        ordering = ("day",)
        constraints = [
            models.UniqueConstraint(
                fields=("user", "role", "level", "day"), name="one_snapshot_per_target_and_day"
            ),
        ]
        indexes = [models.Index(fields=("day",), name="snapshot_day")]  # retention by age

    def __str__(self) -> str:
        return f"{self.user} / {self.role} / {self.level} on {self.day}: {self.score}"


class ReminderDelivery(models.Model):
    """One reminder of one kind for one learner and period. The unique row is the claim: it
    makes each reminder go out once, however many times the tasks that send it run."""

    class Kind(models.TextChoices):
        INACTIVITY = "inactivity", "Inactivity"
        BEHIND_PACE = "behind_pace", "Behind pace"
        WEEKLY_DIGEST = "weekly_digest", "Weekly digest"
        REVIEWS_DUE = "reviews_due", "Reviews due"

    class Status(models.TextChoices):
        CLAIMED = "claimed", "Claimed"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="reminder_deliveries")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    period_key = models.CharField(max_length=20, help_text=_("Local day or ISO week it is for."))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.CLAIMED)
    claim_token = models.UUIDField(help_text=_("The run that claimed it."))
    context = models.JSONField(
        default=dict, help_text=_("What the email says, fixed at claim time.")
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        verbose_name_plural = "reminder deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=("user", "kind", "period_key"), name="one_reminder_per_kind_and_period"
            )
        ]
        indexes = [
            models.Index(fields=("user", "kind", "sent_at")),
            models.Index(fields=("claim_token", "status")),
            models.Index(fields=("claimed_at",), name="delivery_claimed_at"),  # retention
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.user} ({self.period_key}): {self.status}"


class IdempotencyKey(models.Model):
    """An API request made with an `Idempotency-Key` header, and the response it got, so that a
    retry with the same key and body gets the same answer. Kept at least 24 hours."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(
        null=True, help_text=_("None while in progress.")
    )
    response_body = models.JSONField(null=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=("user", "key"), name="idempotency_key_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.key}"


class CalendarFeed(models.Model):
    """A learner's plan as an iCalendar feed at a secret URL (tracker/calendar_feed.py). The
    URL carries `key` and an HMAC of it under SECRET_KEY, so the database alone does not give
    the URL away; a new key (a new link) or deleting the row (off) makes the old URL 404."""

    user = models.OneToOneField(
        User, on_delete=models.CASCADE, primary_key=True, related_name="calendar_feed"
    )
    key = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_fetched_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"calendar feed of {self.user_id}"
