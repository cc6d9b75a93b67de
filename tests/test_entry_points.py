"""The process entry points (gunicorn's config.wsgi, uvicorn's config.asgi, `celery -A config`)
default to production settings, in a clean environment with no DJANGO_SETTINGS_MODULE; only
manage.py defaults to development. Production refuses to start without its secrets and Redis,
and the Procfile lays out its processes; development links emails to the port `make run`
serves on."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent

security = pytest.mark.reliability("Security")

# What the entry points read; the rest of the environment is kept (PATH, HOME, ...).
SETTINGS_VARIABLES = {"DATABASE_URL", "REDIS_URL", "PATHWISE_BASE_URL", "WEB_PORT"}

SHOW_SETTINGS = "from django.conf import settings; print(settings.SETTINGS_MODULE, settings.DEBUG)"
ENTRY_POINTS = {
    "wsgi": f"import config.wsgi; {SHOW_SETTINGS}",
    "asgi": f"import config.asgi; {SHOW_SETTINGS}",
    # What `celery -A config` imports: the package, then its celery_app attribute.
    "celery": "import config; print(config.celery_app.conf.broker_url); " + SHOW_SETTINGS,
}


def clean_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DJANGO_") and key not in SETTINGS_VARIABLES
    }
    env.update(PATHWISE_VAR_DIR=str(tmp_path), **extra)
    return env


def production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    return clean_env(
        tmp_path,
        DJANGO_SECRET_KEY="entry-point-test-" + "k" * 40,
        DJANGO_ALLOWED_HOSTS="pathwise.example.com",
        DJANGO_JWT_PRIVATE_KEY=settings.HEADLESS_JWT_PRIVATE_KEY,
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        REDIS_URL="redis://127.0.0.1:6399/3",  # never connected to here
        **extra,
    )


def python(
    env: dict[str, str], *args: str, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@security
@pytest.mark.parametrize("entry_point", ENTRY_POINTS)
def test_entry_points_default_to_production_settings(entry_point, tmp_path):
    """gunicorn, uvicorn and celery without DJANGO_SETTINGS_MODULE: production, DEBUG off."""
    result = python(production_env(tmp_path), "-c", ENTRY_POINTS[entry_point])

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "config.settings.production False"
    if entry_point == "celery":
        assert result.stdout.splitlines()[0] == "redis://127.0.0.1:6399/3"


@security
@pytest.mark.parametrize("entry_point", ENTRY_POINTS)
def test_entry_points_refuse_to_start_without_the_production_secret_key(entry_point, tmp_path):
    """An entry point started bare refuses to run rather than run with development settings."""
    result = python(clean_env(tmp_path), "-c", ENTRY_POINTS[entry_point])

    assert result.returncode == 1, result.stdout
    assert "ImproperlyConfigured: Set the DJANGO_SECRET_KEY environment variable" in result.stderr


@security
def test_a_bare_celery_worker_refuses_to_start_without_production_settings(tmp_path):
    """`celery -A config worker` started bare exits naming the missing secret."""
    command = ["-m", "celery", "-A", "config", "worker", "--pool=solo", "--loglevel=INFO"]
    try:
        result = python(clean_env(tmp_path), *command, timeout=45)
    except subprocess.TimeoutExpired as running:
        pytest.fail(f"the worker started with development settings: {running.stdout!r}")

    assert result.returncode != 0
    assert "Set the DJANGO_SECRET_KEY environment variable" in result.stdout + result.stderr


def test_manage_py_still_defaults_to_development_settings(tmp_path):
    shell = ["manage.py", "shell", "--no-imports", "-c", SHOW_SETTINGS]
    result = python(clean_env(tmp_path), *shell)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "config.settings.local True"


@security
def test_production_refuses_to_start_without_redis(tmp_path):
    """Production without REDIS_URL refuses to start: rate limits would count per process."""
    env = production_env(tmp_path, DJANGO_SETTINGS_MODULE="config.settings.production")
    del env["REDIS_URL"]

    result = python(env, "-c", SHOW_SETTINGS)

    assert result.returncode == 1, result.stdout
    assert "ImproperlyConfigured: Set REDIS_URL" in result.stderr


SHOW_BASE_URL = "from django.conf import settings; print(settings.PATHWISE_BASE_URL)"


def test_development_links_emails_to_the_port_make_run_serves_on(tmp_path):
    env = clean_env(tmp_path, DJANGO_SETTINGS_MODULE="config.settings.local", WEB_PORT="8123")

    derived = python(env, "-c", SHOW_BASE_URL)
    explicit = python(env | {"PATHWISE_BASE_URL": "https://learn.example.com"}, "-c", SHOW_BASE_URL)

    assert (derived.returncode, derived.stdout.strip()) == (0, "http://127.0.0.1:8123")
    assert (explicit.returncode, explicit.stdout.strip()) == (0, "https://learn.example.com")


@pytest.mark.reliability("Processes")
def test_procfile_is_the_production_layout():
    """The Procfile: gunicorn, workers that consume every queue, exactly one beat."""
    processes = dict(
        line.split(":", 1)
        for line in (ROOT / "Procfile").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    )
    commands = [command.split() for command in processes.values()]
    consumed = {
        queue
        for command in commands
        if "worker" in command
        for option in command
        if option.startswith("--queues=")
        for queue in option.removeprefix("--queues=").split(",")
    }

    assert processes["web"].split()[:4] == ["gunicorn", "-c", "config/gunicorn.py", "config.wsgi"]
    assert [
        name for name, command in zip(processes, commands, strict=True) if "beat" in command
    ] == ["beat"]
    routed = {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()}
    assert consumed == {"celery", *routed}
    # The entry points' production default is what runs there: nothing names other settings.
    assert not any("DJANGO_SETTINGS_MODULE" in command for command in processes.values())
