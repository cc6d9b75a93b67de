"""Input and output shapes of the learner API. Inputs refuse unknown and read-only fields;
`user`, scores, timestamps and staff flags can never be written."""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from assessments.api.serializers import SkillCheckSummarySerializer
from careers.bands import band, bands_documentation
from careers.models import Background, Role, SeniorityLevel, Skill
from config.api import (
    AwareDateTimeField,
    OptionalURLField,
    SomeChangeMixin,
    StrictIntegerField,
    StrictSerializerMixin,
    StrictUUIDField,
)
from config.openapi import FIELD_ERRORS_SCHEMA
from paths.models import LearningPath, Step
from tracker import calendar_feed
from tracker.models import (
    MINUTES_PER_DAY,
    MINUTES_PER_WEEK,
    CalendarFeed,
    Enrolment,
    LearnerProfile,
    ProgressEntry,
    ReadinessScore,
    ReadinessSnapshot,
    ReminderDelivery,
    SkillClaim,
    User,
)
from tracker.services import PROFILE_FIELDS

# --- Profile ------------------------------------------------------------------------------


class ProfileSerializer(
    SomeChangeMixin, StrictSerializerMixin, serializers.ModelSerializer[LearnerProfile]
):
    email = serializers.EmailField(source="user.email", read_only=True)
    background = serializers.SlugRelatedField(
        slug_field="slug", queryset=Background.objects.all(), allow_null=True, required=False
    )
    target_role = serializers.SlugRelatedField(
        slug_field="slug", queryset=Role.objects.all(), allow_null=True, required=False
    )
    target_level = serializers.SlugRelatedField(
        slug_field="slug", queryset=SeniorityLevel.objects.all(), allow_null=True, required=False
    )
    weekly_goal_minutes = StrictIntegerField(
        min_value=0, max_value=MINUTES_PER_WEEK, required=False
    )
    inactivity_days = StrictIntegerField(min_value=1, max_value=60, required=False)
    preferred_hour = StrictIntegerField(min_value=0, max_value=23, required=False)
    quiet_hours_start = StrictIntegerField(
        min_value=0, max_value=23, required=False, allow_null=True
    )
    quiet_hours_end = StrictIntegerField(min_value=0, max_value=23, required=False, allow_null=True)

    class Meta:
        model = LearnerProfile
        fields = ("email", *PROFILE_FIELDS)


class PasswordConfirmSerializer(StrictSerializerMixin, serializers.Serializer[Any]):
    password = serializers.CharField(max_length=200, help_text="The account's current password.")


# --- Enrolments ---------------------------------------------------------------------------


class PathRefSerializer(serializers.ModelSerializer[LearningPath]):
    class Meta:
        model = LearningPath
        fields = ("slug", "title")


class EnrolmentSerializer(serializers.ModelSerializer[Enrolment]):
    path = PathRefSerializer(read_only=True)

    class Meta:
        model = Enrolment
        fields = ("id", "path", "status", "target_date", "enrolled_at", "completed_at")
        read_only_fields = fields


class EnrolmentCreateSerializer(StrictSerializerMixin, serializers.Serializer[Any]):
    path = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=LearningPath.objects.filter(status=LearningPath.Status.PUBLISHED),
        help_text="Slug of a published path.",
    )
    target_date = serializers.DateField(required=False, allow_null=True)


class EnrolmentUpdateSerializer(
    SomeChangeMixin, StrictSerializerMixin, serializers.Serializer[Any]
):
    status = serializers.ChoiceField(choices=Enrolment.Status.choices, required=False)
    target_date = serializers.DateField(required=False, allow_null=True)


# --- Progress ---------------------------------------------------------------------------------


class ProgressEntrySerializer(serializers.ModelSerializer[ProgressEntry]):
    evidence_url = OptionalURLField(read_only=True)

    class Meta:
        model = ProgressEntry
        fields = (
            "id",
            "enrolment",
            "step",
            "minutes",
            "status",
            "note",
            "evidence_url",
            "occurred_at",
            "client_id",
            "created_at",
        )
        read_only_fields = fields


MAX_ID = 2**63 - 1  # BigAutoField


class ProgressCreateSerializer(StrictSerializerMixin, serializers.Serializer[Any]):
    enrolment = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, help_text="Id of one of your enrolments."
    )
    step = serializers.PrimaryKeyRelatedField(
        queryset=Step.objects.all(), help_text="Id of a step of the enrolment's path."
    )
    minutes = StrictIntegerField(min_value=0, max_value=MINUTES_PER_DAY)
    status = serializers.ChoiceField(
        choices=ProgressEntry.Status.choices, default=ProgressEntry.Status.STARTED
    )
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    evidence_url = OptionalURLField(default="")
    occurred_at = AwareDateTimeField(
        required=False,
        help_text="With its UTC offset (a time without one is refused); defaults to now.",
    )
    client_id = StrictUUIDField(
        required=False, help_text="Made by the client; the same id never creates two entries."
    )

    def validate_enrolment(self, pk: int) -> Enrolment:
        """A reference only: the service reads the enrolment under its lock and refuses one
        that is not the requester's (one query, instead of one here and one there)."""
        return Enrolment(pk=pk, user=self.context["request"].user)


@extend_schema_field(ProgressCreateSerializer(many=True))
class BatchEntriesField(serializers.ListField):
    """Any objects at runtime: the view validates each entry on its own (ProgressCreateSerializer)
    so that each gets its own answer; the schema gives them the create input's shape."""


@extend_schema_field(FIELD_ERRORS_SCHEMA)
class FieldErrorsField(serializers.ListField):
    """[{field, message}], as config.api.field_errors() makes them."""


class ProgressBatchSerializer(StrictSerializerMixin, serializers.Serializer[Any]):
    checked_per_item = ("entries",)  # each entry gets its own answer
    entries = BatchEntriesField(
        child=serializers.DictField(),
        min_length=1,
        max_length=100,
        help_text="1 to 100 entries, each as `POST /api/v1/progress/` takes it.",
    )


class ProgressBatchResultSerializer(serializers.Serializer[Any]):
    index = serializers.IntegerField(help_text="The entry's position in `entries`, from 0.")
    status = serializers.IntegerField(
        help_text="As `POST /api/v1/progress/` would answer for this entry: 201 created, 200 "
        "replayed (already logged); 400, 409 or 422 refused (see `errors`; resending it "
        "unchanged gives the same); 503 not saved this time: retry this entry later."
    )
    entry = ProgressEntrySerializer(required=False, help_text="The entry, when 200 or 201.")
    errors = FieldErrorsField(  # type: ignore[assignment]  # a field, not .errors
        child=serializers.DictField(),
        required=False,
        help_text="What was wrong, when refused or not saved: [{field, message}].",
    )


# --- Skill claims -----------------------------------------------------------------------------


class SkillClaimSerializer(StrictSerializerMixin, serializers.ModelSerializer[SkillClaim]):
    skill = serializers.SlugRelatedField(slug_field="slug", queryset=Skill.objects.all())
    level = StrictIntegerField(min_value=1, max_value=5)
    evidence_url = OptionalURLField()

    class Meta:
        model = SkillClaim
        fields = ("id", "skill", "level", "evidence_url", "note", "created_at", "updated_at")
        read_only_fields: tuple[str, ...] = ("id", "created_at", "updated_at")
        extra_kwargs = {"note": {"max_length": 2000}}


class SkillClaimUpdateSerializer(SomeChangeMixin, SkillClaimSerializer):
    # Declared again: Meta.read_only_fields does not apply to a field declared on the parent.
    skill: serializers.SlugRelatedField[Skill] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )

    class Meta(SkillClaimSerializer.Meta):
        read_only_fields = ("id", "skill", "created_at", "updated_at")


# --- Readiness ---------------------------------------------------------------------------------


class EvidenceSerializer(serializers.Serializer[Any]):
    source = serializers.ChoiceField(  # type: ignore[assignment]  # a field, not .source
        choices=["check", "step", "self_claim"],
        allow_null=True,
        help_text="What gave the current level: a passed skill check, a completed step (counted "
        "at 4/5 until verified), your own claim (at 1/2), or nothing.",
    )
    kind = serializers.CharField(required=False, help_text="The step's kind (source: step).")
    step_title = serializers.CharField(required=False)
    taught = serializers.IntegerField(required=False, help_text="The level the step teaches.")
    counts_up_to = serializers.IntegerField(
        required=False, help_text="The most a step of this kind proves (Pathwise's model)."
    )
    capped = serializers.BooleanField(
        required=False, help_text="The step teaches more than its kind can prove."
    )
    claimed = serializers.IntegerField(required=False, help_text="Your claim (self_claim).")
    verified = serializers.BooleanField(help_text="The current level is proven by a skill check.")
    checked_level = serializers.IntegerField(
        allow_null=True, help_text="The highest level of a skill check you passed, if any."
    )
    retained = serializers.FloatField(
        help_text="The share (0.5-1) of the level you showed that counts now: skills fade once "
        "their review falls due (FSRS), to no less than half."
    )
    recall = serializers.FloatField(
        allow_null=True,
        help_text="The chance (0-1) you recall the skill today (FSRS retrievability); null when "
        "nothing you did reviewed it yet.",
    )
    fading = serializers.BooleanField(help_text="Less than all of it counts: review to restore.")
    restore_points = serializers.FloatField(help_text="Readiness points a review would restore.")
    note = serializers.CharField(help_text='E.g. "read: counts up to 2; a project … proves more".')


class BreakdownLineSerializer(serializers.Serializer[Any]):
    skill = serializers.SlugField()
    name = serializers.CharField()
    target = serializers.IntegerField()
    target_band = serializers.SerializerMethodField(help_text=f"Levels: {bands_documentation()}")
    weight = serializers.IntegerField()
    current = serializers.FloatField()
    earned = serializers.FloatField()
    possible = serializers.FloatField()
    evidence = EvidenceSerializer(required=False)

    def get_target_band(self, line: dict[str, Any]) -> str:
        found = band(line["target"])
        return found.name if found else ""


class ReadinessScoreSerializer(serializers.ModelSerializer[ReadinessScore]):
    role: serializers.SlugRelatedField[Role] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    level: serializers.SlugRelatedField[SeniorityLevel] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    score = serializers.FloatField(
        allow_null=True, help_text="0-100; null when the role and level have no requirements."
    )

    class Meta:
        model = ReadinessScore
        fields: tuple[str, ...] = ("role", "level", "score", "computed_at")


class StepRefSerializer(serializers.Serializer[Any]):
    step = serializers.IntegerField(source="pk")
    title = serializers.CharField()
    kind = serializers.CharField()
    estimated_minutes = serializers.IntegerField()


class NextStepSerializer(serializers.Serializer[Any]):
    step = serializers.IntegerField(
        source="step.pk", help_text="The step to log now: its prerequisites are done."
    )
    title = serializers.CharField(source="step.title")
    kind = serializers.CharField(source="step.kind")
    path = serializers.SlugField(source="step.path.slug")
    path_title = serializers.CharField(source="step.path.title")
    enrolment = serializers.IntegerField(
        source="enrolment_id",
        allow_null=True,
        help_text="Your enrolment to log it on; null: enrol on `path` first.",
    )
    estimated_minutes = serializers.IntegerField(source="step.estimated_minutes")
    chain = StepRefSerializer(
        many=True,
        help_text="Every step of this suggestion in order: `step` first, then the steps it "
        "unlocks, up to the one the gain is for.",
    )
    minutes = serializers.IntegerField(help_text="Estimated minutes of the whole chain.")
    gain = serializers.FloatField(help_text="Readiness points the whole chain adds.")
    gain_per_hour = serializers.FloatField()


class ReviewSuggestionSerializer(serializers.Serializer[Any]):
    skill = serializers.SlugField()
    name = serializers.CharField()
    restore_points = serializers.FloatField(
        source="evidence.restore_points", help_text="Readiness points a passed review restores."
    )
    retained = serializers.FloatField(
        source="evidence.retained", help_text="The share (0.5-1) of the skill that counts now."
    )


class ReadinessDetailSerializer(ReadinessScoreSerializer):
    breakdown = BreakdownLineSerializer(many=True)
    reviews = ReviewSuggestionSerializer(
        many=True,
        help_text="Fading skills a review would restore points to, most first "
        "(POST /api/v1/reviews/ with the skill): the first of the next best steps.",
    )
    next_steps = NextStepSerializer(many=True)
    model_note = serializers.CharField(help_text="What in this answer is Pathwise's own model.")

    class Meta(ReadinessScoreSerializer.Meta):
        fields = (
            *ReadinessScoreSerializer.Meta.fields,
            "breakdown",
            "reviews",
            "next_steps",
            "model_note",
        )


class SkillMemorySerializer(serializers.Serializer[Any]):
    skill = serializers.SlugField(source="skill.slug")
    name = serializers.CharField(source="skill.name")
    level = serializers.IntegerField(
        help_text="The highest level you showed: what a review checks."
    )
    recall = serializers.FloatField(
        source="retrievability",
        help_text="The chance (0-1) you recall the skill today (FSRS retrievability).",
    )
    retained = serializers.FloatField(
        source="retained_fraction",
        help_text="The share (0.5-1) of the level you showed that counts in readiness today.",
    )
    fading = serializers.BooleanField(help_text="Less than all of it counts: review to restore.")
    lapsed = serializers.BooleanField(
        help_text="The last review failed: it counts at half until a review passes."
    )
    due = serializers.BooleanField(
        help_text="Recall is below your desired retention, or the skill lapsed: a review is due "
        "(POST /api/v1/reviews/ with this skill)."
    )


class SnapshotSerializer(serializers.ModelSerializer[ReadinessSnapshot]):
    class Meta:
        model = ReadinessSnapshot
        fields = ("day", "score")


class RecommendationSerializer(serializers.Serializer[Any]):
    role = serializers.SlugField(source="role_slug", allow_null=True)
    role_name = serializers.CharField(allow_null=True, help_text="The role's display name.")
    reasons = serializers.ListField(child=serializers.CharField())


# --- Dashboard ---------------------------------------------------------------------------------


class PaceSerializer(serializers.Serializer[Any]):
    remaining_minutes = serializers.IntegerField()
    minutes_per_week = serializers.FloatField()
    projected_finish = serializers.DateField(allow_null=True)
    on_track = serializers.BooleanField(allow_null=True)


class EnrolmentProgressSerializer(serializers.Serializer[Any]):
    enrolment = EnrolmentSerializer()
    steps_total = serializers.IntegerField()
    steps_done = serializers.IntegerField()
    percent_done = serializers.IntegerField()
    pace = PaceSerializer()
    continue_step = StepRefSerializer(
        allow_null=True,
        help_text="Where to continue: the first step not completed whose prerequisites are; "
        "null when every step is completed.",
    )


class StreakSerializer(serializers.Serializer[Any]):
    current = serializers.IntegerField(help_text="Days in a row with something logged.")
    longest = serializers.IntegerField()
    at_risk = serializers.BooleanField(
        help_text="The current streak needs something logged today to go on (true when it is "
        "above 0 and nothing is logged today yet)."
    )


class RoundedScoreField(serializers.FloatField):
    """A score as shown to people: one decimal."""

    def to_representation(self, value: Any) -> Any:
        return round(float(value), 1)


class DashboardScoreSerializer(serializers.ModelSerializer[ReadinessScore]):
    role: serializers.SlugRelatedField[Role] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    role_name = serializers.CharField(source="role.name", read_only=True)
    level: serializers.SlugRelatedField[SeniorityLevel] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    level_name = serializers.CharField(source="level.name", read_only=True)
    score = RoundedScoreField(
        allow_null=True,
        help_text="0-100, one decimal (as shown); null when the role and level have no "
        "requirements. GET /api/v1/readiness/ gives the unrounded figure.",
    )

    class Meta:
        model = ReadinessScore
        fields = ("role", "role_name", "level", "level_name", "score", "computed_at")


class WeekSerializer(serializers.Serializer[Any]):
    start = serializers.DateField(
        source="week_start", help_text="Monday of this week, your local date."
    )
    minutes = serializers.IntegerField(
        source="minutes_this_week", help_text="Logged from Monday (local) to now."
    )
    goal_minutes = serializers.IntegerField(
        source="profile.weekly_goal_minutes", help_text="Your weekly goal; 0 when none is set."
    )


class DashboardSerializer(serializers.Serializer[Any]):
    today = serializers.DateField()
    enrolments = EnrolmentProgressSerializer(many=True)
    target = DashboardScoreSerializer(source="target_score", allow_null=True)
    next_steps_for = DashboardScoreSerializer(
        allow_null=True,
        help_text="The role and level the next steps work towards: your target, or without "
        "one the role recommended for you.",
    )
    next_steps = NextStepSerializer(many=True)
    streak = StreakSerializer(source="streaks")
    minutes_per_week = serializers.FloatField(help_text="Average of recent weeks.")
    weekly_goal_minutes = serializers.IntegerField(source="profile.weekly_goal_minutes")
    week = WeekSerializer(source="*", help_text="This week's minutes against the weekly goal.")


# --- Export ------------------------------------------------------------------------------------


class AccountSerializer(serializers.ModelSerializer[User]):
    class Meta:
        model = User
        fields = ("email", "first_name", "last_name", "date_joined", "last_login")
        read_only_fields = fields


class ExportSnapshotSerializer(serializers.ModelSerializer[ReadinessSnapshot]):
    role: serializers.SlugRelatedField[Role] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    level: serializers.SlugRelatedField[SeniorityLevel] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )

    class Meta:
        model = ReadinessSnapshot
        fields = ("role", "level", "day", "score")


class ReminderDeliverySerializer(serializers.ModelSerializer[ReminderDelivery]):
    class Meta:
        model = ReminderDelivery
        fields = ("kind", "period_key", "status", "claimed_at", "sent_at")
        read_only_fields = fields


class CalendarFeedSerializer(serializers.Serializer[Any]):
    url = serializers.SerializerMethodField(
        help_text="The secret iCalendar (RFC 5545) URL: anyone with it sees your plan's steps."
    )
    webcal_url = serializers.SerializerMethodField(
        help_text="The same URL with the webcal scheme, which calendar apps open to subscribe."
    )
    created_at = serializers.DateTimeField()
    last_fetched_at = serializers.DateTimeField(
        allow_null=True,
        help_text="When a calendar last read it (written at most hourly); null: never.",
    )

    def get_url(self, feed: CalendarFeed) -> str:
        return calendar_feed.feed_url(feed)

    def get_webcal_url(self, feed: CalendarFeed) -> str:
        return calendar_feed.webcal_url(feed)


class ExportSerializer(serializers.Serializer[Any]):
    """Everything stored about the learner, each part in the shape its API endpoint gives."""

    account = AccountSerializer()
    profile = ProfileSerializer(help_text="As GET /api/v1/me/ gives it.")
    enrolments = EnrolmentSerializer(many=True, help_text="Withdrawn ones included.")
    progress = ProgressEntrySerializer(many=True)
    skill_claims = SkillClaimSerializer(many=True)
    readiness = ReadinessScoreSerializer(many=True)
    readiness_history = ExportSnapshotSerializer(many=True)
    reminders = ReminderDeliverySerializer(many=True, help_text="Reminder emails sent or due.")
    skill_checks = SkillCheckSummarySerializer(
        many=True, help_text="Skill checks and reviews, as GET /api/v1/checks/ lists them."
    )
    memory = SkillMemorySerializer(many=True, help_text="As GET /api/v1/memory/ gives it.")
    calendar_feed = CalendarFeedSerializer(
        allow_null=True, help_text="As GET /api/v1/plan/calendar/ gives it; null: none."
    )


# --- Plan --------------------------------------------------------------------------------------


class PlanQuerySerializer(serializers.Serializer[Any]):
    weekly_minutes = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MINUTES_PER_WEEK,
        help_text="What if: plan at this many minutes a week instead of your weekly goal.",
    )


class PlanItemSerializer(serializers.Serializer[Any]):
    step = serializers.IntegerField(source="step.pk")
    title = serializers.CharField(source="step.title")
    kind = serializers.CharField(source="step.kind")
    path = serializers.SlugField(source="step.path.slug")
    enrolment = serializers.IntegerField(
        source="enrolment_id",
        allow_null=True,
        help_text="Your enrolment to log it on; null: enrol on `path` first.",
    )
    minutes = serializers.IntegerField(help_text="Minutes of it planned this week.")
    finishes = serializers.BooleanField(help_text="The step is finished this week.")


class PlanWeekSerializer(serializers.Serializer[Any]):
    start = serializers.DateField(help_text="The week's Monday, in your time zone.")
    minutes = serializers.IntegerField()
    readiness = serializers.FloatField(help_text="Projected readiness at the end of the week.")
    items = PlanItemSerializer(many=True)


class PausedEnrolmentSerializer(serializers.Serializer[Any]):
    enrolment = serializers.IntegerField(source="pk")
    path = serializers.SlugField(source="path.slug")


class PlanSerializer(serializers.Serializer[Any]):
    role = serializers.SlugField(source="role.slug")
    level = serializers.SlugField(source="level.slug")
    target = serializers.FloatField(
        help_text="The readiness the plan aims at (Pathwise's choice: 80, what completed steps "
        "alone can reach; skill checks take it further)."
    )
    readiness_now = serializers.FloatField()
    weekly_minutes = serializers.IntegerField()
    pace = serializers.FloatField(
        help_text="Your real minutes over the estimates, from the steps you completed (0.5-2): "
        "the plan's estimates are multiplied by it."
    )
    weeks = PlanWeekSerializer(
        many=True, help_text="Week by week, from this week; the first has what is left of it."
    )
    reaches_target_on = serializers.DateField(
        allow_null=True,
        help_text="The day of the study sitting that reaches the target (today when it is "
        "reached already); null: the steps on offer never reach it.",
    )
    target_date = serializers.DateField(
        allow_null=True, help_text="The earliest target date of your active enrolments."
    )
    on_track = serializers.BooleanField(allow_null=True)
    minutes_per_week_needed = serializers.IntegerField(
        allow_null=True,
        help_text="On average, to reach the target by the target date; null when there is "
        "none, it has passed, or the steps on offer never reach the target.",
    )
    paused = PausedEnrolmentSerializer(
        many=True, help_text="Paused enrolments: their steps are planned once resumed."
    )
