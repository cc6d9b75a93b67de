"""Every API v1 route, registered in one place (mounted at /api/v1/)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from assessments.api import views as assessments
from careers.api.views import BackgroundViewSet, RoleViewSet, SkillViewSet
from paths.api.views import PathViewSet
from teams.api import views as teams
from tracker.api import views as tracker

router = SimpleRouter()
router.register("roles", RoleViewSet, basename="role")
router.register("skills", SkillViewSet, basename="skill")
router.register("backgrounds", BackgroundViewSet, basename="background")
router.register("paths", PathViewSet, basename="path")
router.register("enrolments", tracker.EnrolmentViewSet, basename="enrolment")
router.register("progress", tracker.ProgressViewSet, basename="progress")
router.register("skill-claims", tracker.SkillClaimViewSet, basename="skill-claim")
router.register("readiness", tracker.ReadinessViewSet, basename="readiness")
router.register("checks", assessments.CheckViewSet, basename="check")
router.register("reviews", assessments.ReviewViewSet, basename="review")
router.register("cohorts", teams.CohortViewSet, basename="cohort")
router.register("memberships", teams.MembershipViewSet, basename="membership")

app_name = "api"
urlpatterns = [
    path("me/", tracker.MeView.as_view(), name="me"),
    path("me/delete/", tracker.AccountDeleteView.as_view(), name="me-delete"),
    path("me/export/", tracker.ExportView.as_view(), name="me-export"),
    path("recommendation/", tracker.RecommendationView.as_view(), name="recommendation"),
    path("dashboard/", tracker.DashboardView.as_view(), name="dashboard"),
    path("memory/", tracker.MemoryView.as_view(), name="memory"),
    path("plan/", tracker.PlanView.as_view(), name="plan"),
    path("plan/calendar/", tracker.CalendarFeedView.as_view(), name="plan-calendar"),
    path("invites/accept/", teams.InviteAcceptView.as_view(), name="invite-accept"),
    path("assignments/", teams.AssignmentsView.as_view(), name="assignments"),
    *router.urls,
]
