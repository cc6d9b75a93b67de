"""Benchmarks: the test settings (DEBUG off), Redis as the cache when there is one, and the
product's URLs plus the trivial baseline views (tests/bench/urls.py)."""

from config.settings.test import *  # noqa: F403
from config.settings.test import REDIS_URL

ROOT_URLCONF = "tests.bench.urls"
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
