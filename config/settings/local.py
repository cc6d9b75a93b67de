"""Development on the embedded default: SQLite and the filesystem broker under var/."""

from config.settings.base import *  # noqa: F403
from config.settings.base import VAR_DIR, embedded_jwt_key, env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="local-only-insecure-key-do-not-deploy")

# Development writes mail to files instead of sending it.
EMAIL_BACKEND = env.str(
    "DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.filebased.EmailBackend"
)
EMAIL_FILE_PATH = VAR_DIR / "mail"
# Links in those emails point at the port `make run` serves on (WEB_PORT); an explicit
# PATHWISE_BASE_URL still wins.
PATHWISE_BASE_URL = env.str(
    "PATHWISE_BASE_URL", default=f"http://127.0.0.1:{env.int('WEB_PORT', default=8000)}"
)

VAR_DIR.mkdir(parents=True, exist_ok=True)
HEADLESS_JWT_PRIVATE_KEY = env.str(
    "DJANGO_JWT_PRIVATE_KEY", default="", multiline=True
) or embedded_jwt_key(VAR_DIR / "jwt-private.pem")
