"""Unsubscribe tokens kept out of every log that writes request lines (runserver's and
gunicorn's), and the one inline style of Swagger UI allowed by its hash on /api/docs/ only."""

import base64
import hashlib
import io
import logging
import os
import re
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from django.core.servers.basehttp import WSGIRequestHandler
from django.urls import reverse

from config.log_redaction import RedactSecrets, redact
from tests.processes import ROOT, free_port, wait_for
from tracker.reminders import unsubscribe_token

pytestmark = pytest.mark.reliability("Security")


def unsubscribe_path() -> tuple[str, str]:
    """A real one-click unsubscribe path, as the reminder emails link to it, and its token."""
    token = unsubscribe_token(7, "inactivity")
    return reverse("reminder-unsubscribe", args=[token]), token


def test_redact_removes_unsubscribe_tokens_and_keeps_the_rest_of_the_line():
    path, token = unsubscribe_path()

    line = redact(f'"GET {path}?utm=mail HTTP/1.1" 200 1834')

    assert token not in line
    assert line == '"GET /reminders/unsubscribe/[token]/?utm=mail HTTP/1.1" 200 1834'
    assert redact("https://pathwise.example/reminders/unsubscribe/abc:def") == (
        "https://pathwise.example/reminders/unsubscribe/[token]"
    )


def handlers_reached(logger: logging.Logger) -> list[logging.Handler]:
    """The handlers a record logged on `logger` is written by, as configured (pytest's own
    capture handlers left out)."""
    found: list[logging.Handler] = []
    current: logging.Logger | None = logger
    while current is not None:
        found += [h for h in current.handlers if not type(h).__module__.startswith("_pytest")]
        current = current.parent if current.propagate else None
    return found


def test_runserver_request_lines_are_redacted_by_every_handler_writing_them():
    path, token = unsubscribe_path()
    handlers = handlers_reached(logging.getLogger("django.server"))
    assert handlers
    buffer = io.StringIO()
    streams = {h: h.setStream(buffer) for h in handlers if isinstance(h, logging.StreamHandler)}
    assert len(streams) == len(handlers)  # all of them write to a stream we can read
    try:
        # runserver's own request handler, logging its request line as it does for each request
        request = WSGIRequestHandler.__new__(WSGIRequestHandler)
        vars(request).update(request=None, requestline=f"GET {path} HTTP/1.1")
        request.log_request(200, 1834)
    finally:
        for handler, stream in streams.items():
            handler.setStream(stream)

    written = buffer.getvalue()
    assert "/reminders/unsubscribe/[token]/ HTTP/1.1" in written
    assert token not in written
    assert all(any(isinstance(f, RedactSecrets) for f in h.filters) for h in handlers)


def test_gunicorn_access_and_error_logs_are_redacted(tmp_path: Path):
    """gunicorn as production runs it (config/gunicorn.py), with its access log on."""
    path, token = unsubscribe_path()
    port, access, error = free_port(), tmp_path / "access.log", tmp_path / "error.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    command = [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.py", "config.wsgi"]
    options = [f"--bind=127.0.0.1:{port}", "--workers=1", f"--access-logfile={access}"]
    server = subprocess.Popen(
        [*command, *options, f"--error-logfile={error}", "--log-level=debug"],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    try:

        def get(url: str) -> int:
            try:
                with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310
                    return int(response.status)
            except urllib.error.HTTPError as answer:
                return answer.code
            except OSError:
                assert server.poll() is None, error.exists() and error.read_text()
                return 0

        status = wait_for(lambda: get(f"http://127.0.0.1:{port}{path}"), 60, "gunicorn")
        assert status == 200  # the unsubscribe page answered, and was logged
        wait_for(lambda: "unsubscribe" in access.read_text(), 10, "the access log line")
    finally:
        server.terminate()
        server.wait(30)

    access_log, error_log = access.read_text(), error.read_text()
    assert "GET /reminders/unsubscribe/[token]/ HTTP/1.1" in access_log
    assert token not in access_log
    assert token not in error_log  # at debug level gunicorn logs each request's path here
    assert "GET /reminders/unsubscribe/[token]/" in error_log


# --- Content-Security-Policy -----------------------------------------------------------------


def policy(response) -> dict[str, list[str]]:
    directives = (d.split() for d in response["Content-Security-Policy"].split(";"))
    return {d[0]: d[1:] for d in directives if d}


@pytest.mark.django_db
def test_api_docs_allow_their_one_inline_style_by_its_hash_and_other_pages_do_not(client):
    docs = client.get("/api/docs/")
    styles = re.findall(r"<style[^>]*>(.*?)</style>", docs.content.decode(), re.DOTALL)
    assert len(styles) == 1  # Swagger UI's, from drf-spectacular's template
    digest = base64.b64encode(hashlib.sha256(styles[0].encode()).digest()).decode()
    other = client.get("/accounts/login/")

    docs_policy, other_policy = policy(docs), policy(other)

    assert docs_policy["style-src"] == ["'self'", f"'sha256-{digest}'"]  # that exact style
    assert other_policy["style-src"] == ["'self'"]  # the site's policy is unchanged elsewhere
    del docs_policy["style-src"], other_policy["style-src"]
    assert docs_policy == other_policy  # and nothing else is loosened on the docs
    assert "unsafe-inline" not in docs["Content-Security-Policy"]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_swagger_ui_renders_without_a_csp_violation_in_a_real_browser(open_page):
    """What the hash is for: Chromium applies the policy and reports every refused inline style,
    script or connection; Swagger UI must load the schema and render with none."""
    page = open_page(1280)

    page.goto(f"{page.base}/api/docs/")
    page.wait_for_selector(".opblock", timeout=20_000)  # operations rendered

    assert page.errors == []
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(250, 250, 250)"  # the inline style's `background: #fafafa` applied
