"""The admin site: staff (curators included) reach it only from a session signed in with a
second factor (allauth MFA), and sign in through allauth's rate-limited login."""

from typing import Any

from allauth.account.authentication import get_authentication_records
from allauth.account.decorators import secure_admin_login
from allauth.mfa.utils import is_mfa_enabled
from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode


def signed_in_with_second_factor(request: HttpRequest) -> bool:
    if not request.user.is_authenticated:
        return False
    records = get_authentication_records(request, request.user)
    return any(record["method"] == "mfa" for record in records)


class PathwiseAdminSite(admin.AdminSite):
    site_header = "Pathwise catalogue"
    site_title = "Pathwise admin"

    def has_permission(self, request: HttpRequest) -> bool:
        return super().has_permission(request) and signed_in_with_second_factor(request)

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        user = request.user
        staff = user.is_authenticated and user.is_active and user.is_staff
        if staff and not signed_in_with_second_factor(request):
            return self._second_factor_redirect(request)
        return secure_admin_login(super().login)(request, extra_context)

    def _second_factor_redirect(self, request: HttpRequest) -> HttpResponse:
        assert request.user.is_authenticated  # noqa: S101 (narrows the type)
        if not is_mfa_enabled(request.user):
            messages.info(request, "Set up an authenticator app to use the admin.")
            return redirect("mfa_activate_totp")
        next_url = request.GET.get("next") or reverse("admin:index")
        return redirect(f"{reverse('mfa_reauthenticate')}?{urlencode({'next': next_url})}")
