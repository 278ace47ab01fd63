# The two set-up commands (README): `make demo` runs the main job on the bundled demo scenario,
# `make test` runs the test suite. Both create .venv and install ioscope from this checkout first.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.ioscope-installed
# Two cores: one BLAS/OpenMP thread each is faster than two fighting over them.
export OMP_NUM_THREADS ?= 1

.PHONY: demo test install clean bench

$(STAMP): pyproject.toml
	@$(PY) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "ioscope needs Python 3.11 or newer")'
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test,web,dashboard,spark]'
	@touch $(STAMP)

install: $(STAMP)

# The demo embeds ~15k distinct texts (narratives, claims): two threads for the model there.
demo: $(STAMP)
	OMP_NUM_THREADS=2 $(BIN)/ioscope demo --out demo-out

test: $(STAMP)
	$(BIN)/python -m pytest -q

# Peer tools for the side-by-side benchmarks (bench-only extra; see pyproject.toml).
bench: $(STAMP)
	$(BIN)/python -m pip install -q -e '.[bench]'
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/coordination.py

clean:
	rm -rf $(VENV) demo-out .pytest_cache build *.egg-info src/*.egg-info
