"""Curated learning paths: ordered steps, and the skills each step teaches."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from careers.models import Role, SeniorityLevel, Skill, proficiency_check


class LearningPath(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        ARCHIVED = "archived", _("Archived")

    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=200)
    role = models.ForeignKey(Role, on_delete=models.PROTECT, related_name="paths")
    level = models.ForeignKey(SeniorityLevel, on_delete=models.PROTECT, related_name="+")
    summary = models.TextField()
    sequential = models.BooleanField(
        default=False, help_text=_("Steps must be completed after their prerequisites.")
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    curated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    # A published path is edited in a draft copy; publishing the copy applies it onto this path
    # (paths/services.py: path_draft_publish), so learners see nothing until then.
    draft_of = models.OneToOneField(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="draft",
        verbose_name=_("draft copy of"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("role", "level__rank", "title")
        indexes = [models.Index(fields=("status", "role", "level"))]

    def __str__(self) -> str:
        return self.title


class Step(models.Model):
    class Kind(models.TextChoices):
        READ = "read", _("Read")
        COURSE = "course", _("Course")
        EXERCISE = "exercise", _("Exercise")
        PROJECT = "project", _("Project")
        ASSESSMENT = "assessment", _("Assessment")

    path = models.ForeignKey(LearningPath, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    resource_url = models.URLField(blank=True)
    estimated_minutes = models.PositiveIntegerField()
    prerequisites = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="unlocks"
    )
    skills: "models.ManyToManyField[Skill, StepSkill]" = models.ManyToManyField(
        Skill, through="StepSkill", related_name="steps"
    )
    # In a draft copy: the published path's step this one edits (None for a new step).
    draft_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ("path", "position")
        constraints = [
            models.UniqueConstraint(
                fields=("path", "position"),
                name="step_position_unique_per_path",
                violation_error_message=_("Another step of this path has that position."),
            ),
            models.CheckConstraint(condition=Q(position__gte=1), name="step_position_from_1"),
            models.CheckConstraint(
                condition=Q(estimated_minutes__gt=0), name="step_estimated_minutes_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"


class StepSkill(models.Model):
    step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="step_skills")
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="step_skills")
    level = models.PositiveSmallIntegerField(
        help_text=_("Proficiency the step brings you to, 1-5.")
    )

    class Meta:
        ordering = ("step", "skill__name")
        constraints = [
            models.UniqueConstraint(fields=("step", "skill"), name="step_skill_unique"),
            proficiency_check("level", "step_skill_level_1_to_5"),
        ]

    def __str__(self) -> str:
        return f"{self.skill} → {self.level}"
