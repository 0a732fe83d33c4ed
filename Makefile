# Waymark: the commands the README names. `make run` and `make test` are all a newcomer needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.9
INSTALLED := $(VENV)/.installed
export PATH := $(CURDIR)/$(BIN):$(PATH)

.PHONY: run test lint bench install clean help

help:
	@echo "make run    set up, load demo data, serve http://127.0.0.1:8000 (web, worker, beat)"
	@echo "make test   the whole suite on PostgreSQL and Redis (see README)"
	@echo "make lint   ruff and makemigrations --check"
	@echo "make bench  the benchmarks, printed as one table"

install: $(INSTALLED)

$(INSTALLED): pyproject.toml uv.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	@VIRTUAL_ENV=$(CURDIR)/$(VENV) $(BIN)/uv sync --quiet --frozen --inexact --extra dev
	@touch $@

run: export DJANGO_DEBUG ?= true
run: install
	@$(BIN)/python manage.py migrate --no-input -v 0
	@$(BIN)/python manage.py seed_demo
	@$(BIN)/python manage.py setup_schedules
	@echo ""
	@echo "Waymark is starting at http://127.0.0.1:8000/ (Ctrl-C stops web, worker and beat)"
	@echo ""
	@$(BIN)/honcho start -f Procfile

test: install lint
	@$(BIN)/python -m pytest

lint: install
	@$(BIN)/ruff check .
	@DJANGO_DEBUG=true $(BIN)/python manage.py makemigrations --check --dry-run -v 0 \
		|| (echo "Models and migrations differ: run manage.py makemigrations" && exit 1)

bench: install
	@$(BIN)/python bench/run.py

clean:
	rm -rf var .pytest_cache .ruff_cache
