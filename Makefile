# Waymark: the commands the README names. `make run` and `make test` are all a newcomer needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.9
INSTALLED := $(VENV)/.installed
GOVUK_DIST := node_modules/govuk-frontend/dist/govuk
GOVUK_STATIC := web/static/govuk
GOVUK_BUILT := $(GOVUK_STATIC)/.built
VALIDATOR_903 := var/validator-903/.installed
VALIDATOR_903_REQUIREMENTS := tests/ssda903/validator-requirements.txt
export PATH := $(CURDIR)/$(BIN):$(PATH)

.PHONY: run run-env test test-fast lint bench install clean help serve

help:
	@echo "make run    set up, load demo data, serve http://127.0.0.1:8000 (web, worker, beat)"
	@echo "make test   the whole suite on PostgreSQL and Redis, browser tests in Chromium (see README)"
	@echo "make test-fast  the tests that need no PostgreSQL or Redis (rules, forms, serializers), timed"
	@echo "make lint   ruff, mypy (outcomes/), the import contracts, makemigrations --check, hadolint"
	@echo "make bench  the benchmarks, printed as one table"
	@echo "make serve  production: gunicorn, worker, beat and bot from the environment and .env"

install: $(INSTALLED) $(GOVUK_BUILT)

# GOV.UK Frontend from npm (package-lock.json): its compiled CSS and JS, and its images less the
# crown (Waymark is not on GOV.UK), into web/static/govuk/ (generated, git-ignored). No fonts: the
# pages use Arial (web/static/web/waymark.css).
$(GOVUK_BUILT): package.json package-lock.json Makefile
	@command -v npm >/dev/null || (echo "npm is needed to build the pages' assets: install Node.js and npm (Debian: apt-get install nodejs npm)" && exit 1)
	@npm ci --no-audit --no-fund --silent
	@rm -rf $(GOVUK_STATIC) && mkdir -p $(GOVUK_STATIC)/assets/images
	@cp $(GOVUK_DIST)/govuk-frontend.min.css $(GOVUK_DIST)/govuk-frontend.min.css.map \
		$(GOVUK_DIST)/govuk-frontend.min.js $(GOVUK_DIST)/govuk-frontend.min.js.map $(GOVUK_STATIC)/
	@# No font is shipped, so GOV.UK's @font-face rules (which would fetch /assets/fonts/) go too.
	@sed -E -i 's/@font-face\{[^}]*\}//g' $(GOVUK_STATIC)/govuk-frontend.min.css
	@find $(GOVUK_DIST)/assets/images -type f ! -name 'favicon*' ! -name 'govuk-icon*' \
		! -name 'govuk-opengraph*' -exec cp {} $(GOVUK_STATIC)/assets/images/ \;
	@touch $@

$(INSTALLED): pyproject.toml uv.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	@VIRTUAL_ENV=$(CURDIR)/$(VENV) $(BIN)/uv sync --quiet --frozen --inexact --extra dev
	@touch $@

# Without a bot token, the bot talks to the local Bot API server (tests/fakes/botapi.py, the
# Procfile's botapi) and `manage.py botchat --as yp1` chats with it; with a real token, the fake
# is not started and the bot talks to Telegram (or TELEGRAM_API_BASE_URL).
ifeq ($(strip $(TELEGRAM_BOT_TOKEN)),)
RUN_PROCESSES := web worker beat botapi bot
RUN_TELEGRAM := TELEGRAM_BOT_TOKEN=123456:TEST TELEGRAM_API_BASE_URL=http://127.0.0.1:8081/bot \
	TELEGRAM_BOT_USERNAME=$(or $(TELEGRAM_BOT_USERNAME),waymark_test_bot)
run: export TELEGRAM_BOT_TOKEN := 123456:TEST
run: export TELEGRAM_API_BASE_URL := http://127.0.0.1:8081/bot
run: export TELEGRAM_BOT_USERNAME ?= waymark_test_bot
RUN_BOT_NOTE := "The bot runs on a local Bot API server: chat with it by python manage.py botchat --as yp1 (or adviser)"
else
RUN_PROCESSES := web worker beat bot
RUN_BOT_NOTE := "The bot talks to Telegram with TELEGRAM_BOT_TOKEN"
RUN_TELEGRAM :=
endif

# The development settings `make run` runs with, written to a git-ignored .env that
# config/settings.py reads when present (the environment always wins), so the README's commands
# work as written from a second terminal: `.venv/bin/python manage.py botchat --as yp1`.
# A real TELEGRAM_BOT_TOKEN is never written to it.
ENV_FILE ?= .env
run-env:
	@printf '%s\n' "# Written by make run: the development settings it runs with, for commands run" \
		"# from another terminal. Not for production. Delete it freely: make run writes it again." \
		"DJANGO_DEBUG=$(or $(DJANGO_DEBUG),true)" $(foreach setting,$(RUN_TELEGRAM),"$(setting)") \
		"# Safeguarding alerts for the duty team: printed by the worker (the console email)." \
		"WAYMARK_DUTY_EMAIL=$(or $(WAYMARK_DUTY_EMAIL),duty@waymark.invalid)" \
		> $(ENV_FILE)

run: export DJANGO_DEBUG ?= true
run: install run-env
	@$(BIN)/python manage.py migrate --no-input -v 0
	@$(BIN)/python manage.py seed_demo
	@$(BIN)/python manage.py setup_schedules
	@echo ""
	@echo "Waymark is starting at http://127.0.0.1:8000/ (Ctrl-C stops web, worker, beat and bot)"
	@echo $(RUN_BOT_NOTE)
	@echo ""
	@$(BIN)/honcho start -f Procfile $(RUN_PROCESSES)

# Production on this machine (docs/operations.md): the settings come from the environment and
# .env (honcho reads it), DJANGO_DEBUG is off, and nothing starts while a setting is missing.
serve: install
	@$(BIN)/honcho run bin/waymark serve

test: install lint $(VALIDATOR_903)
	@$(BIN)/python -m pytest

# The fast loop: every test that needs neither PostgreSQL nor Redis, on config/fast_test_settings.py
# (tests/conftest.py deselects the tests that ask for the database or are marked services/slow).
test-fast: install
	@start=$$(date +%s); $(BIN)/python -m pytest --ds=config.fast_test_settings -q; status=$$?; \
		echo "make test-fast: $$(( $$(date +%s) - start )) s"; exit $$status

# The DfE SSDA903 validator (csc-validator-be-903) in its own virtual environment: it pins old
# pandas and numpy. tests/ssda903/ runs it in a subprocess.
$(VALIDATOR_903): $(VALIDATOR_903_REQUIREMENTS)
	@rm -rf $(@D) && $(PYTHON) -m venv $(@D)
	@$(@D)/bin/python -m pip install --quiet --disable-pip-version-check --no-deps \
		--require-hashes -r $(VALIDATOR_903_REQUIREMENTS)
	@touch $@

lint: install
	@$(BIN)/ruff check .
	@DJANGO_DEBUG=true $(BIN)/mypy
	@$(BIN)/lint-imports --no-logo --cache-dir var/import-linter
	@$(BIN)/hadolint Dockerfile
	@DJANGO_DEBUG=true $(BIN)/python manage.py makemigrations --check --dry-run -v 0 \
		|| (echo "Models and migrations differ: run manage.py makemigrations" && exit 1)

bench: install
	@$(BIN)/python bench/run.py

clean:
	rm -rf var .env .pytest_cache .ruff_cache node_modules $(GOVUK_STATIC)
