"""allauth's JWT token strategy with refresh-token reuse detection (RFC 9700, section 4.14.2):
HEADLESS_TOKEN_STRATEGY points here.

allauth keeps the live refresh tokens of a sign-in in its session (jti -> expiry) and drops a
jti when rotation replaces it. A refresh token that is correctly signed, unexpired and names a
live session, but whose jti is no longer listed, was rotated out: whoever presents it holds a
copy of a token that was already used. One of the two holders is an attacker and we cannot tell
which, so the whole family goes: deleting the session kills every refresh token of that sign-in
and, with stateful validation, every access token minted from it. Other sign-ins of the same
user (other devices, each their own session) are left alone."""

import logging

from allauth.core import context
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.headless.internal.restkit.response import ErrorResponse
from allauth.headless.tokens.strategies.jwt import JWTTokenStrategy, internal
from django.core.exceptions import ValidationError

logger = logging.getLogger(__name__)

REUSED = ValidationError(
    "This refresh token was already used, so this sign-in has been revoked. Log in again.",
    code="refresh_token_reused",
)
INVALID = ValidationError(
    "This refresh token is invalid, expired or revoked. Log in again.",
    code="invalid_refresh_token",
)


class ReuseDetectingJWTTokenStrategy(JWTTokenStrategy):
    def refresh_token(self, refresh_token: str) -> tuple[str, str] | None:
        tokens = super().refresh_token(refresh_token)
        if tokens is not None:
            return tokens
        reused = self._revoke_family_if_reused(refresh_token)
        # allauth's refresh view answers a refusal with a bare {"status": 400}. Same status and
        # error format here, plus a code an app can act on ("log in again"); allauth's own
        # middleware turns this exception into the response, as it does for its adapters.
        raise ImmediateHttpResponse(
            ErrorResponse(context.request, exception=REUSED if reused else INVALID)
        )

    @staticmethod
    def _revoke_family_if_reused(refresh_token: str) -> bool:
        payload = internal.decode_token(refresh_token, "refresh")  # signature and expiry
        if payload is None:
            return False  # not one of ours, or expired: nothing to revoke, nothing learned
        session = internal.get_token_session(payload)
        if session is None:
            return False  # the sign-in is already gone (logged out, revoked, expired)
        if payload["jti"] in internal.get_refresh_token_state(session):
            return False  # still live: refused for another reason (e.g. the user changed)
        session.delete()
        logger.warning("Refresh token reuse: revoked the sign-in of user %s", payload["sub"])
        return True
