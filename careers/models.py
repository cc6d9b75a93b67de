"""The career catalogue: roles, the seniority ladder, skills, tools, requirements and salaries.

Integrity lives in database constraints, so curators in the admin and the catalogue loader
cannot store a row the rest of the product would misread.
"""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

PROFICIENCY_MIN = 1
PROFICIENCY_MAX = 5


class Provenance(models.TextChoices):
    """Where a piece of the catalogue comes from: the source article, or Pathwise's own model
    (anything the article does not say: the requirement matrix, level bands, estimates...)."""

    SOURCE = "source", _("From the source article")
    PATHWISE = "pathwise", _("Pathwise's own model")


def proficiency_check(field: str, name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{field}__gte": PROFICIENCY_MIN, f"{field}__lte": PROFICIENCY_MAX}),
        name=name,
        violation_error_message=f"Levels run from {PROFICIENCY_MIN} to {PROFICIENCY_MAX}.",
    )


class SeniorityLevel(models.Model):
    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=60)
    rank = models.PositiveSmallIntegerField(
        unique=True, help_text=_("Position on the ladder, 1 first.")
    )

    class Meta:
        ordering = ("rank",)

    def __str__(self) -> str:
        return self.name


class Skill(models.Model):
    class Category(models.TextChoices):
        FOUNDATIONS = "foundations", "Foundations"
        MODELLING = "modelling", "Modelling"
        SYSTEMS = "systems", "Systems"
        LLM_APPLICATION = "llm_application", "LLM application"
        OPERATIONS = "operations", "Operations"
        COLLABORATION = "collaboration", "Collaboration and product"

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=100)
    category = models.CharField(max_length=20, choices=Category.choices)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name


class Tool(models.Model):
    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=100)
    docs_url = models.URLField("documentation", blank=True)
    description = models.TextField(blank=True)
    skills = models.ManyToManyField(Skill, related_name="tools", blank=True)

    class Meta:
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name


class CatalogueSource(models.Model):
    """The text the catalogue is written from, named and dated once (catalogue.toml)."""

    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=200, help_text=_("A truthful description if it has none."))
    description = models.TextField(
        help_text=_("What it is, and what it does not say about itself.")
    )
    file_name = models.CharField(max_length=200, help_text=_("The copy Pathwise holds."))
    published_on = models.DateField(
        null=True, blank=True, help_text=_("Empty: the source gives no publication date.")
    )
    written_on = models.DateField("catalogue written on")
    revised_on = models.DateField("catalogue last revised on", null=True, blank=True)
    pathwise_model = models.TextField(
        "what is Pathwise's own model",
        blank=True,
        help_text=_("Everything the source does not say."),
    )

    class Meta:
        ordering = ("slug",)

    def __str__(self) -> str:
        return self.title


def provenance_field(verbose_name: str) -> models.CharField:
    return models.CharField(
        verbose_name, max_length=10, choices=Provenance.choices, default=Provenance.SOURCE
    )


class Role(models.Model):
    class MathDepth(models.TextChoices):
        WORKING = "working", "Working knowledge"
        STRONG = "strong", "Strong"
        DEEP = "deep", "Deep"

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=100)
    summary = models.TextField(help_text=_("The core distinction: what this role does."))
    stack_position = models.TextField("where it sits in the AI stack")
    day_in_the_life = models.JSONField(
        default=list, blank=True, help_text=_("A list of short items.")
    )
    trajectory = models.TextField("career trajectory", blank=True)
    math_depth = models.CharField(max_length=10, choices=MathDepth.choices)
    tools = models.ManyToManyField(Tool, related_name="roles", blank=True, verbose_name="toolchain")
    position = models.PositiveSmallIntegerField(default=0, help_text=_("Order in the catalogue."))
    source = models.ForeignKey(
        CatalogueSource, on_delete=models.SET_NULL, null=True, blank=True, related_name="roles"
    )
    day_in_the_life_context = models.CharField(
        max_length=200,
        blank=True,
        help_text=_(
            'How the source introduces the list, e.g. "A typical day for an ML engineer at '
            'a UK tech company might include:".'
        ),
    )
    day_in_the_life_provenance = provenance_field("day in the life from")
    toolchain_provenance = provenance_field("toolchain from")
    math_depth_provenance = provenance_field("maths depth from")
    model_note = models.TextField(
        "what the requirement matrix assumes",
        blank=True,
        help_text=_("The requirement matrix is always Pathwise's own model; say what it assumes."),
    )

    class Meta:
        ordering = ("position", "name")

    def __str__(self) -> str:
        return self.name


class RoleRequirement(models.Model):
    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="requirements")
    level = models.ForeignKey(SeniorityLevel, on_delete=models.PROTECT, related_name="+")
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="requirements")
    target_level = models.PositiveSmallIntegerField(help_text=_("Proficiency needed, 1-5."))
    weight = models.PositiveSmallIntegerField(default=1, help_text=_("Relative importance, > 0."))

    class Meta:
        ordering = ("role", "level__rank", "skill__name")
        constraints = [
            models.UniqueConstraint(
                fields=("role", "level", "skill"),
                name="requirement_unique_per_role_level_skill",
                violation_error_message="This role and level already require that skill.",
            ),
            proficiency_check("target_level", "requirement_target_level_1_to_5"),
            models.CheckConstraint(
                condition=Q(weight__gt=0),
                name="requirement_weight_positive",
                violation_error_message="Weight must be greater than 0.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.role} / {self.level}: {self.skill} ≥ {self.target_level}"


class SalaryBand(models.Model):
    """A UK salary range in GBP as the source gives it; a band it does not give is absent."""

    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="salary_bands")
    level = models.ForeignKey(SeniorityLevel, on_delete=models.PROTECT, related_name="+")
    employer_kind = models.CharField(max_length=200)
    min_gbp = models.PositiveIntegerField()
    max_gbp = models.PositiveIntegerField()
    open_ended = models.BooleanField(
        default=False, help_text=_('The source gives the maximum with a "+", as in "£180k+".')
    )
    source_note = models.TextField(help_text=_("Where the figure comes from, quoted."))

    class Meta:
        ordering = ("role", "level__rank", "min_gbp")
        constraints = [
            models.UniqueConstraint(
                fields=("role", "level", "employer_kind"),
                name="salary_band_unique_per_role_level_employer",
            ),
            models.CheckConstraint(
                condition=Q(min_gbp__lte=F("max_gbp")),
                name="salary_band_min_not_above_max",
                violation_error_message="The minimum salary cannot be above the maximum.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.role} / {self.level} ({self.employer_kind}): {self.display_range}"

    @property
    def display_range(self) -> str:
        plus = "+" if self.open_ended else ""
        return f"£{self.min_gbp // 1000}k–£{self.max_gbp // 1000}k{plus}"


class Background(models.Model):
    """Where a learner comes from, and the role the source recommends for it."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=100)
    recommended_role = models.ForeignKey(Role, on_delete=models.PROTECT, related_name="+")
    rationale = models.TextField()
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ("position", "name")

    def __str__(self) -> str:
        return self.name


class FrequentQuestion(models.Model):
    question = models.CharField(max_length=200, unique=True)
    answer = models.TextField()
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ("position",)

    def __str__(self) -> str:
        return self.question


class ComparisonAdvice(models.Model):
    """One item of "Which should you target?" for a pair of roles compared side by side,
    labelled by where it comes from. The loader stores a pair with its slugs in order."""

    first_role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="+")
    second_role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)
    text = models.TextField()
    provenance = models.CharField(max_length=10, choices=Provenance.choices)

    class Meta:
        ordering = ("first_role", "second_role", "position")
        verbose_name_plural = "comparison advice"
        constraints = [
            models.UniqueConstraint(
                fields=("first_role", "second_role", "position"),
                name="comparison_advice_unique_position",
            ),
            models.CheckConstraint(
                condition=~Q(first_role=F("second_role")),
                name="comparison_advice_two_roles",
                violation_error_message="Advice compares two different roles.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_role} vs {self.second_role} #{self.position}"


class CatalogueRecord(models.Model):
    """What the catalogue loader last wrote to a row, so that it can tell a curator's edit
    (the row no longer matches) from its own earlier load, and leave the edit alone."""

    model = models.CharField(max_length=60)
    key = models.CharField(max_length=300)
    fingerprint = models.CharField(max_length=64)
    loaded_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=("model", "key"), name="catalogue_record_unique")
        ]

    def __str__(self) -> str:
        return f"{self.model} {self.key}"
