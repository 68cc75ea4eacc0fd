# Two commands on a fresh machine: `make demo` (extract the seeds into out/) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

$(BIN)/parkgraph: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

.PHONY: demo test lint evaluate
demo: $(BIN)/parkgraph
	$(BIN)/parkgraph extract seeds/*.txt --out out/

test: $(BIN)/parkgraph
	$(BIN)/python -m pytest -q

lint: $(BIN)/parkgraph
	$(BIN)/ruff check pipeline tests

evaluate: $(BIN)/parkgraph
	$(BIN)/parkgraph evaluate seeds/gold/seed.jsonl --report reports/
