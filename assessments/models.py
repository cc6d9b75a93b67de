"""Question banks per skill and level, curated in the admin (Pathwise's own, shipped from
assessments/data/questions/ and editable by curators), and the skill checks learners take."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from careers.models import Skill, proficiency_check


class Question(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", _("One answer")
        MULTIPLE = "multiple", _("Select all that apply")

    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="questions")
    level = models.PositiveSmallIntegerField(help_text=_("The level (1-5) a pass proves."))
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.SINGLE)
    text = models.TextField()
    explanation = models.TextField(help_text=_("Shown after the check: why the answer is right."))
    source_url = models.URLField(
        max_length=500, blank=True, help_text=_("The documentation the question is written from.")
    )
    is_active = models.BooleanField(
        default=True, help_text=_("Retired questions are no longer drawn; past results keep them.")
    )
    # The bank file's identity for the question, and the hash of its content as last loaded
    # (a curator's later edit makes the row differ from it, and the loader then keeps the edit);
    # both empty for a question a curator wrote.
    bank_key = models.CharField(max_length=40, blank=True, editable=False)
    bank_hash = models.CharField(max_length=40, blank=True, editable=False)

    class Meta:
        ordering = ("skill__name", "level", "pk")
        indexes = [models.Index(fields=["skill", "level", "is_active"])]
        constraints = [
            proficiency_check("level", "question_level_1_to_5"),
            models.UniqueConstraint(
                fields=["bank_key"], condition=~Q(bank_key=""), name="question_bank_key_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    position = models.PositiveSmallIntegerField()
    text = models.CharField(max_length=500)
    is_correct = models.BooleanField(default=False)

    class Meta:
        ordering = ("position",)
        constraints = [
            models.UniqueConstraint(fields=["question", "position"], name="choice_position_unique")
        ]

    def __str__(self) -> str:
        return self.text


class SkillCheck(models.Model):
    """A learner's attempt at one skill and level: questions drawn from the bank, answered
    once, graded on the server. A verification proves the level; a review refreshes the
    learner's memory of a skill they hold (assessments/services.py)."""

    class Purpose(models.TextChoices):
        VERIFY = "verify", _("Skill check")
        REVIEW = "review", _("Review")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="skill_checks"
    )
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField()
    purpose = models.CharField(max_length=10, choices=Purpose.choices, default=Purpose.VERIFY)
    started_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    submitted_at = models.DateTimeField(null=True, blank=True)
    correct_count = models.PositiveSmallIntegerField(null=True, blank=True)
    passed = models.BooleanField(null=True, blank=True, help_text=_("None until submitted."))

    class Meta:
        indexes = [
            models.Index(fields=["user", "skill", "-started_at"]),
            # The retention of checks never answered (tracker/retention.py), by expiry.
            models.Index(
                fields=["expires_at"],
                condition=Q(submitted_at__isnull=True, passed__isnull=True),
                name="check_abandoned_idx",
            ),
        ]
        constraints = [proficiency_check("level", "skill_check_level_1_to_5")]

    def __str__(self) -> str:
        return f"check {self.pk}"


class CheckItem(models.Model):
    skill_check = models.ForeignKey(SkillCheck, on_delete=models.CASCADE, related_name="items")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField()
    chosen = models.JSONField(default=list, help_text=_("The choice ids answered."))
    correct = models.BooleanField(null=True, blank=True)

    class Meta:
        ordering = ("position",)
        constraints = [
            models.UniqueConstraint(
                fields=["skill_check", "position"], name="check_item_position_unique"
            )
        ]

    def __str__(self) -> str:
        return f"item {self.position}"


class MemoryState(models.Model):
    """How well a learner holds a skill: an FSRS card (the `fsrs` package's scheduler updates
    it on every review: a step completed, a check passed, a review done)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memory_states"
    )
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="+")
    level = models.PositiveSmallIntegerField(
        default=1, help_text=_("The highest level reviewed: what a review checks.")
    )
    state = models.PositiveSmallIntegerField(
        help_text=_("FSRS state: 1 learning, 2 review, 3 relearning.")
    )
    step = models.PositiveSmallIntegerField(null=True, blank=True)
    stability = models.FloatField(
        null=True, blank=True, help_text=_("Days until recall falls to 90%.")
    )
    difficulty = models.FloatField(null=True, blank=True)
    due = models.DateTimeField()
    last_review = models.DateTimeField(null=True, blank=True)
    reviews = models.PositiveIntegerField(default=0)
    lapsed = models.BooleanField(
        default=False,
        help_text=_("The last review was failed: the skill counts at its floor until one passes."),
    )
    fades_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_("When the retained level next drops (none once at its floor)."),
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "skill"], name="memory_state_per_user_skill")
        ]
        indexes = [
            models.Index(fields=["user", "due"]),
            models.Index(
                fields=["fades_at"], condition=Q(fades_at__isnull=False), name="memory_fades_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"memory of skill {self.skill_id}"
