"""Deployment checks, security headers on real responses, client IPs that cannot be spoofed,
and logs without secrets."""

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings

from config.log_redaction import RedactSecrets, redact

ROOT = Path(__file__).resolve().parent.parent.parent

pytestmark = pytest.mark.reliability("Security")


def test_check_deploy_reports_nothing_with_production_settings(tmp_path):
    key = (ROOT / "var" / "test-jwt-private.pem").read_text()
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY="x7$k!" + "q9Lm2-Zr8vT4pW0nB6cY1hD3sF5gJ7" * 2,
        DJANGO_ALLOWED_HOSTS="pathwise.example.com",
        DJANGO_JWT_PRIVATE_KEY=key,
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        REDIS_URL="redis://127.0.0.1:6379/0",  # required in production; not connected to here
        PATHWISE_VAR_DIR=str(tmp_path),
    )

    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


@pytest.mark.django_db
@override_settings(
    SECURE_HSTS_SECONDS=31_536_000,
    SECURE_HSTS_INCLUDE_SUBDOMAINS=True,
    SESSION_COOKIE_SECURE=True,
    CSRF_COOKIE_SECURE=True,
)
def test_security_headers_and_cookies_on_a_real_response(client):
    response = client.get("/accounts/login/", secure=True)

    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    cookie = response.cookies["csrftoken"]
    assert cookie["secure"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"


@pytest.mark.django_db
def test_pages_have_no_inline_script(client, catalogue):
    for url in ("/", "/roles/compare/", "/paths/", "/accounts/login/", "/api/docs/"):
        page = client.get(url).content.decode()
        for tag in page.split("<script")[1:]:
            opening = tag.split(">", 1)[0]
            assert "src=" in opening or 'type="application/json"' in opening, (url, opening)


def test_logs_keep_secrets_and_emails_out(caplog):
    jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlLXN0dWZm"
    logger = logging.getLogger("pathwise.test")
    logger.addFilter(RedactSecrets())
    try:
        with caplog.at_level(logging.INFO, logger="pathwise.test"):
            logger.info(
                "login ada.lovelace@example.com password=hunter2 Authorization: Bearer %s", jwt
            )
    finally:
        logger.filters.clear()

    line = caplog.records[0].getMessage()
    assert "ada.lovelace@example.com" not in line
    assert "a***@example.com" in line
    assert "hunter2" not in line
    assert jwt not in line
    assert redact('{"password": "s3cret!", "x": 1}') == '{"password": [redacted], "x": 1}'
