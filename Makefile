# The README's commands. Everything installs itself into .venv/ from requirements.lock.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
export DAGSTER_HOME ?= $(CURDIR)/.dagster_home

.PHONY: run test ui bench screenshots lock clean

$(STAMP): requirements.lock pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "needs Python 3.11 ($(PYTHON)) on PATH"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --requirement requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --editable .
	@touch $(STAMP)

# The bundled instance configuration (telemetry off, one run at a time) goes with every
# command that records runs, so the UI and `make run` share one instance set-up.
$(DAGSTER_HOME)/dagster.yaml: dagster.yaml
	@mkdir -p $(DAGSTER_HOME)
	cp dagster.yaml $@

run: $(STAMP) $(DAGSTER_HOME)/dagster.yaml  ## materialise every asset on the data in CDP_DATA_DIR (default data/)
	$(BIN)/cdp-gap refresh

test: $(STAMP)  ## the whole test suite
	$(BIN)/python -m pytest

ui: $(STAMP) $(DAGSTER_HOME)/dagster.yaml  ## the Dagster UI on http://127.0.0.1:3000, run history in .dagster_home/
	$(BIN)/dagster dev --host 127.0.0.1 --port 3000

bench: $(STAMP)  ## benchmarks at Union scale and beyond (slow; see BENCHMARKS.md)
	$(BIN)/python -m benchmarks.run

screenshots: $(STAMP)  ## the planners' guide's pictures in docs/images/ (Chromium, LibreOffice)
	CDP_SCREENSHOTS_DIR=$(CURDIR)/docs/images $(BIN)/python -m pytest \
	    tests/e2e/test_ui_browser.py::test_materialize_all_from_the_asset_graph \
	    tests/e2e/test_report_browser.py \
	    tests/e2e/test_libreoffice.py::test_the_printed_summary_of_the_bundled_data

lock:  ## re-pin requirements.lock from requirements.in
	$(BIN)/python -m pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links \
	    --output-file requirements.lock requirements.in

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
