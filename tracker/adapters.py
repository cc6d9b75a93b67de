from typing import Any, cast

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse
from django.utils.encoding import force_str
from django.utils.translation import gettext

from config.api import unstorable
from tracker.models import LearnerProfile, User
from tracker.services import learner_profile_ensure

BRAND = "Pathwise"


def _needs_onboarding(user: Any) -> bool:
    """A signed-in learner (not a curator) who has not finished or skipped the first run."""
    if not getattr(user, "is_authenticated", False) or user.is_staff:
        return False
    return LearnerProfile.objects.filter(user=user, onboarded_at__isnull=True).exists()


class AccountAdapter(DefaultAccountAdapter):
    """Sign-ups through allauth (web and app API) get their learner profile like any user; a new
    learner lands on the onboarding after sign-up and after verifying their address; emails
    are signed by Pathwise, not by the host they were requested from."""

    def clean_password(self, password: str, user: AbstractBaseUser | None = None) -> str:
        # A lone surrogate cannot be encoded for hashing (a 500), and a NUL is never meant.
        if unstorable(password):
            raise ValidationError(gettext("The password contains characters that cannot be used."))
        return super().clean_password(password, user)

    def save_user(
        self, request: HttpRequest, user: AbstractBaseUser, form: Any, commit: bool = True
    ) -> AbstractBaseUser:
        saved = super().save_user(request, user, form, commit=commit)
        if commit:
            learner_profile_ensure(user=cast(User, saved))
        return saved

    # --- Where a learner lands ---------------------------------------------------------------

    def get_signup_redirect_url(self, request: HttpRequest) -> str:
        if _needs_onboarding(request.user):
            return reverse("onboarding")
        return super().get_signup_redirect_url(request)

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        if _needs_onboarding(request.user):
            return reverse("onboarding")
        return super().get_login_redirect_url(request)

    def get_email_verification_redirect_url(self, email_address: EmailAddress) -> str:
        if _needs_onboarding(self.request.user):
            return reverse("onboarding")
        return super().get_email_verification_redirect_url(email_address)

    # --- Emails ------------------------------------------------------------------------------

    def format_email_subject(self, subject: str) -> str:
        """ "Pathwise: Confirm your email address", never "[127.0.0.1:8102] ..."."""
        return f"{BRAND}: {force_str(subject).strip()}"

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        # The emails' templates (config/templates/account/email/) name the product and link to
        # its public address, whatever host the request came in on.
        context = {
            **context,
            "brand": BRAND,
            "base_url": settings.PATHWISE_BASE_URL.rstrip("/"),
        }
        super().send_mail(template_prefix, email, context)
