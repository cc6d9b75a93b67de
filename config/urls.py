from csp.decorators import csp_update
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from config.auth_spec import auth_openapi_json
from config.health import healthz
from config.theme import theme_set
from tracker.views import SignupView

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("theme/", theme_set, name="theme"),
    path("admin/", admin.site.urls),
    path("accounts/signup/", SignupView.as_view(), name="account_signup"),  # 422 when invalid
    path("accounts/", include("allauth.urls")),
    path("_allauth/openapi.json", auth_openapi_json, name="auth-openapi"),
    path("_allauth/", include("allauth.headless.urls")),
    path("", include("tracker.urls")),
    path("", include("careers.urls")),
    path("", include("paths.urls")),
    path("", include("assessments.urls")),
    path("", include("teams.urls")),
    path("api/v1/", include("config.api_router")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Swagger UI's page has one inline <style> (drf-spectacular's template): allowed by its
    # sha256 on this view only (tests/security/test_logs_and_csp.py recomputes it).
    path(
        "api/docs/",
        csp_update({"style-src": ["'sha256-MMpT0iDxyjALd9PdfepImGX3DBfJPXZ4IlDWdPAgtn0='"]})(
            SpectacularSwaggerSplitView.as_view(url_name="api-schema")
        ),
        name="api-docs",
    ),
]

handler400 = "config.api.bad_request"
handler404 = "config.api.not_found"
handler500 = "config.api.server_error"
