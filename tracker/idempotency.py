"""`Idempotency-Key` for API writes: the same key and body replay the first response (status
and body); the same key with another body is a conflict (409, like a client_id reused
with another entry); a second request while the first
is still running is refused (409), so concurrent retries create one entry."""

import hashlib
import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from rest_framework.response import Response

from config.api import Conflict, Unprocessable
from tracker.models import IdempotencyKey, User
from tracker.retention import retention_run

KEEP_FOR = timedelta(days=settings.PATHWISE_RETENTION_DAYS["idempotency_keys"])
MAX_KEY_LENGTH = 255


def _hash(body: Any) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()


def idempotent(user: User, key: str | None, body: Any, respond: Callable[[], Response]) -> Response:
    """Run `respond` once per (user, key); replay its response for a retry."""
    if key is None:
        return respond()
    if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise Unprocessable(f"Idempotency-Key must be 1 to {MAX_KEY_LENGTH} printable characters.")
    request_hash = _hash(body)
    try:
        with transaction.atomic():
            record = IdempotencyKey.objects.create(user=user, key=key, request_hash=request_hash)
    except IntegrityError:
        return _replay(user, key, request_hash)
    try:
        response = respond()
    except Exception:
        record.delete()  # the key may be used again: nothing was stored
        raise
    if response.status_code >= 500:
        record.delete()
    else:
        record.status_code, record.response_body = response.status_code, response.data
        record.save(update_fields=["status_code", "response_body"])
    return response


def _replay(user: User, key: str, request_hash: str) -> Response:
    record = IdempotencyKey.objects.get(user=user, key=key)
    if record.request_hash != request_hash:
        raise Conflict(
            "This Idempotency-Key was already used with a different request body; use a new key "
            "for a new request."
        )
    if record.status_code is None:
        raise Conflict("A request with this Idempotency-Key is still being processed.")
    return Response(
        record.response_body, status=record.status_code, headers={"Idempotent-Replayed": "true"}
    )


def idempotency_keys_expire() -> int:
    """Hourly, besides the daily retention run: keys pile up with every write."""
    return retention_run(only=("idempotency_keys",)).get("idempotency_keys", 0)
