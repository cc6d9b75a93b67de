"""The base allauth builds both sign-up forms on (web and app API): ACCOUNT_SIGNUP_FORM_CLASS."""

from typing import Any

from allauth.account.adapter import get_adapter
from django import forms
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from tracker.models import User


class SignupChecks(forms.Form):
    # Set by allauth's BaseSignupForm (which subclasses this) in clean_email, before clean().
    account_already_exists: bool

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        field = "password" if "password" in self.fields else "password1"  # app API / web
        password, email = cleaned.get(field), cleaned.get("email")
        if not (password and email):
            return cleaned
        # Every password rule, Django's similarity-to-email one included, with the would-be
        # user. The app API's own check runs without the user, so that rule would never run
        # there; the web form runs the same check after this one, which then finds a refused
        # password already removed and adds nothing twice.
        try:
            get_adapter().clean_password(password, user=User(email=email))
        except ValidationError as error:
            self.add_error(field, error)
        # Enumeration by timing: a new account costs one password hash (~150 ms with scrypt)
        # while allauth answers a taken address (the same body and one email, ACCOUNT_PREVENT_
        # ENUMERATION) without one, so the time told them apart. Hash here too, and only for a
        # sign-up that would have created an account: with our ACCOUNT_SIGNUP_FIELDS nothing is
        # checked after this, so no error now means the form is valid.
        if getattr(self, "account_already_exists", False) and not self.errors:
            make_password(password)
        return cleaned

    def signup(self, request: HttpRequest, user: User) -> None:
        """Nothing more to save: the adapter creates the learner profile."""
