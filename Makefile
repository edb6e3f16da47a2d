# The front door: `make demo` and `make test` from a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint lab bench clean requirements browser services

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

requirements: $(STAMP)

demo: $(STAMP)
	$(BIN)/storehealth demo

# The report tests open the reports in Debian's headless Chromium and check the Chinese
# glyphs: install chromium and fonts-noto-cjk when missing (as root, with apt-get), else say how.
browser:
	@if [ -x /usr/bin/chromium ] && fc-list 2>/dev/null | grep -qi 'noto sans cjk'; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "installing Debian's chromium and fonts-noto-cjk for the report tests"; \
		DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	else echo "the report tests need Debian's chromium and fonts-noto-cjk:" \
		"sudo apt-get install chromium fonts-noto-cjk"; fi

# The lake tests run a real PostgreSQL server (tests/servers.py starts its own on 127.0.0.1):
# install Debian's postgresql when missing (as root, with apt-get), else say how.
services:
	@if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "installing Debian's postgresql for the lake tests"; \
		DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; \
	else echo "the lake tests need Debian's postgresql: sudo apt-get install postgresql"; fi

# two workers: most tests wait on processes (kernels, Chromium, PostgreSQL), not on a core
test: $(STAMP) browser services
	$(BIN)/python -m pytest -q -n 2

lint: $(STAMP)
	$(BIN)/ruff check

lab: $(STAMP)
	$(BIN)/pip install --quiet -e '.[dev,lab]'
	$(BIN)/jupyter kernelspec install pipeline/kernels/storehealth --sys-prefix --name storehealth > /dev/null
	$(BIN)/jupyter lab --notebook-dir=notebooks

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_ingest.py

.PHONY: bench-metrics
bench-metrics: $(STAMP)
	$(BIN)/python benchmarks/bench_metrics.py

.PHONY: bench-reports
bench-reports: $(STAMP)
	$(BIN)/python benchmarks/bench_reports.py

.PHONY: bench-lake
bench-lake: $(STAMP)
	$(BIN)/python benchmarks/bench_lake.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
