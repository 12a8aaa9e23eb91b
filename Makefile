# The front door. `make run` and `make test` bootstrap everything they need.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export BASTION_VAR_DIR ?= $(CURDIR)/var

.PHONY: run test lint bench venv migrate clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

migrate: venv
	$(BIN)/bastion migrate --noinput

## Set up, seed the demo county when the database is empty, serve at http://127.0.0.1:8000
run: migrate
	$(BIN)/bastion demo --if-empty
	$(BIN)/bastion serve --bind 127.0.0.1:8000

## The whole suite (SQLite by default; DATABASE_URL=postgres://... for PostgreSQL)
test: venv
	$(BIN)/pytest -n 2 $(PYTEST_ARGS)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## Benchmarks on PostgreSQL (DATABASE_URL=postgres://...): no BENCH_ARGS = the whole set on the
## county at scale as one table (needs wrk); BENCH_ARGS="table --only rollups" picks one of
## import|followup|rollups|pages|dashboard|briefing; BENCH_ARGS=scale builds the county only;
## BENCH_ARGS=monitoring (or roster, party, campaigns, ...) runs an earlier suite
bench: venv
	$(BIN)/python -m benchmarks $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var .pytest_cache
