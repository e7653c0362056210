# Two commands do everything on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000

# Local development runs with debug on and the SQLite default unless DATABASE_URL says otherwise.
DEV_ENV := DJANGO_DEBUG=$${DJANGO_DEBUG:-1}
# The suite runs with production-like settings; the key is made up per run, never stored.
TEST_ENV := DJANGO_DEBUG=0 DJANGO_SECURE_SSL_REDIRECT=0 \
	DJANGO_SECRET_KEY=$${DJANGO_SECRET_KEY:-$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(60))')}

.PHONY: run install migrate seed serve editor test bench lint format check-deploy clean

$(STAMP): requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Python 3.11 or newer is required (found $$($(PYTHON) --version))."; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(DEV_ENV) $(PY) manage.py migrate --no-input

seed: migrate
	$(DEV_ENV) $(PY) manage.py load_seed

run: seed
	@echo
	@echo "Partnership Registry: http://$(HOST):$(PORT)/  (admin: http://$(HOST):$(PORT)/admin/)"
	@echo "To log in to the admin, create an editor account in another terminal: make editor"
	@echo
	$(DEV_ENV) $(PY) manage.py runserver $(HOST):$(PORT)

serve: install
	$(DEV_ENV) $(PY) manage.py runserver $(HOST):$(PORT)

editor: migrate
	$(DEV_ENV) $(PY) manage.py createsuperuser

test: install
	$(TEST_ENV) $(PY) -m pytest $(PYTEST_ARGS)

# The benchmark (docs/performance.md): at each size it DROPS and recreates the PostgreSQL
# database BENCH_DATABASE_URL, fills it and times the site under gunicorn and wrk.
# `make bench BENCH_SIZES=seed` runs only some of the sizes seed, x100 and 100k.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/registry_bench
BENCH_SIZES ?= seed,x100,100k
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/5

bench: install
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && \
		{ apt-get install -y wrk || { apt-get update && apt-get install -y wrk; }; }; } || \
		{ echo "make bench needs wrk (Debian package wrk)."; exit 1; }
	@$(PY) -c 'import gunicorn' 2>/dev/null || $(PY) -m pip install --quiet 'gunicorn>=23'
	$(TEST_ENV) DATABASE_URL=$(BENCH_DATABASE_URL) BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) \
		BENCH_SIZES=$(BENCH_SIZES) BENCH_REDIS_URL=$(BENCH_REDIS_URL) $(PY) manage.py run_bench

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

check-deploy: install
	$(TEST_ENV) DJANGO_SECURE_SSL_REDIRECT=1 DJANGO_ALLOWED_HOSTS=registry.example.org \
		$(PY) manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
