# Every command a user or CI needs. Each target bootstraps .venv itself, so a fresh clone
# with nothing but Python >= 3.11 works.
SHELL := /bin/bash
PYTHON ?= $(shell for p in python3.12 python3.11 python3; do \
	command -v $$p >/dev/null && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' && { echo $$p; break; }; \
	done)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install run test lint types pytest package bench clean

$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "error: Python >= 3.11 is required (none found on PATH)" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

run: install
	@echo "not yet: the local stack arrives with the local-stack issue" >&2; exit 1

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

types: install
	$(BIN)/mypy

# Unit and integration tests under coverage (branch, src/ only, gate 100 %: pyproject.toml).
pytest: install
	$(BIN)/coverage erase
	$(BIN)/coverage run -m pytest
	$(BIN)/coverage report

test: lint types pytest

# Benchmarks are never part of `make test`; results go to bench/results/latest.json.
bench: install
	POWERTOOLS_LOG_LEVEL=WARNING $(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) dist .coverage .pytest_cache .mypy_cache .ruff_cache
