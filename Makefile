# Two commands set everything up on a fresh machine: `make demo` and `make test`.
# Both create .venv and install the project (with its local runtime and test tools) into it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test up lint format unit e2e clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

demo: $(STAMP)  ## run the whole program end to end on the embedded AWS emulator
	$(BIN)/tfc demo

up: $(STAMP)  ## start the system locally (API on http://127.0.0.1:8000); Ctrl-C stops it
	$(BIN)/tfc up

test: $(STAMP)  ## lint, then every test
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q

unit: $(STAMP)
	$(BIN)/python -m pytest -q tests/unit

e2e: $(STAMP)
	$(BIN)/python -m pytest -q -m e2e

lint: $(STAMP)
	$(BIN)/ruff check .

format: $(STAMP)
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .tfc
