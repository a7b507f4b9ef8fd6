# Two commands: `make run` (demo server) and `make test` (lint + tests). See README.md.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: run test lint format messages clean

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
	DEBUG=1 $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# The authorization matrices (the sharing matrix: every actor × share state × field group ×
# route; the tuned-organization matrix: every role × tuning × route) are about 40 % of the
# suite's time, so a full run gives them a second process, on the second core, next to the rest
# (on PostgreSQL in a test database of its own). PYTEST_ARGS=... runs just what it names.
MATRIX_TESTS := tests/sharing/test_share_matrix.py tests/test_tuned_matrix.py

test: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
ifeq ($(PYTEST_ARGS),)
	@log=$$(mktemp); \
	env $${DATABASE_URL:+DATABASE_URL=$${DATABASE_URL}_matrix} $(BIN)/python -m pytest $(MATRIX_TESTS) >$$log 2>&1 & \
	matrix=$$!; \
	$(BIN)/python -m pytest $(addprefix --ignore=,$(MATRIX_TESTS)); main=$$?; \
	wait $$matrix; alongside=$$?; \
	echo "--- $(MATRIX_TESTS), run alongside in their own process:"; cat $$log; rm -f $$log; \
	exit $$(( main || alongside ))
else
	$(BIN)/python -m pytest $(PYTEST_ARGS)
endif

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
