"""Tests: PostgreSQL and Redis when `tests/run.sh` found them (DATABASE_URL / REDIS_URL)."""

from config.settings.base import *  # noqa: F403
from config.settings.base import VAR_DIR, embedded_jwt_key, env

DEBUG = False
SECRET_KEY = "test-only-key"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# End-to-end tests point worker processes at a mail folder through the environment.
EMAIL_BACKEND = env.str(
    "DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.locmem.EmailBackend"
)
EMAIL_FILE_PATH = env.str("DJANGO_EMAIL_FILE_PATH", default=str(VAR_DIR / "test-mail"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
HEADLESS_JWT_PRIVATE_KEY = embedded_jwt_key(VAR_DIR / "test-jwt-private.pem")
# One test process: rate-limit counters need no sharing, and tests reset them (tests/conftest.py).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
