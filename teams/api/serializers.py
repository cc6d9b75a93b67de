from typing import Any

from rest_framework import serializers

from careers.models import Role, SeniorityLevel
from config.api import SomeChangeMixin, StrictSerializerMixin, StrictUUIDField
from paths.models import LearningPath
from teams.models import Assignment, Cohort, Invite, Membership
from teams.reports import MIN_GROUP, CohortReport
from teams.selectors import LearnerAssignment
from teams.services import INVITES_PER_REQUEST

# --- A lead's cohorts -------------------------------------------------------------------------


class CohortSerializer(SomeChangeMixin, StrictSerializerMixin, serializers.ModelSerializer[Cohort]):
    target_role = serializers.SlugRelatedField(slug_field="slug", queryset=Role.objects.all())
    target_level = serializers.SlugRelatedField(
        slug_field="slug", queryset=SeniorityLevel.objects.all()
    )
    members = serializers.IntegerField(source="member_count", read_only=True)

    class Meta:
        model = Cohort
        fields = ("id", "name", "target_role", "target_level", "members", "created_at")
        read_only_fields = ("id", "created_at")


class InviteSerializer(serializers.ModelSerializer[Invite]):
    class Meta:
        model = Invite
        fields = ("id", "email", "created_at", "expires_at", "sent_at")


class InvitesCreateSerializer(StrictSerializerMixin, serializers.Serializer[Any]):
    emails = serializers.ListField(
        child=serializers.CharField(max_length=254),
        min_length=1,
        max_length=INVITES_PER_REQUEST,
        help_text=f"Up to {INVITES_PER_REQUEST} addresses; one already invited gets the invite "
        "again with a new expiry; members are skipped.",
    )


class InvitesSentSerializer(serializers.Serializer[Any]):
    invited = serializers.IntegerField(help_text="Addresses (re)invited.")


class AssignmentSerializer(StrictSerializerMixin, serializers.ModelSerializer[Assignment]):
    path = serializers.SlugRelatedField(
        slug_field="slug", queryset=LearningPath.objects.filter(status="published")
    )
    path_title = serializers.CharField(source="path.title", read_only=True)

    class Meta:
        model = Assignment
        fields = ("id", "path", "path_title", "due_date", "created_at")
        read_only_fields = ("id", "created_at")


FEWER = "null: 1 to 4 (fewer than min_group), not shown."


class ScoreBandSerializer(serializers.Serializer[Any]):
    band = serializers.CharField(help_text="Readiness from-to (%).")
    members = serializers.IntegerField(allow_null=True, help_text=FEWER)


class SkillSpreadSerializer(serializers.Serializer[Any]):
    skill = serializers.SlugField()
    name = serializers.CharField()
    target = serializers.IntegerField()
    at_target = serializers.IntegerField(allow_null=True, help_text=FEWER)
    halfway = serializers.IntegerField(
        allow_null=True, help_text="At half the target or more, below it; " + FEWER
    )
    below_half = serializers.IntegerField(allow_null=True, help_text=FEWER)
    median_level = serializers.FloatField()


class PathProgressSerializer(serializers.Serializer[Any]):
    path = serializers.SlugField(source="assignment.path.slug")
    due_date = serializers.DateField(source="assignment.due_date")
    enrolled = serializers.IntegerField(allow_null=True, help_text=FEWER)
    completed = serializers.IntegerField(allow_null=True, help_text=FEWER)
    on_pace = serializers.IntegerField(
        allow_null=True,
        help_text="Completed, or projected at their recent pace to finish by the due date; "
        + FEWER,
    )
    median_steps_done = serializers.FloatField(
        allow_null=True,
        help_text="Share of steps done (0-1) among the enrolled; null under min_group of them.",
    )


class SharedPathSerializer(serializers.Serializer[Any]):
    path = serializers.SlugField(source="assignment.path.slug")
    steps_done = serializers.IntegerField()
    steps_total = serializers.IntegerField()
    on_pace = serializers.BooleanField()


class SharedDetailSerializer(serializers.Serializer[Any]):
    email = serializers.EmailField(source="membership.user.email")
    score = serializers.FloatField(allow_null=True)
    paths = SharedPathSerializer(many=True)


class CohortReportSerializer(serializers.Serializer[Any]):
    members = serializers.IntegerField()
    min_group = serializers.SerializerMethodField(
        help_text="Figures about learners need at least this many members."
    )
    too_few = serializers.BooleanField(
        help_text="Fewer than min_group members who do not share their detail: every figure "
        "is null (too few to show)."
    )
    median_score = serializers.FloatField(allow_null=True)
    score_bands = ScoreBandSerializer(many=True, allow_null=True)
    skills = SkillSpreadSerializer(many=True, allow_null=True)
    paths = PathProgressSerializer(many=True, allow_null=True)
    on_pace_everywhere = serializers.IntegerField(allow_null=True, help_text=FEWER)
    shared = SharedDetailSerializer(
        many=True, help_text="Members who chose to share their own detail with the cohort."
    )

    def get_min_group(self, report: CohortReport) -> int:
        return MIN_GROUP


# --- A learner's side -------------------------------------------------------------------------


class MembershipSerializer(
    SomeChangeMixin, StrictSerializerMixin, serializers.ModelSerializer[Membership]
):
    cohort = serializers.CharField(source="cohort.name", read_only=True)
    lead = serializers.EmailField(source="cohort.lead.email", read_only=True)
    target_role = serializers.SlugField(source="cohort.target_role.slug", read_only=True)
    target_level = serializers.SlugField(source="cohort.target_level.slug", read_only=True)

    class Meta:
        model = Membership
        fields = (
            "id",
            "cohort",
            "lead",
            "target_role",
            "target_level",
            "joined_at",
            "shares_detail",
        )
        read_only_fields = ("id", "joined_at")


class InviteAcceptSerializer(StrictSerializerMixin, serializers.Serializer[Any]):
    key = StrictUUIDField(help_text="From the invite link: /teams/invites/<key>/<token>/.")
    token = serializers.CharField(max_length=128)


class LearnerAssignmentSerializer(serializers.Serializer[Any]):
    cohort = serializers.CharField(source="cohort.name")
    path = serializers.SlugField(source="assignment.path.slug")
    path_title = serializers.CharField(source="assignment.path.title")
    due_date = serializers.DateField()
    enrolment = serializers.SerializerMethodField(help_text="Your enrolment on it; null: none.")
    steps_done = serializers.IntegerField()
    steps_total = serializers.IntegerField(source="assignment.steps_total")

    def get_enrolment(self, item: LearnerAssignment) -> int | None:
        return item.enrolment.pk if item.enrolment else None
