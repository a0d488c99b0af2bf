# The documented entry points. `make run` and `make test` set everything up
# on a fresh machine that has Python 3.11+ and make.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
# The embedded default: SQLite, local-memory cache, Celery tasks in-process.
DEV_ENV := DEBUG=$${DEBUG:-1}

.PHONY: run test install install-dev messages makemessages lint format demo bench bench-reports bench-load clean backup restore

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (found " + sys.version.split()[0] + ")")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $@ $(VENV)/.installed

# A development .env so plain `python manage.py ...` works on this checkout
# (DEBUG=1: SQLite, eager tasks, the development secret key). Never created
# over an existing one; production sets its variables in the service manager.
.env:
	@printf '# Development settings for this checkout (see .env.example for all).\nDEBUG=1\n' > $@
	@echo "Wrote .env with DEBUG=1 for development."

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## Compile locale/*/django.po to .mo in pure Python (no GNU gettext needed).
messages: install
	@$(DEV_ENV) $(BIN)/python manage.py compiletranslations

## Refresh locale/vi/LC_MESSAGES/django.po from the code (needs GNU gettext).
makemessages: install
	$(DEV_ENV) $(BIN)/python manage.py makemessages -l vi --no-obsolete --add-location file

demo: install
	$(DEV_ENV) $(BIN)/python manage.py load_demo --with-officer

## Set up and serve the embedded default on http://127.0.0.1:8000/
run: install .env messages
	$(DEV_ENV) $(BIN)/python manage.py migrate --noinput
	$(DEV_ENV) $(BIN)/python manage.py load_demo --with-officer
	$(DEV_ENV) $(BIN)/python manage.py runserver $(HOST):$(PORT)

## The whole suite. With DATABASE_URL / REDIS_URL set it runs against those servers.
test: install-dev .env messages
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(DEV_ENV) $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/lint-imports

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) staticfiles .pytest_cache test-artifacts
	find locale -name '*.mo' -delete

## Benchmarks print ratios against a baseline measured in the same run.
bench: install
	$(BIN)/python bench/pages.py
	$(BIN)/python bench/qr.py
	$(BIN)/python bench/library.py

## Reports at province scale (PostgreSQL): seeds the synthetic province once, then measures.
## DATABASE_URL=postgres://postgres@127.0.0.1:5432/chuprong_scale make bench-reports
SEED_SCALE ?= 1
bench-reports: install
	@case "$$DATABASE_URL" in postgres*) ;; *) echo "Set DATABASE_URL to a PostgreSQL database"; exit 2;; esac
	DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DEBUG=1 DJANGO_SETTINGS_MODULE=bench.settings $(BIN)/python manage.py seed_scale --scale $(SEED_SCALE) --if-missing
	$(BIN)/python bench/reports.py

## The public pages under load (PostgreSQL, Redis, gunicorn, wrk: apt-get install wrk):
## 50 connections for 60 s per page; builds and drops its own database (BENCH_DATABASE_URL).
## REDIS_URL=redis://127.0.0.1:6379/9 make bench-load [LOAD_ARGS="--seconds 5 --clients 10"]
bench-load: install
	@case "$$REDIS_URL" in redis*) ;; *) echo "Set REDIS_URL to a Redis database of its own"; exit 2;; esac
	$(BIN)/python bench/load.py $(LOAD_ARGS)

## A consistent backup of the database and MEDIA_ROOT: backups/chuprong-YYYYmmdd-HHMMSS.tar.gz
BACKUP_DIR ?= backups
backup: install
	$(DEV_ENV) $(BIN)/python manage.py backup --output-dir "$(BACKUP_DIR)"

## make restore BACKUP=backups/chuprong-….tar.gz; CONFIRM=1 replaces a database that has data.
restore: install
	@test -n "$(BACKUP)" || { echo "Say which archive: make restore BACKUP=backups/chuprong-YYYYmmdd-HHMMSS.tar.gz"; exit 2; }
	$(DEV_ENV) $(BIN)/python manage.py restore "$(BACKUP)"$(if $(filter 1,$(CONFIRM)), --yes)
