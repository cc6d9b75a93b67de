from django.urls import path

from tracker import views

urlpatterns = [
    path("reminders/unsubscribe/<str:token>/", views.unsubscribe, name="reminder-unsubscribe"),
]
