# Two commands: `make run` (demo server) and `make test` (lint + tests). See README.md.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# The production environment (SECRET_KEY, master keys, DATABASE_URL…): a copy of .env.example.
ENV_FILE ?= .env

.PHONY: run prod test bench-smoke lint format messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

run: $(VENV)/.runtime
	mkdir -p var
	DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DEBUG=1 $(BIN)/python manage.py load_demo
	DEBUG=1 $(BIN)/python manage.py load_demo_directory
	DEBUG=1 $(BIN)/python manage.py load_demo_cases
	# The periodic tasks (referral reminders and expiry, share clean-up, e-mails, audit check)
	# run in a second process on their schedule, stopped with the server (README: Periodic work).
	DEBUG=1 $(BIN)/python manage.py run_schedule & schedule=$$!; \
	trap 'kill $$schedule 2>/dev/null' EXIT INT TERM; \
	DEBUG=1 $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# The production stack in one command (docs/deploy.md): static files collected, migrations
# applied, then gunicorn, one Celery worker and exactly one beat from the Procfile, all reading
# ENV_FILE. Stop with Ctrl-C; systemd units for a server are in deploy/systemd/.
prod: $(VENV)/.runtime
	mkdir -p var
	$(BIN)/honcho -e $(ENV_FILE) run $(BIN)/python manage.py collectstatic --noinput
	$(BIN)/honcho -e $(ENV_FILE) run $(BIN)/python manage.py migrate --noinput
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho -e $(ENV_FILE) start

# A full run spreads the test modules over both cores (pytest-xdist; a module stays on one worker,
# so a module-scoped world is built once) in random order (pytest-randomly prints the seed:
# PYTEST_ARGS="-p randomly --randomly-seed=N" repeats it). On PostgreSQL each worker has its own
# test database (test_casehub_gw0, test_casehub_gw1). PYTEST_ARGS=... runs just what it names.
test: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
ifeq ($(PYTEST_ARGS),)
	$(BIN)/python -m pytest -n 2 --dist loadscope
else
	$(BIN)/python -m pytest $(PYTEST_ARGS)
endif

# Every benchmark at its --quick size, as a smoke check (nothing timed is asserted): each must
# run and end with its `bench: NAME key=value ...` line. The PostgreSQL ones need DATABASE_URL.
bench-smoke: $(VENV)/.dev
	@mkdir -p var
	@for bench in bench/*.py; do \
	  echo "--- $$bench --quick"; \
	  $(BIN)/python $$bench --quick > var/bench-smoke.log 2>&1 || { cat var/bench-smoke.log; exit 1; }; \
	  last=$$(tail -n 1 var/bench-smoke.log); \
	  case "$$last" in "bench: "*) echo "$$last";; *) cat var/bench-smoke.log; echo "$$bench: no bench: line"; exit 1;; esac; \
	done

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Needs GNU gettext (msgfmt); the compiled catalogs are committed so `make run` does not.
messages: $(VENV)/.dev
	DEBUG=1 $(BIN)/python manage.py makemessages -l es --ignore=.venv --ignore=var
	DEBUG=1 $(BIN)/python manage.py compilemessages -l es

clean:
	rm -rf $(VENV) var/test .pytest_cache .ruff_cache
