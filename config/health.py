"""GET /healthz: is the database answering, is the broker answering."""

import logging

from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from kombu.exceptions import OperationalError as BrokerError

from config.celery_app import app as celery_app

logger = logging.getLogger(__name__)


def database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        logger.warning("healthz: database does not answer", exc_info=True)
        return False


def broker_answers() -> bool:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=2)
            return True
    except (BrokerError, OSError):
        logger.warning("healthz: broker does not answer", exc_info=True)
        return False


@require_safe
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {"database": database_answers(), "broker": broker_answers()}
    healthy = all(checks.values())
    return JsonResponse(
        {
            "status": "ok" if healthy else "degraded",
            **{name: "ok" if up else "unavailable" for name, up in checks.items()},
        },
        status=200 if healthy else 503,
    )
