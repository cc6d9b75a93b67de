"""Every API v1 route, registered in one place (mounted at /api/v1/)."""

from rest_framework.routers import DefaultRouter

router = DefaultRouter()

app_name = "api"
urlpatterns = router.urls
