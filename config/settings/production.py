"""Production: every secret comes from the environment; nothing insecure by default."""

from django.core.exceptions import ImproperlyConfigured

from config.settings.base import *  # noqa: F403
from config.settings.base import REDIS_URL, env

SECRET_KEY = env.str("DJANGO_SECRET_KEY")  # no default: refuse to start without one
HEADLESS_JWT_PRIVATE_KEY = env.str("DJANGO_JWT_PRIVATE_KEY", multiline=True)  # RS256, PEM
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")

# Without Redis, base falls back to a per-process cache and a broker on local files: each
# gunicorn worker would count login limits and throttles on its own, and workers on other
# machines would never see a task. Refuse to start instead.
if not REDIS_URL:
    raise ImproperlyConfigured(
        "Set REDIS_URL (e.g. redis://host:6379/0): production needs Redis as the Celery broker "
        "and as the cache where every process counts rate limits and throttles together."
    )

# SECURITY — https://docs.djangoproject.com/en/5.2/howto/deployment/checklist/
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
