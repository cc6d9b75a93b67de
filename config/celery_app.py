"""The Celery application. Settings come from Django's settings under the CELERY_ prefix."""

import logging
import os
import time
from typing import Any

from celery import Celery

from config import broker

# `celery -A config` and every `import config` (gunicorn's config.wsgi, uvicorn's config.asgi)
# run this first: an entry point started without DJANGO_SETTINGS_MODULE gets production, which
# refuses to start without its secrets, never development's DEBUG and default key. Only
# manage.py defaults to development; `make run` and the tests name their settings.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
broker.install()  # `filesystem://`, the embedded default's broker, writes messages whole

app = Celery("pathwise")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

logger = logging.getLogger(__name__)

BROKER_RETRY_AFTER = 30.0  # seconds to stop trying the broker after it failed
_broker_down_until = 0.0


def enqueue_or_skip(task: Any, *args: Any) -> bool:
    """Send a task without ever failing or waiting on a broker that is down.

    For work a periodic sweep also picks up (readiness recomputes): when the broker does not
    answer, the message is skipped, and for the next BROKER_RETRY_AFTER seconds no request tries
    again. Returns whether the message was sent."""
    global _broker_down_until  # a per-process circuit breaker
    if time.monotonic() < _broker_down_until:
        return False
    try:
        task.apply_async(args=args, retry=False)
    except Exception:  # kombu and redis raise many kinds; none may reach the request
        _broker_down_until = time.monotonic() + BROKER_RETRY_AFTER
        logger.warning("broker unavailable; %s left to the sweep", task.name, exc_info=True)
        return False
    return True
