# The two commands of the README. Both create .venv and install what they need on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# Test workers (pytest-xdist): "auto" is one per CPU; TEST_WORKERS=0 runs in this process (a debugger, -x).
TEST_WORKERS ?= auto
PYTEST_PARALLEL := -n $(TEST_WORKERS)

.PHONY: demo test check lint typecheck clean docs schema

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/aisma demo demo-output

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/lint-imports --no-cache

typecheck: $(STAMP)
	$(BIN)/mypy

# Everything, slow tests included (CI runs this through .ci/run).
test: lint typecheck
	$(BIN)/pytest $(PYTEST_PARALLEL)

# The inner loop: lint, types and the tests not marked slow, in well under a minute.
check: lint typecheck
	$(BIN)/pytest $(PYTEST_PARALLEL) -q -m "not slow"

# The result's JSON Schema, generated from aisma.scoring.results (a test compares it with the committed copy).
schema: $(STAMP)
	$(BIN)/python -m aisma.scoring.schema_file

docs: $(STAMP)
	$(BIN)/aisma-docs docs

clean:
	rm -rf $(VENV) demo-output .pytest_cache .mypy_cache .ruff_cache
