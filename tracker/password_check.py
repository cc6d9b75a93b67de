"""Confirming a signed-in learner's password before an irreversible action (deleting the
account). It goes through allauth's authentication, so wrong passwords count against the same
limits as failed logins (per account and per IP): a stolen session cannot be used to guess
the password."""

from allauth.account import app_settings
from allauth.account.adapter import get_adapter
from allauth.core.internal.ratelimit import parse_rates
from django.core.exceptions import ValidationError

from tracker.models import User


class TooManyAttempts(Exception):
    """Too many wrong passwords for this account or address; retry after `retry_after` s."""

    def __init__(self) -> None:
        rates = parse_rates(app_settings.RATE_LIMITS.get("login_failed"))
        self.retry_after = int(max((rate.duration for rate in rates), default=60))
        minutes = -(-self.retry_after // 60)
        super().__init__(f"Too many wrong passwords. Try again in {minutes} minutes.")


def password_confirmed(*, user: User, password: str) -> bool:
    """Whether `password` is the user's; raises TooManyAttempts once the limit is reached.
    Needs allauth's AccountMiddleware, which gives the request to its rate limits."""
    try:
        return bool(get_adapter().reauthenticate(user, password))
    except ValidationError as error:
        if error.code == "too_many_login_attempts":
            raise TooManyAttempts from error
        raise
