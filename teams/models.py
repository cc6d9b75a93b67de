"""Cohorts: a lead (a team lead, a bootcamp teacher) invites learners by email and assigns
paths toward a target role and level. Learners join by accepting an invite; what the lead sees
of them is aggregates over at least MIN_GROUP learners (teams/reports.py), plus the detail of
those who chose to share it."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from careers.models import Role, SeniorityLevel
from paths.models import LearningPath


class Cohort(models.Model):
    name = models.CharField(max_length=100)
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="led_cohorts"
    )
    target_role = models.ForeignKey(Role, on_delete=models.PROTECT, related_name="+")
    target_level = models.ForeignKey(SeniorityLevel, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("name", "pk")

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A learner in a cohort. Deleted when they leave: their data then counts in no figure."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    joined_at = models.DateTimeField(auto_now_add=True)
    shares_detail = models.BooleanField(
        default=False,
        help_text=_("The learner lets the lead see their own readiness and progress."),
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=("cohort", "user"), name="one_membership_per_cohort")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.cohort_id}"


class Invite(models.Model):
    """A single-use, expiring invitation for one email address. Its link carries `key` and an
    HMAC of it (teams/invites.py), so the link is not stored and the email can be re-sent."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="invites")
    email = models.EmailField()
    key = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ("-created_at", "-pk")
        constraints = [
            # One open invite per address and cohort: inviting again re-sends it.
            models.UniqueConstraint(
                fields=("cohort", "email"),
                condition=Q(accepted_at__isnull=True),
                name="one_open_invite_per_email",
            )
        ]

    def __str__(self) -> str:
        return f"invite to {self.cohort_id} for {self.email}"


class Assignment(models.Model):
    """A path the lead asks the cohort to follow, by a due date."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="assignments")
    path = models.ForeignKey(LearningPath, on_delete=models.PROTECT, related_name="+")
    due_date = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("due_date", "pk")
        constraints = [
            models.UniqueConstraint(fields=("cohort", "path"), name="one_assignment_per_path")
        ]

    def __str__(self) -> str:
        return f"{self.path_id} for {self.cohort_id} by {self.due_date}"
