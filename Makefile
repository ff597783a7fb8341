# billops: every target works on a fresh machine from a clean clone.
# The virtual environment is built from requirements.lock (hashes pinned);
# scripts/system-deps installs the system programs (Tesseract) from Debian.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
PYTEST_WORKERS ?= 2

.PHONY: demo test test-pg lint format bench lock schema clean

$(STAMP): requirements.lock requirements-peppol.lock pyproject.toml scripts/system-deps
	scripts/system-deps
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --require-hashes -r requirements-peppol.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(STAMP)

## demo: a fresh database, the demo company loaded, every step that exists run; artifacts in demo-out/
demo: $(STAMP)
	rm -rf demo-out
	$(BIN)/billops demo run --out demo-out

## test: the whole suite on the embedded SQLite default
test: $(STAMP)
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) -q

## test-pg: the whole suite again on a real, throwaway PostgreSQL on 127.0.0.1
test-pg: $(STAMP)
	scripts/with-postgres $(BIN)/python -m pytest -n $(PYTEST_WORKERS) -q

## lint: ruff (lint + format check), mypy (strict on the domain), the published schema is current
lint: $(STAMP)
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests
	$(BIN)/mypy
	$(BIN)/billops schema contract | diff -u schemas/contract.schema.json - \
		|| (echo "schemas/contract.schema.json is stale: run 'make schema'" && exit 1)

format: $(STAMP)
	$(BIN)/ruff format src tests
	$(BIN)/ruff check --fix src tests

schema: $(STAMP)
	$(BIN)/billops schema contract > schemas/contract.schema.json

## bench: benchmarks; results and the machine go to docs/BENCHMARKS.md
bench: $(STAMP)
	$(BIN)/python -m billops.bench --out docs/BENCHMARKS.md

## lock: re-resolve requirements.lock from pyproject.toml (needs network to PyPI)
lock:
	$(PYTHON) -m venv .lockenv && .lockenv/bin/pip install --quiet uv==0.13.8
	.lockenv/bin/uv pip compile pyproject.toml --extra dev --generate-hashes \
		--python-version 3.11 -o requirements.lock

clean:
	rm -rf $(VENV) .lockenv demo-out .pytest_cache .mypy_cache .ruff_cache
