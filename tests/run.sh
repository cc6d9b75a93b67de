#!/usr/bin/env bash
# `make test`: lint, format check, types, migrations check, then pytest.
# `make check-reliability` passes --pytest-only: pytest alone, with its own arguments.
set -euo pipefail
cd "$(dirname "$0")/.."

exports=$(python3 tests/services.py)  # prints the database and broker line first
eval "$exports"
[ -n "$DATABASE_URL" ] || unset DATABASE_URL
[ -n "$REDIS_URL" ] || unset REDIS_URL

make -s install-dev 2> >(grep -v "is ignored: it is neither" >&2)
export DJANGO_SETTINGS_MODULE=config.settings.test
bin=.venv/bin

if [ "${1:-}" = "--pytest-only" ]; then
  shift
  exec "$bin/pytest" "$@"
fi

echo "== ruff check";  "$bin/ruff" check .
echo "== ruff format"; "$bin/ruff" format --check .
echo "== mypy";        "$bin/mypy" .
echo "== migrations";  DATABASE_URL=sqlite://:memory: "$bin/python" manage.py makemigrations --check --dry-run
echo "== openapi";     DATABASE_URL=sqlite://:memory: "$bin/python" manage.py spectacular --validate --fail-on-warn --file /dev/null
echo "== pytest";      "$bin/pytest" "$@"
