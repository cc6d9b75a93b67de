"""The admin site: staff (curators included) reach it only from a session signed in with a
second factor (allauth MFA), and sign in through allauth's rate-limited login. Delete
confirmations count learner rows instead of naming them (config/admin_privacy.py)."""

from typing import Any

from allauth.account.authentication import get_authentication_records
from allauth.account.decorators import secure_admin_login
from allauth.mfa.utils import is_mfa_enabled
from django.contrib import admin, messages
from django.http import HttpRequest
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from config.admin_privacy import PrivateDeletes


def signed_in_with_second_factor(request: HttpRequest) -> bool:
    if not request.user.is_authenticated:
        return False
    records = get_authentication_records(request, request.user)
    return any(record["method"] == "mfa" for record in records)


class PathwiseAdminSite(admin.AdminSite):
    site_header = "Pathwise catalogue"
    site_title = "Pathwise admin"

    def register(self, model_or_iterable: Any, admin_class: Any = None, **options: Any) -> None:
        """Every ModelAdmin, ours and third-party, lists no learner row before a delete
        (config/admin_privacy.py); done here so a model registered later is covered too."""
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, PrivateDeletes):
            name, attrs = admin_class.__name__, {"__module__": admin_class.__module__}
            admin_class = type(name, (PrivateDeletes, admin_class), attrs)
        super().register(model_or_iterable, admin_class, **options)

    def has_permission(self, request: HttpRequest) -> bool:
        return super().has_permission(request) and signed_in_with_second_factor(request)

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        user = request.user
        if not user.is_authenticated or not user.is_staff or signed_in_with_second_factor(request):
            return secure_admin_login(super().login)(request, extra_context)
        # Staff signed in with a password only: to set up a second factor, or to use it.
        if not is_mfa_enabled(user):
            messages.info(request, "Set up an authenticator app to use the admin.")
            return redirect("mfa_activate_totp")
        next_url = request.GET.get("next") or reverse("admin:index")
        return redirect(f"{reverse('mfa_reauthenticate')}?{urlencode({'next': next_url})}")
