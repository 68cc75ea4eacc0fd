# Two commands on a fresh machine: `make demo` (extract the seeds into out/) and `make test`.
# The demo installs only what the pipeline needs (about 0.5 GB: no bytecode is compiled ahead, Python
# compiles what it imports); the tests add the dev, hanlp and train extras (torch, HanLP,
# Playwright, Dask, matplotlib …) to the same virtual environment.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

$(BIN)/parkgraph: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --no-compile -e .
	touch $@

$(VENV)/.extras: $(BIN)/parkgraph
	$(BIN)/pip install --quiet -e '.[dev,hanlp,train]'
	touch $@

.PHONY: demo test test-fast test-deps lint evaluate bench
demo: $(BIN)/parkgraph
	$(BIN)/parkgraph extract seeds/*.txt --out out/
	@echo "open out/graph.html in a browser; parkgraph is installed in $(VENV): run 'source $(VENV)/bin/activate' to put it on the PATH"

test: $(VENV)/.extras test-deps
	$(BIN)/python -m pytest -q

# the tests without the slow ones (subprocesses, SIGKILL and resume, Dask, Chromium, the
# notebook, training, wall-clock bounds): under a minute
test-fast: $(VENV)/.extras
	$(BIN)/python -m pytest -q -m "not slow"

# Debian's chromium (the HTML view test drives it with Playwright) and a CJK font (graph.png);
# without root or apt-get those two tests are skipped, and say so.
test-deps:
	@command -v chromium >/dev/null && fc-list | grep -qi wqy || \
	{ command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ] && \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null; } || \
	echo "chromium or a CJK font could not be installed: the view tests that need them will be skipped"

bench: $(VENV)/.extras
	$(BIN)/python benchmarks/bench.py

lint: $(VENV)/.extras
	$(BIN)/ruff check pipeline tests benchmarks corpus

evaluate: $(BIN)/parkgraph
	$(BIN)/parkgraph evaluate seeds/gold/seed.jsonl --report reports/
