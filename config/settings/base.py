"""Settings shared by every environment, read from the environment (django-environ).

Each section links to the documentation of its settings. Variables take the `DJANGO_` prefix,
except the conventional `DATABASE_URL` and `REDIS_URL`.
"""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()
env.read_env(BASE_DIR / ".env")  # optional; the real environment wins

# Runtime files of the embedded default (SQLite, broker folders, mail, keys) live here.
VAR_DIR = Path(env.str("PATHWISE_VAR_DIR", default=str(BASE_DIR / "var")))

# GENERAL — https://docs.djangoproject.com/en/5.2/ref/settings/#core-settings
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
TIME_ZONE = "Europe/London"
# I18N — https://docs.djangoproject.com/en/5.2/topics/i18n/
# Every string is marked for translation; en-GB is the one language so far, and dates and
# numbers follow its formats (LocaleMiddleware picks a language once there are more).
LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en-gb", "English (UK)")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# DATABASES — https://docs.djangoproject.com/en/5.2/ref/settings/#databases
# SQLite under var/ is the embedded default; set DATABASE_URL for PostgreSQL.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'pathwise.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# SQLite under concurrent writers (web processes and the worker): a deferred transaction that
# reads, then writes, fails at once with "database is locked" when another writer got there
# first, since SQLite cannot wait there without a deadlock. IMMEDIATE takes the write lock
# at BEGIN, where the busy timeout (seconds) queues writers; WAL lets readers run beside the
# writer. https://docs.djangoproject.com/en/5.2/ref/databases/#sqlite-transaction-behavior
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

# APPS — https://docs.djangoproject.com/en/5.2/ref/settings/#installed-apps
INSTALLED_APPS = [
    "config.apps.PathwiseAdminConfig",  # a second factor is required (config/admin.py)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "allauth",
    "allauth.account",
    "allauth.headless",
    "allauth.mfa",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "django_htmx",
    "adminsortable2",  # drag-and-drop steps in the path editor
    "csp",
    "tracker",
    "careers",
    "paths",
    "assessments",
    "analytics",  # curator analytics: summaries of learner data (reads tracker)
    "teams",
]

# AUTHENTICATION — https://docs.djangoproject.com/en/5.2/topics/auth/customizing/
AUTH_USER_MODEL = "tracker.User"
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard"
ACCOUNT_LOGOUT_REDIRECT_URL = "landing"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.ScryptPasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# MIDDLEWARE — https://docs.djangoproject.com/en/5.2/topics/http/middleware/
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "config.middleware.CompressHtml",  # gzip for HTML pages (static files come precompressed)
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "config.middleware.ApiNoSlashRedirect",  # CommonMiddleware, without redirects in the API
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "tracker.middleware.LearnerTimezone",  # pages in the learner's own time zone
    "config.middleware.PrivateResponses",  # Cache-Control: private, no-store when signed in
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "config.middleware.AppApiMalformedBody",
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",  # ETag / If-None-Match (304)
]

# Bodies above this are refused with 413 (the API answers problem+json).
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024

# STATIC — https://whitenoise.readthedocs.io/en/stable/django.html
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "config" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# TEMPLATES — https://docs.djangoproject.com/en/5.2/ref/settings/#templates
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "config" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "config.theme.theme",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
            "builtins": ["config.templatetags.pathwise"],
        },
    },
]

# SECURITY — https://docs.djangoproject.com/en/5.2/ref/settings/#security
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Client IPs (rate limits, throttles) come from REMOTE_ADDR unless this many proxies of ours
# append to X-Forwarded-For: a client cannot reset its count by sending that header itself.
TRUSTED_PROXY_COUNT = env.int("DJANGO_TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT

# CONTENT SECURITY POLICY — https://django-csp.readthedocs.io/en/latest/configuration.html
# Scripts only from our own static files: the templates have no inline script.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# EMAIL — https://docs.djangoproject.com/en/5.2/topics/email/
EMAIL_BACKEND = env.str(
    "DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend"
)
EMAIL_HOST = env.str("DJANGO_EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("DJANGO_EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("DJANGO_EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("DJANGO_EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("DJANGO_EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = env.int("DJANGO_EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env.str("DJANGO_DEFAULT_FROM_EMAIL", default="Pathwise <hello@pathwise.local>")

# LOGGING — https://docs.djangoproject.com/en/5.2/topics/logging/
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"redact": {"()": "config.log_redaction.RedactSecrets"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact"]}
    },
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    # Django's defaults give runserver's request lines ("django.server") and, under DEBUG,
    # django.request's "Not Found: /path" lines handlers of their own without the filter: a
    # path can hold a token (unsubscribe links). Both go through the filtered console instead.
    # (Django's mail_admins handler goes with them: ADMINS is not set, so it never sent.)
    "loggers": {
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.server": {"handlers": [], "level": "INFO", "propagate": True},
    },
}

# CELERY — https://docs.celeryq.dev/en/stable/userguide/configuration.html
# Redis when REDIS_URL is set; otherwise kombu's filesystem transport under var/, so the
# embedded default runs a real worker and beat with no server installed (`filesystem://` is
# config/broker.py's fix of it, installed by config/celery_app.py).
REDIS_URL = env.str("REDIS_URL", default="")
BROKER_DIR = VAR_DIR / "broker"
CELERY_BROKER_URL = REDIS_URL or "filesystem://localhost/"
CELERY_RESULT_BACKEND = REDIS_URL or f"file://{BROKER_DIR / 'results'}"
# Longest task (its hard time limit) plus its largest retry delay must stay below the Redis
# visibility timeout, or a slow task would be handed to a second worker while still running.
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 270
CELERY_RETRY_BACKOFF_MAX = 300
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {
    "visibility_timeout": 3600,
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
    # Publishing retries once, at once: a web request must not wait on a broker that is down
    # (workers reconnect on their own schedule, broker_connection_max_retries).
    "max_retries": 1,
    "interval_start": 0,
}
if not REDIS_URL:
    CELERY_BROKER_TRANSPORT_OPTIONS |= {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
        # With a prefetch of one per process, the worker sleeps this long whenever its
        # processes are all busy, not only when the folder is empty: at 0.2 s two processes
        # ran at most 10 tasks a second however short, and under 16 learners the recomputes
        # fell minutes behind (bench B9). 0.02 s lets them run at their own pace (~45 a
        # second here) for about 0.5% of a core while idle.
        "polling_interval": 0.02,
    }
    for folder in ("queue", "control", "results"):
        (BROKER_DIR / folder).mkdir(parents=True, exist_ok=True)
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_EXPIRES = 3600
CELERY_TIMEZONE = TIME_ZONE
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_WORKER_PREFETCH_MULTIPLIER = 1  # with acks_late: a killed worker holds one task, not many
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TASK_ROUTES = {
    "readiness.*": {"queue": "readiness"},
    "reminders.*": {"queue": "reminders"},
}

# PATHWISE — the product's own settings
# Absolute links in emails (unsubscribe) are built on this address.
PATHWISE_BASE_URL = env.str("PATHWISE_BASE_URL", default="http://127.0.0.1:8000")
# How long growing tables keep their rows, in days (tracker/retention.py; 0: forever).
PATHWISE_RETENTION_DAYS = {
    "readiness_snapshots": env.int("PATHWISE_RETAIN_SNAPSHOTS_DAYS", default=400),
    "reminder_deliveries": env.int("PATHWISE_RETAIN_REMINDERS_DAYS", default=365),
    "idempotency_keys": env.int("PATHWISE_RETAIN_IDEMPOTENCY_KEYS_DAYS", default=1),
    "abandoned_skill_checks": env.int("PATHWISE_RETAIN_ABANDONED_CHECKS_DAYS", default=90),
}

# CACHES — https://docs.djangoproject.com/en/5.2/topics/cache/
# Rate limits (allauth, DRF throttles) count here: Redis when there is one, so that every
# process counts together.
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# ALLAUTH — https://docs.allauth.org/en/latest/account/configuration.html
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = True
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = True
ACCOUNT_ADAPTER = "tracker.adapters.AccountAdapter"
ACCOUNT_SIGNUP_FORM_CLASS = "tracker.signup.SignupChecks"
# https://docs.allauth.org/en/latest/mfa/configuration.html (the admin requires it)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Pathwise"
# https://docs.allauth.org/en/latest/headless/configuration.html
HEADLESS_CLIENTS = ("app",)
HEADLESS_TOKEN_STRATEGY = "tracker.tokens.ReuseDetectingJWTTokenStrategy"  # noqa: S105
HEADLESS_JWT_ALGORITHM = "RS256"
HEADLESS_JWT_PRIVATE_KEY = env.str("DJANGO_JWT_PRIVATE_KEY", default="", multiline=True)
HEADLESS_JWT_ACCESS_TOKEN_EXPIRES_IN = env.int("DJANGO_JWT_ACCESS_SECONDS", default=300)
HEADLESS_JWT_REFRESH_TOKEN_EXPIRES_IN = env.int("DJANGO_JWT_REFRESH_SECONDS", default=30 * 86400)
HEADLESS_JWT_ROTATE_REFRESH_TOKEN = True
HEADLESS_JWT_STATEFUL_VALIDATION_ENABLED = True  # logout and deletion revoke tokens at once
# allauth's OpenAPI document of the app API: /_allauth/openapi.json is ours (config/auth_spec.py,
# completed where it lags its server, routed before allauth's); its HTML viewers load a CDN,
# so none is served.
HEADLESS_SERVE_SPECIFICATION = True
HEADLESS_SPECIFICATION_TEMPLATE_NAME = None


def embedded_jwt_key(path: Path) -> str:
    """The RS256 signing key of the embedded default, generated once under var/."""
    if not path.exists():
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import rsa

        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        path.chmod(0o600)
    return path.read_text()


# REST FRAMEWORK — https://www.django-rest-framework.org/api-guide/settings/
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "allauth.headless.contrib.rest_framework.authentication.JWTTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["config.api.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "config.api.Pagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "EXCEPTION_HANDLER": "config.api.problem_exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.UserRateThrottle",
        "rest_framework.throttling.AnonRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "user": env.str("DJANGO_THROTTLE_USER", default="240/min"),
        "anon": env.str("DJANGO_THROTTLE_ANON", default="60/min"),
    },
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "STRICT_JSON": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Pathwise API",
    "DESCRIPTION": "Career roles, learning paths and learner progress for the Pathwise apps.\n\n"
    "Sign-up, login, token refresh and logout are django-allauth's headless app API under "
    "`/_allauth/app/v1/`, specified in its own OpenAPI document: "
    "[/_allauth/openapi.json](/_allauth/openapi.json). Send the access token it gives as "
    "`Authorization: Bearer <token>`.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "EnrolmentStatusEnum": "tracker.models.Enrolment.Status",
        "ProgressStatusEnum": "tracker.models.ProgressEntry.Status",
    },
    "COMPONENT_SPLIT_REQUEST": True,
    # OpenAPI links between operations, for clients and stateful tests, and the Problem body
    # with each status and header on every error response (config/openapi.py).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "config.openapi.add_links",
        "config.openapi.add_problems",
    ],
}
