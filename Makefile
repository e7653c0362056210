# Two commands do everything on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# `make run` installs only what the site needs; tests and lint add their tools on top.
RUNTIME_STAMP := $(VENV)/.runtime-stamp
DEV_STAMP := $(VENV)/.dev-stamp
HOST ?= 127.0.0.1
PORT ?= 8000

# Local development runs with debug on and the SQLite default unless DATABASE_URL says otherwise.
DEV_ENV := DJANGO_DEBUG=$${DJANGO_DEBUG:-1}
# The suite runs with production-like settings; the key is made up per run, never stored.
# Each run keeps its cache keys apart (CACHE_KEY_PREFIX), so runs may share one Redis.
TEST_ENV := DJANGO_DEBUG=0 DJANGO_SECURE_SSL_REDIRECT=0 \
	DJANGO_SECRET_KEY=$${DJANGO_SECRET_KEY:-$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(60))')} \
	CACHE_KEY_PREFIX=$${CACHE_KEY_PREFIX:-test-$$$$}

# `make serve` runs the site as production does: debug off, hashed static files collected,
# gunicorn with partnership_site/gunicorn.py. It needs a DJANGO_SECRET_KEY of your own.
# On http://127.0.0.1 with no HTTPS in front, say so with LOCAL=1 (no redirect to HTTPS).
SERVE_ENV := DJANGO_DEBUG=0 DJANGO_ALLOWED_HOSTS=$${DJANGO_ALLOWED_HOSTS:-127.0.0.1,localhost} \
	GUNICORN_BIND=$${GUNICORN_BIND:-$(HOST):$(PORT)} \
	$(if $(filter 1,$(LOCAL)),DJANGO_SECURE_SSL_REDIRECT=0)

.PHONY: run install install-dev translations messages migrate seed serve editor test fuzz mutation bench bench-import lint format \
	check-deploy clean

define make-venv
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Python 3.11 or newer is required (found $$($(PYTHON) --version))."; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
endef

$(RUNTIME_STAMP): requirements.txt
	$(make-venv)
	$(PY) -m pip install --quiet -r requirements.txt
	touch $(RUNTIME_STAMP)

$(DEV_STAMP): requirements.txt requirements-dev.txt
	$(make-venv)
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(DEV_STAMP) $(RUNTIME_STAMP)

install: $(RUNTIME_STAMP) translations

# The French interface (docs/editors.md, "Translating"): locale/fr/LC_MESSAGES/django.po is
# kept in the repository and compiled into django.mo here, with polib, so that no GNU
# gettext is needed to run the site. `make messages` gathers new or changed strings of the
# code and templates into the .po (this needs GNU gettext's xgettext and msgmerge).
PO := locale/fr/LC_MESSAGES/django.po
MO := locale/fr/LC_MESSAGES/django.mo

$(MO): $(PO) $(RUNTIME_STAMP)
	$(PY) -c 'import polib, sys; polib.pofile(sys.argv[1]).save_as_mofile(sys.argv[2])' $(PO) $(MO)

translations: $(MO)

messages: $(RUNTIME_STAMP)
	$(DEV_ENV) $(PY) manage.py makemessages --locale fr --no-obsolete --add-location file \
		--ignore '.venv/*' --ignore 'mutants/*' --ignore 'staticfiles/*' --ignore 'tests/*'

install-dev: $(DEV_STAMP) translations

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
	@test -n "$$DJANGO_SECRET_KEY" || { \
		echo "make serve runs with debug off and needs DJANGO_SECRET_KEY (50+ random characters)."; \
		echo "Make one with: $(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(60))'"; \
		echo "and add LOCAL=1 to serve plain http://$(HOST):$(PORT)/ without redirecting to HTTPS."; \
		exit 1; }
	$(SERVE_ENV) $(PY) manage.py collectstatic --no-input --verbosity 0
	$(SERVE_ENV) $(PY) manage.py migrate --no-input
	$(SERVE_ENV) $(VENV)/bin/gunicorn --config partnership_site/gunicorn.py

editor: migrate
	$(DEV_ENV) $(PY) manage.py createsuperuser

test: install-dev translations
	$(TEST_ENV) $(PY) -m pytest $(PYTEST_ARGS)

# The long fuzzing run (docs/security.md): schemathesis with FUZZ_EXAMPLES examples per API
# operation and mode (the suite uses 20), and the adversarial tests sending every payload
# FUZZ_PASSES times through the one-line fields and all of them into the search box.
# Add DATABASE_URL for PostgreSQL, as for `make test`.
FUZZ_EXAMPLES ?= 200
FUZZ_PASSES ?= 5

fuzz: install-dev
	$(TEST_ENV) SCHEMATHESIS_MAX_EXAMPLES=$(FUZZ_EXAMPLES) ADVERSARIAL_PASSES=$(FUZZ_PASSES) \
		$(PY) -m pytest tests/test_api_schema.py tests/adversarial -q $(PYTEST_ARGS)

# Mutation testing (docs/testing.md, "Mutation testing"): mutmut makes one small change at a
# time to the rules where a mistake hurts users most and runs that set's focused tests
# against each; at least 90% must be killed in each set. It starts afresh in mutants/, one
# set after another and one mutant at a time, on SQLite, migrating and collecting static
# files once (TEST_DB_TEMPLATE, TEST_STATIC_ROOT and MUTATION_TESTS in tests/conftest.py).
# `make mutation MUTATION_SETS=partial_dates` runs one set.
MUTATION_SETS ?= partial_dates publication as_of conflict revisions names translation
MUTANTS_partial_dates := registry.partial_dates.*
MUTATION_TESTS_partial_dates := tests/test_partial_dates.py
MUTANTS_publication := registry.publication.visibility.* registry.publication.gate.*
MUTATION_TESTS_publication := tests/test_visibility.py tests/test_publication_gate.py \
	tests/test_workflow.py
MUTANTS_as_of := registry.api.as_of.* registry.models.base.x_to_partial__mutmut_* \
	registry.models.base.xǁSpanMixinǁcertainly_active_on__mutmut_* \
	registry.models.base.xǁSpanMixinǁpossibly_active_on__mutmut_* \
	registry.filters.fields.x_possibly_active_q__mutmut_* \
	registry.filters.fields.x__end_not_before__mutmut_*
MUTATION_TESTS_as_of := tests/test_api.py::test_programmes_as_of \
	tests/test_api.py::test_kazakhstan_ipap_as_of tests/test_api.py::test_tashkent_office_as_of \
	tests/test_api.py::test_positions_as_of_reports_vacancies tests/test_api_behaviour.py \
	tests/test_as_of.py
# The conflict check of edit_snapshot.py: reading the form's token, reading the records
# under lock and comparing them with the token. How the token is first filled (snapshot,
# form_snapshot, instance_state) and the conflict screen (form_values, shown) are not in it.
MUTANTS_conflict := $(foreach f,read_token record_key parse_key canonical _normal same \
	tracked_fields read_state lock_and_read changed_fields changed_since, \
	registry.admin.edit_snapshot.x_$(f)__mutmut_*)
MUTATION_TESTS_conflict := tests/test_locking.py tests/test_conflict_merge.py \
	tests/test_conflict_check.py
# The rules of pending revisions (registry/publication/revisions.py): the merge with what was
# published meanwhile, saving against a number, publishing through the gate, scheduling and
# applying due revisions once. Capturing and writing rows reuse the history's tested writers.
MUTANTS_revisions := $(foreach f,_merge_row resolved edits_wait_for_review save publish \
	request_changes submit schedule _resolve_change_requests scheduled_times apply_due, \
	registry.publication.revisions.x_$(f)__mutmut_*)
MUTATION_TESTS_revisions := tests/test_revision_rules.py
# Names as they were (registry/names.py): which name a fact of a date shows.
MUTANTS_names := registry.names.*
MUTATION_TESTS_names := tests/test_other_names.py::test_a_name_applies_when_the_fact_lies_certainly_within_its_dates \
	tests/test_other_names.py::test_a_name_with_no_dates_applies_to_no_fact_and_no_date_gives_todays_name \
	tests/test_other_names.py::test_todays_name_is_the_one_given_or_the_records_own \
	tests/test_other_names.py::test_a_city_name_is_the_citys_not_the_countrys \
	tests/test_other_names.py::test_a_hidden_records_other_names_are_used_for_no_fact
# Translations (registry/translation.py): which English each French text was made from, when
# it is out of date, and what a page shows when the French is missing.
MUTANTS_translation := registry.translation.*
MUTATION_TESTS_translation := tests/test_translation.py
MUTATION_ENV := $(TEST_ENV) DATABASE_URL=sqlite:///$(CURDIR)/db.sqlite3 \
	TEST_DB_TEMPLATE=$(CURDIR)/mutants/test-db.sqlite3 TEST_STATIC_ROOT=$(CURDIR)/mutants/static-test
comma := ,
empty :=
space := $(empty) $(empty)

mutation: install-dev
	rm -rf mutants
	$(foreach s,$(MUTATION_SETS),rm -f mutants/mutmut-stats.json && \
		$(MUTATION_ENV) MUTATION_TESTS='$(strip $(MUTATION_TESTS_$(s)))' \
		$(VENV)/bin/mutmut run --max-children 1 $(foreach m,$(MUTANTS_$(s)),'$(m)') &&) true
	@echo
	$(VENV)/bin/mutmut results --all true | $(PY) tests/mutation_score.py \
		$(foreach s,$(MUTATION_SETS),'$(s)=$(subst $(space),$(comma),$(strip $(MUTANTS_$(s))))')

# The benchmark (docs/performance.md): at each size it DROPS and recreates the PostgreSQL
# database BENCH_DATABASE_URL, fills it and times the site under gunicorn and wrk.
# `make bench BENCH_SIZES=seed` runs only some of the sizes seed, x100 and 100k.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/registry_bench
BENCH_SIZES ?= seed,x100,100k
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/5

bench: install-dev
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && \
		{ apt-get install -y wrk || { apt-get update && apt-get install -y wrk; }; }; } || \
		{ echo "make bench needs wrk (Debian package wrk)."; exit 1; }
	$(TEST_ENV) DATABASE_URL=$(BENCH_DATABASE_URL) BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) \
		BENCH_SIZES=$(BENCH_SIZES) BENCH_REDIS_URL=$(BENCH_REDIS_URL) $(PY) manage.py run_bench

# Only the benchmark's CSV import step (registry/bench/imports.py): a dry run of the largest
# import allowed on the database of DATABASE_URL (nothing is written), kept in
# docs/performance.json and docs/performance.md. BENCH_IMPORT_ROWS=5000 measures another size.
bench-import: install-dev
	$(TEST_ENV) DJANGO_ALLOWED_HOSTS=localhost $(PY) manage.py collectstatic --no-input -v0
	$(TEST_ENV) DJANGO_ALLOWED_HOSTS=localhost $(PY) manage.py bench_import --record \
		$(if $(BENCH_IMPORT_ROWS),--rows=$(BENCH_IMPORT_ROWS))

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install-dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

check-deploy: install
	$(TEST_ENV) DJANGO_SECURE_SSL_REDIRECT=1 DJANGO_ALLOWED_HOSTS=registry.example.org \
		$(PY) manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
