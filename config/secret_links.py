"""Secret links from a stored key: the link carries the key and an HMAC of it under SECRET_KEY
(not stored), so the database alone gives no working link and the link can be built again.
Used by the calendar feed (tracker/calendar_feed.py) and cohort invites (teams/invites.py)."""

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac


def link_token(salt: str, key: object, secret: str | bytes | None = None) -> str:
    return salted_hmac(salt, str(key), secret=secret, algorithm="sha256").hexdigest()


def link_token_valid(salt: str, key: object, token: str) -> bool:
    """Under the current key or one being rotated out (SECRET_KEY_FALLBACKS)."""
    secrets = [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]
    return any(constant_time_compare(token, link_token(salt, key, s)) for s in secrets)
