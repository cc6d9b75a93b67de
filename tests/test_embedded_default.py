"""Smoke test of the embedded default, end to end: SQLite and kombu's filesystem broker under a
fresh var/ folder, a real `celery worker` process, and a task that really runs through it."""

import os
import re
import signal
import sqlite3
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
    banks = manage(embedded_env, "load_question_banks")  # as make run does
    assert banks.returncode == 0, banks.stderr
    assert re.search(r"Question banks: [1-9]\d+ created", banks.stdout), banks.stdout
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
    assert "Worker answered: roles=3, skills=24" in answered.stdout
    assert "filesystem://" in log
    assert "careers.catalogue_summary" in log
    assert "succeeded" in log
    assert (tmp_path / "broker" / "queue").is_dir()


def test_demo_learner_and_full_recompute_on_sqlite(embedded_env, tmp_path):
    """SQLite stores a recompute through the ORM's bulk upserts (PostgreSQL has its own
    statement): the demo learner's rows are all written, the same twice over."""
    assert manage(embedded_env, "migrate", "--no-input").returncode == 0
    assert manage(embedded_env, "load_catalogue").returncode == 0
    seeded = manage(embedded_env, "demo_accounts")
    assert seeded.returncode == 0, seeded.stderr

    def scores() -> list[tuple[str, str, float | None]]:
        with sqlite3.connect(tmp_path / "pathwise.sqlite3") as db:
            return db.execute(
                "SELECT r.slug, l.slug, s.score FROM tracker_readinessscore s "
                "JOIN careers_role r ON r.id = s.role_id "
                "JOIN careers_senioritylevel l ON l.id = s.level_id "
                "JOIN tracker_user u ON u.id = s.user_id "
                "WHERE u.email = 'learner@pathwise.local' ORDER BY r.slug, l.slug"
            ).fetchall()

    seeded_scores = scores()
    recomputed = manage(embedded_env, "recompute_readiness")
    assert recomputed.returncode == 0, recomputed.stderr
    assert "Recomputed readiness for 2 learners." in recomputed.stdout
    assert scores() == seeded_scores
    assert len(seeded_scores) == 3 * 4  # every role at every rung
    assert any(score and score > 0 for _, _, score in seeded_scores)
