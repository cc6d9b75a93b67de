"""What the web views (tracker/views.py, tracker/onboarding_views.py) share."""

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest

from tracker.models import User


def request_user(request: HttpRequest) -> User:
    """The signed-in user (the views using it are behind login_required)."""
    return request.user  # type: ignore[return-value]


def form_error_show(form: Any, error: ValidationError) -> None:
    """A service's ValidationError shown on the form: on its field, else above the form."""
    if hasattr(error, "error_dict"):
        for field, messages_ in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages_)
    else:
        form.add_error(None, error.messages)
