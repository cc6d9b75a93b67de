"""Smoke test of the embedded default, end to end: SQLite and kombu's filesystem broker under a
fresh var/ folder, a real `celery worker` process, and a task that really runs through it."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.e2e


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def embedded_env(tmp_path: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(DJANGO_SETTINGS_MODULE="config.settings.local", PATHWISE_VAR_DIR=str(tmp_path))
    return env


def test_worker_runs_a_task_on_sqlite_and_the_filesystem_broker(embedded_env, tmp_path):
    assert manage(embedded_env, "migrate", "--no-input").returncode == 0
    loaded = manage(embedded_env, "load_catalogue")
    assert loaded.returncode == 0, loaded.stderr
    assert (tmp_path / "pathwise.sqlite3").is_file()

    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "-l", "INFO"],
        cwd=ROOT,
        env=embedded_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        answered = manage(embedded_env, "check_worker", "--timeout", "60")
    finally:
        worker.send_signal(signal.SIGTERM)
        log, _ = worker.communicate(timeout=30)

    assert answered.returncode == 0, answered.stderr + log
    assert "Worker answered: roles=3, skills=23" in answered.stdout
    assert "filesystem://" in log
    assert "careers.catalogue_summary" in log
    assert "succeeded" in log
    assert (tmp_path / "broker" / "queue").is_dir()
