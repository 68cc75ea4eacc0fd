# Two commands on a fresh machine: `make demo` (extract the seeds into out/) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

$(BIN)/parkgraph: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,hanlp,train]'
	touch $@

.PHONY: demo test test-deps lint evaluate bench
demo: $(BIN)/parkgraph
	$(BIN)/parkgraph extract seeds/*.txt --out out/

test: $(BIN)/parkgraph test-deps
	$(BIN)/python -m pytest -q

# Debian's chromium (the HTML view test drives it with Playwright) and a CJK font (graph.png);
# without root or apt-get those two tests are skipped, and say so.
test-deps:
	@command -v chromium >/dev/null && fc-list | grep -qi wqy || \
	{ command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ] && \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null; } || \
	echo "chromium or a CJK font could not be installed: the view tests that need them will be skipped"

bench: $(BIN)/parkgraph
	$(BIN)/python benchmarks/bench.py

lint: $(BIN)/parkgraph
	$(BIN)/ruff check pipeline tests

evaluate: $(BIN)/parkgraph
	$(BIN)/parkgraph evaluate seeds/gold/seed.jsonl --report reports/
