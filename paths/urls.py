from django.urls import path

from paths import views

urlpatterns = [
    path("paths/", views.paths, name="paths"),
    path("paths/<slug:slug>/", views.path_detail, name="path"),
    path("paths/<slug:slug>/enrol/", views.enrol, name="enrol"),
]
