from typing import Any, cast

from allauth.account.adapter import DefaultAccountAdapter
from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest

from tracker.models import User
from tracker.services import learner_profile_ensure


class AccountAdapter(DefaultAccountAdapter):
    """Sign-ups through allauth (web and app API) get their learner profile like any user."""

    def save_user(
        self, request: HttpRequest, user: AbstractBaseUser, form: Any, commit: bool = True
    ) -> AbstractBaseUser:
        saved = super().save_user(request, user, form, commit=commit)
        if commit:
            learner_profile_ensure(user=cast(User, saved))
        return saved
