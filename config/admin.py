"""The admin site: staff (curators included) reach it only from a session signed in with a
second factor (allauth MFA), and sign in through allauth's rate-limited login. Delete
confirmations count learner rows instead of naming them (config/admin_privacy.py).

Staff without a second factor are sent to set up an authenticator app; the code they type to
activate it proves the factor, so that session counts as signed in with it, and the recovery
codes page that follows leads on to the admin (config/templates/mfa/recovery_codes/index.html)."""

from typing import Any

from allauth.account.authentication import get_authentication_records
from allauth.account.decorators import secure_admin_login
from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.models import Authenticator
from allauth.mfa.signals import authenticator_added
from allauth.mfa.utils import is_mfa_enabled
from django.contrib import admin, messages
from django.http import HttpRequest
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext

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
            messages.info(request, gettext("Set up an authenticator app to use the admin."))
            return redirect("mfa_activate_totp")
        next_url = request.GET.get("next") or reverse("admin:index")
        return redirect(f"{reverse('mfa_reauthenticate')}?{urlencode({'next': next_url})}")


def second_factor_proven_on_activation(
    sender: Any, request: HttpRequest | None, user: Any, authenticator: Authenticator, **kwargs: Any
) -> None:
    """An authenticator app is activated only with a valid code from it, after the password was
    asked again: for staff, record that as this session's second factor, so the admin opens
    without asking for another code a minute later."""
    if request is None or not getattr(user, "is_staff", False):
        return
    if authenticator.type != Authenticator.Type.TOTP:
        return
    record_authentication(request, user, "mfa", type=authenticator.type)


authenticator_added.connect(
    second_factor_proven_on_activation, dispatch_uid="config.admin.second_factor_on_activation"
)
