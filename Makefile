# The front door: `make demo` and `make test` from a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint lab bench clean requirements

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

requirements: $(STAMP)

demo: $(STAMP)
	$(BIN)/storehealth demo

test: $(STAMP)
	$(BIN)/python -m pytest -q

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

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
