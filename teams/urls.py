from django.urls import path

from teams import views

urlpatterns = [
    path("teams/", views.teams_page, name="teams"),
    path("teams/<int:pk>/", views.cohort_page, name="team-cohort"),
    path("teams/<int:pk>/invites/", views.cohort_invite, name="team-invites"),
    path(
        "teams/<int:pk>/invites/<int:invite_pk>/revoke/",
        views.cohort_invite_revoke,
        name="team-invite-revoke",
    ),
    path("teams/<int:pk>/assignments/", views.cohort_assign, name="team-assign"),
    path(
        "teams/<int:pk>/assignments/<int:assignment_pk>/delete/",
        views.cohort_unassign,
        name="team-unassign",
    ),
    path("teams/<int:pk>/delete/", views.cohort_delete, name="team-delete"),
    path("teams/<int:pk>/report.csv", views.cohort_csv, name="team-csv"),
    path("teams/invites/<uuid:key>/<str:token>/", views.invite_page, name="team-invite"),
    path("teams/memberships/<int:pk>/share/", views.membership_share, name="team-share"),
    path("teams/memberships/<int:pk>/leave/", views.membership_leave, name="team-leave"),
]
