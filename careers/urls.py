from django.urls import path

from careers import views

urlpatterns = [
    path("roles/", views.roles, name="roles"),
    path("roles/compare/", views.compare, name="roles-compare"),
    path("roles/<slug:slug>/", views.role_detail, name="role"),
]
