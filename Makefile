# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-fast lint check-dialogues bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev,telegram,discord,postgres]"
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/compassion-bot run

# Every test, spread over the machine's cores (pytest-xdist; each test's database,
# files and ports are its own, so they run side by side).
test: $(STAMP)
	$(BIN)/compassion-bot dialogues check
	$(BIN)/python -m pytest -q -n auto

# The core in under a minute: the architecture rules, the engine, the dialogues,
# safety, and the store on SQLite (TEST_POSTGRES_DSN is ignored here). No
# platform, runtime or fault tests: `make test` runs everything.
FAST_TESTS := tests/test_architecture.py tests/test_engine.py tests/test_walks.py \
	tests/test_validation.py tests/test_dialogue_content.py tests/test_variation.py \
	tests/safety tests/store

test-fast: $(STAMP)
	$(BIN)/compassion-bot dialogues check
	env -u TEST_POSTGRES_DSN $(BIN)/python -m pytest -q $(FAST_TESTS)

lint: $(STAMP)
	$(BIN)/ruff check bot adapters tests benchmarks
	$(BIN)/mypy

check-dialogues: $(STAMP)
	$(BIN)/compassion-bot dialogues check

# Every benchmark at fixed sizes: benchmarks/results/<date>-<commit>.json.
# Compare two with `$(BIN)/python -m benchmarks.compare A.json B.json`.
bench: $(STAMP)
	$(BIN)/python -m benchmarks.suite

clean:
	rm -rf $(VENV) build dist *.egg-info
