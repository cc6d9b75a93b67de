from django.urls import path

from tracker import onboarding_views, views

urlpatterns = [
    path("", views.landing, name="landing"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("paths/<slug:slug>/", views.path_detail, name="path"),
    path("paths/<slug:slug>/enrol/", views.enrol, name="enrol"),
    path("enrolments/<int:pk>/", views.enrolment, name="enrolment"),
    path("enrolments/<int:pk>/log/", views.log_progress, name="enrolment-log"),
    path("enrolments/<int:pk>/status/", views.enrolment_status, name="enrolment-status"),
    path("enrolments/<int:pk>/withdraw/", views.enrolment_withdraw, name="enrolment-withdraw"),
    path("enrolments/<int:pk>/undo/", views.enrolment_undo, name="enrolment-undo"),
    path("readiness/", views.readiness, name="readiness"),
    path("plan/", views.plan_page, name="plan"),
    path("plan/calendar/", views.plan_calendar, name="plan-calendar"),
    path("calendar/<uuid:key>/<str:token>.ics", views.calendar_feed_ics, name="calendar-feed"),
    path("welcome/", onboarding_views.onboarding_start, name="onboarding"),
    path("welcome/skip/", onboarding_views.onboarding_skip, name="onboarding-skip"),
    path("welcome/<slug:step>/", onboarding_views.onboarding_step, name="onboarding-step"),
    path("settings/", views.settings_page, name="settings"),
    path("settings/export/", views.export_download, name="settings-export"),
    path("settings/delete/", views.delete_account, name="settings-delete"),
    path("reminders/unsubscribe/<str:token>/", views.unsubscribe, name="reminder-unsubscribe"),
]
