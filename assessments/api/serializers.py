"""Input and output shapes of the skill-check API.

Nothing of a check's answer key leaves the server before the check is submitted: its questions
carry their choices' ids and texts only, and `result` is null. Once submitted, `result` holds
the grade and, per question, the choices sent, the right ones and the explanation."""

import math
from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from assessments import services
from assessments.models import CheckItem, Choice, Question, SkillCheck
from careers.models import PROFICIENCY_MAX, PROFICIENCY_MIN, Skill
from config.api import StrictIntegerField, StrictSerializerMixin

MAX_ID = 2**63 - 1  # BigAutoField
MAX_CHOICES = 20  # per answer; a question has a handful
MAX_ANSWERS = 50  # per submission; a check has QUESTIONS_PER_CHECK items

# What a check is now: open (answers can be sent), expired (the time ran out, with or without
# a late submission), passed or failed.
STATES = ("open", "expired", "passed", "failed")


def check_state(check: SkillCheck, now: Any) -> str:
    if check.submitted_at is None:
        return "open" if check.expires_at > now else "expired"
    if check.submitted_at > check.expires_at:  # closed by the time limit, as failed
        return "expired"
    return "passed" if check.passed else "failed"


def question_count(check: SkillCheck) -> int:
    counted = getattr(check, "question_count", None)  # annotated on lists
    return counted if counted is not None else len(check.items.all())


# --- Input --------------------------------------------------------------------------------------


class SkillCheckStartSerializer(StrictSerializerMixin, serializers.Serializer[Any]):
    """The skill and level to check."""

    skill = serializers.SlugRelatedField(
        slug_field="slug", queryset=Skill.objects.all(), help_text="The skill's slug."
    )
    level = StrictIntegerField(
        min_value=PROFICIENCY_MIN,
        max_value=PROFICIENCY_MAX,
        help_text="The level (1-5) a pass verifies.",
    )


class ReviewStartSerializer(StrictSerializerMixin, serializers.Serializer[Any]):
    """The skill to review."""

    skill = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Skill.objects.all(),
        help_text="The slug of a skill you hold (one you completed a step of or passed a check "
        "of).",
    )


class CheckAnswerSerializer(StrictSerializerMixin, serializers.Serializer[Any]):
    """The answer to one question of the check."""

    item = StrictIntegerField(
        min_value=1, max_value=MAX_ID, help_text="A question's `id` in the check's `questions`."
    )
    choices = serializers.ListField(
        child=StrictIntegerField(min_value=1, max_value=MAX_ID),
        max_length=MAX_CHOICES,
        help_text="The ids of the choices picked: one for a `single` question, any number for "
        "a `multiple` one; empty leaves the question unanswered.",
    )


class CheckSubmitSerializer(StrictSerializerMixin, serializers.Serializer[Any]):
    """Every answer of the check, sent at once."""

    answers = CheckAnswerSerializer(  # type: ignore[call-arg]  # a ListSerializer takes it
        many=True,
        max_length=MAX_ANSWERS,
        help_text="One answer per question at most; a question left out counts as unanswered.",
    )

    def validate_answers(self, answers: list[dict[str, Any]]) -> list[dict[str, Any]]:
        items = [answer["item"] for answer in answers]
        if len(items) != len(set(items)):
            raise serializers.ValidationError("Answer each question once.")
        return answers


# --- Output -------------------------------------------------------------------------------------


class CheckChoiceSerializer(serializers.ModelSerializer[Choice]):
    """A choice as a question shows it: never whether it is right."""

    class Meta:
        model = Choice
        fields = ("id", "text")
        read_only_fields = fields


class CheckQuestionSerializer(serializers.ModelSerializer[CheckItem]):
    id = serializers.IntegerField(
        read_only=True, help_text="The question's id in this check: `item` when answering."
    )
    kind = serializers.ChoiceField(
        source="question.kind",
        choices=Question.Kind.choices,
        read_only=True,
        help_text="single: pick one choice; multiple: pick every choice that applies.",
    )
    text = serializers.CharField(source="question.text", read_only=True)
    choices = CheckChoiceSerializer(source="question.choices", many=True, read_only=True)

    class Meta:
        model = CheckItem
        fields = ("id", "position", "kind", "text", "choices")
        read_only_fields = fields


class CheckScoreSerializer(serializers.Serializer[Any]):
    """The grade of a submitted check."""

    passed = serializers.BooleanField()
    correct_count = serializers.IntegerField(help_text="Questions answered right.")
    expired = serializers.SerializerMethodField(
        help_text="The time ran out before the answers came: counted as failed, none right."
    )

    def get_expired(self, check: SkillCheck) -> bool:
        return bool(check.submitted_at and check.submitted_at > check.expires_at)


class CheckItemResultSerializer(serializers.ModelSerializer[CheckItem]):
    item = serializers.IntegerField(source="pk", read_only=True)
    chosen = serializers.ListField(
        child=serializers.IntegerField(), read_only=True, help_text="The choice ids you sent."
    )
    correct_choices = serializers.SerializerMethodField(help_text="The right choices' ids.")
    correct = serializers.BooleanField(
        read_only=True,
        allow_null=True,
        help_text="Answered right: exactly the right choices (all of them for a `multiple` "
        "question); null when the time ran out before any answer came.",
    )
    explanation = serializers.CharField(source="question.explanation", read_only=True)
    source_url = serializers.CharField(
        source="question.source_url",
        read_only=True,
        help_text="The documentation the question is written from, or empty.",
    )

    class Meta:
        model = CheckItem
        fields = ("item", "chosen", "correct_choices", "correct", "explanation", "source_url")
        read_only_fields = fields

    def get_correct_choices(self, item: CheckItem) -> list[int]:
        return [choice.pk for choice in item.question.choices.all() if choice.is_correct]


class CheckResultSerializer(CheckScoreSerializer):
    """The grade of a submitted check, with the answer key and explanations."""

    items = CheckItemResultSerializer(many=True, source="items.all", help_text="In question order.")


@extend_schema_field(CheckScoreSerializer)
class ScoreField(serializers.Field):
    """The grade of a submitted check; null before (nothing of it exists yet)."""

    result_serializer: type[serializers.Serializer[Any]] = CheckScoreSerializer

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(source="*", read_only=True, allow_null=True, **kwargs)

    def to_representation(self, check: SkillCheck) -> Any:
        if check.submitted_at is None:
            return None  # nothing of the answer key before submission
        return self.result_serializer(check).data


@extend_schema_field(CheckResultSerializer)
class ResultField(ScoreField):
    result_serializer = CheckResultSerializer


class SkillCheckSummarySerializer(serializers.ModelSerializer[SkillCheck]):
    """A check in the learner's history."""

    skill: serializers.SlugRelatedField[Skill] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    skill_name = serializers.CharField(source="skill.name", read_only=True)
    state = serializers.SerializerMethodField(
        help_text="open: answers can be sent until `expires_at`; expired: the time ran out "
        "(a failed attempt); passed or failed: graded."
    )
    question_count = serializers.SerializerMethodField()
    pass_mark = serializers.SerializerMethodField(help_text="Right answers needed to pass.")
    result = ScoreField(help_text="The grade; null until submitted.")

    class Meta:
        model = SkillCheck
        fields: tuple[str, ...] = (
            "id",
            "skill",
            "skill_name",
            "level",
            "purpose",
            "state",
            "started_at",
            "expires_at",
            "submitted_at",
            "question_count",
            "pass_mark",
            "result",
        )
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=STATES))
    def get_state(self, check: SkillCheck) -> str:
        return check_state(check, self.context.get("now") or timezone.now())

    def get_question_count(self, check: SkillCheck) -> int:
        return question_count(check)

    def get_pass_mark(self, check: SkillCheck) -> int:
        reviewing = check.purpose == SkillCheck.Purpose.REVIEW
        mark = services.REVIEW_PASS_MARK if reviewing else services.PASS_MARK
        return math.ceil(mark * question_count(check))


class SkillCheckSerializer(SkillCheckSummarySerializer):
    """A check with its questions; after submission, with the answer key and explanations."""

    questions = CheckQuestionSerializer(source="items.all", many=True, read_only=True)
    result = ResultField(
        help_text="The grade with the right answers and explanations; null until submitted."
    )

    class Meta(SkillCheckSummarySerializer.Meta):
        fields = (*SkillCheckSummarySerializer.Meta.fields, "questions")
        read_only_fields = fields
