# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint check-dialogues bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev,telegram,discord,postgres]"
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/compassion-bot run

test: $(STAMP)
	$(BIN)/compassion-bot dialogues check
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check bot adapters tests benchmarks
	$(BIN)/mypy

check-dialogues: $(STAMP)
	$(BIN)/compassion-bot dialogues check

bench: $(STAMP)
	$(BIN)/compassion-bot bench

clean:
	rm -rf $(VENV) build dist *.egg-info
