from typing import Any, cast

from allauth.account.adapter import DefaultAccountAdapter
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from config.api import unstorable
from tracker.models import User
from tracker.services import learner_profile_ensure


class AccountAdapter(DefaultAccountAdapter):
    """Sign-ups through allauth (web and app API) get their learner profile like any user."""

    def clean_password(self, password: str, user: AbstractBaseUser | None = None) -> str:
        # A lone surrogate cannot be encoded for hashing (a 500), and a NUL is never meant.
        if unstorable(password):
            raise ValidationError("The password contains characters that cannot be used.")
        return super().clean_password(password, user)

    def save_user(
        self, request: HttpRequest, user: AbstractBaseUser, form: Any, commit: bool = True
    ) -> AbstractBaseUser:
        saved = super().save_user(request, user, form, commit=commit)
        if commit:
            learner_profile_ensure(user=cast(User, saved))
        return saved
