from django.urls import path

from assessments import views

urlpatterns = [
    path("skills/<slug:slug>/check/<int:level>/", views.check_start, name="skill-check-start"),
    path("skills/<slug:slug>/review/", views.review_start, name="skill-review-start"),
    path("checks/<int:pk>/", views.check_page, name="skill-check"),
]
