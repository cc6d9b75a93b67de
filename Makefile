# Two commands matter: `make run` (the product) and `make test` (the checks). See README.md.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip

.PHONY: run test check-reliability bench lock install install-dev demo clean

# Development settings, named: the entry points (wsgi, asgi, celery -A config) default to
# production. supervisord (config/supervisord.conf) runs web, worker and beat and restarts any
# that dies; Ctrl-C stops all three.
run: WEB_PORT ?= 8000
run: RUN_VAR = $(abspath $(or $(PATHWISE_VAR_DIR),var))
run: RUN_ENV = DJANGO_SETTINGS_MODULE=config.settings.local PATHWISE_VAR_DIR="$(RUN_VAR)" WEB_PORT=$(WEB_PORT)
run: install
	@mkdir -p "$(RUN_VAR)/log"
	$(RUN_ENV) $(PY) manage.py migrate --no-input
	$(RUN_ENV) $(PY) manage.py load_catalogue
	$(RUN_ENV) $(PY) manage.py load_question_banks
	$(RUN_ENV) $(PY) manage.py demo_accounts
	$(RUN_ENV) $(PY) manage.py demo_team
	$(RUN_ENV) $(PY) manage.py refresh_analytics
	@echo "Serving http://127.0.0.1:$(WEB_PORT)/ with a worker and beat; logs in $(RUN_VAR)/log/"
	$(RUN_ENV) exec $(VENV)/bin/supervisord -c config/supervisord.conf

test:
	@bash tests/run.sh $(PYTEST_ARGS)

# Every fault, load, bad-input and security check (the slow ones too), then a table of them.
check-reliability:
	@bash tests/run.sh --pytest-only -m reliability --reliability-table $(PYTEST_ARGS)

install: $(VENV)/.installed-base
install-dev: $(VENV)/.installed-dev

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed-base: requirements/base.lock | $(VENV)/bin/python
	$(PIP) install -q --require-hashes --no-deps -r requirements/base.lock
	@touch $@

$(VENV)/.installed-dev: requirements/dev.lock | $(VENV)/bin/python
	$(PIP) install -q --require-hashes --no-deps -r requirements/dev.lock
	@touch $@ $(VENV)/.installed-base

# Benchmarks against PostgreSQL and Redis with gunicorn on loopback: a table and
# var/bench/results.json (tests/bench/). BENCH_ARGS="--only B1,B3 --scale 2" passes arguments.
bench: install-dev
	@.venv/bin/python -m tests.bench $(BENCH_ARGS)

# Regenerate the lock files after changing pyproject.toml (needs uv: `pip install uv`).
lock:
	uv pip compile pyproject.toml --python-version 3.11 --generate-hashes -q -o requirements/base.lock
	uv pip compile pyproject.toml --extra dev --python-version 3.11 --generate-hashes -q -o requirements/dev.lock

clean:
	rm -rf $(VENV) var
