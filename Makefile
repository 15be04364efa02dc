# ai-register: `make run` serves the demo on http://127.0.0.1:5000 (`make run PORT=8080` elsewhere),
# `make test` runs what CI runs.
PYTHON ?= python3.11
PORT ?= 5000
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app ai_register
PYTEST := $(BIN)/pytest
STAMP := $(VENV)/.installed

.PHONY: run install translations migrate demo test test-sqlite test-postgres lint bench screenshots clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) translations

translations: $(STAMP)
	@if [ -d ai_register/translations ]; then $(BIN)/pybabel -q compile -d ai_register/translations; fi

migrate: install
	mkdir -p instance
	$(FLASK) db upgrade
	$(FLASK) portfolio seed-indicators

demo: migrate
	$(FLASK) demo load --if-empty

run: demo
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

lint: $(STAMP)
	$(BIN)/ruff check ai_register tests $(wildcard bench tools)

# The suite on SQLite, then on PostgreSQL (TEST_DATABASE_URL, or a throwaway cluster started here).
# Browser and schemathesis suites (marked slow) run once, on PostgreSQL.
test: install lint test-sqlite test-postgres

test-sqlite: install
	AI_REGISTER_TEST_BACKEND=sqlite $(PYTEST) -q -m "not slow" -n 2 -p no:cacheprovider

test-postgres: install
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
	  AI_REGISTER_TEST_BACKEND=postgres $(PYTEST) -q -m "not slow" -n 2 -p no:cacheprovider && \
	  AI_REGISTER_TEST_BACKEND=postgres $(PYTEST) -q -m slow -p no:cacheprovider; \
	elif [ "$$CI" = "true" ]; then \
	  echo "CI=true but TEST_DATABASE_URL is not set: the PostgreSQL run cannot be skipped" >&2; exit 1; \
	else \
	  scripts/with-postgres.sh $(MAKE) --no-print-directory test-postgres; \
	fi

bench: install
	$(BIN)/python -m bench

screenshots: install
	$(BIN)/python tools/screenshots.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
