from django.urls import path

from careers import views

urlpatterns = [
    path("roles/", views.roles, name="roles"),
    path("roles/compare/", views.compare, name="roles-compare"),
    path("roles/<slug:slug>/", views.role_detail, name="role"),
    path("faq/", views.faq, name="faq"),
    path("which-role/", views.role_quiz, name="role-quiz"),
]
