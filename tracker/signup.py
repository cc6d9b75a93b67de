"""The base allauth builds both sign-up forms on (web and app API): ACCOUNT_SIGNUP_FORM_CLASS."""

from typing import Any

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from tracker.models import User


class SignupChecks(forms.Form):
    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        # The app API's form names its field "password" and checks it without the new user,
        # so Django's similarity-to-email rule would never run there; the web form
        # ("password1") runs it itself.
        password, email = cleaned.get("password"), cleaned.get("email")
        if password and email:
            try:
                validate_password(password, User(email=email))
            except ValidationError as error:
                self.add_error("password", error)
        return cleaned

    def signup(self, request: HttpRequest, user: User) -> None:
        """Nothing more to save: the adapter creates the learner profile."""
