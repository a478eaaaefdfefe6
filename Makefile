# netzero: `make run` and `make test` each do the whole set-up first (idempotent).
SHELL := /bin/bash
.DEFAULT_GOAL := help

# No telemetry, anywhere (Prefect server and SDK, Great Expectations).
export DO_NOT_TRACK := 1
export PREFECT_SERVER_ANALYTICS_ENABLED := false
export GX_ANALYTICS_ENABLED := False
export UV_PYTHON_DOWNLOADS := never
# A cold ephemeral Prefect server can take longer than the 20 s default on 2 shared cores.
export PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS := 120

PY := .venv/bin/python
NETZERO := .venv/bin/netzero

.PHONY: help setup setup-dev run test lint demo bench bench-month bench-month-prepare fuzz clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

setup:  ## Debian libraries, uv, locked .venv with what running needs (skips what is done)
	@scripts/setup.sh

setup-dev:  ## the same, plus chromium, the dev tools (pytest, ruff, mypy, playwright) and Dask
	@scripts/setup.sh --test

demo: setup  ## generate the demo province into data/ if it is not there yet
	@$(NETZERO) demo

run: demo  ## run the monthly cycle for the latest month past its due day (PERIOD=yyyy-mm to choose)
	@$(NETZERO) run $(if $(PERIOD),--period $(PERIOD))

# Both cores (pytest-xdist), a test module per worker so a module's fixture is built once:
# on an idle 2-core machine 8:42 on 7 Dec (818 CPU-s), 13:05-14:12 that afternoon and 18:26
# on 6 Dec (1,864 CPU-s): the machine's speed varies that much from hour to hour.
test: setup-dev  ## set up (with chromium for the HTML tests) and run the test suite on every core
	@$(PY) -m pytest -n auto --dist loadscope

bench: setup-dev  ## benchmarks (ratios against floors and Chromium, measured in the same run) → bench/results/
	@$(PY) -m bench.validation --lines 1000000
	@$(PY) -m bench.render --enterprises 40
	@$(PY) -m bench.province --enterprises 1000 10000
	@$(PY) -m bench.cycle --enterprises 1000
	@$(PY) -m bench.stations --outlets 50

# Not part of `make bench`: one month at N = 10,000 (ENTERPRISES to choose), once, after its
# 23 earlier months were landed by a daily intake that is not timed; that backlog (34 minutes
# at 10,000 on 7 Dec) is kept in bench/state/ and reused: `make bench-month-prepare` makes it alone
# (stopped, it goes on where it stopped the next time).
MONTH_N = $(or $(ENTERPRISES),10000)
MONTH_STATE = bench/state/month-$(MONTH_N)
bench-month: setup-dev  ## the whole `netzero run` for 10,000 enterprises: wall, stages, peak memory → bench/results/month.*
	@$(PY) -m bench.cycle --enterprises $(MONTH_N) --months 24 --steady --once --name month --state $(MONTH_STATE)
bench-month-prepare: setup-dev  ## only the backlog bench-month starts from (generated, 23 months landed) → bench/state/
	@$(PY) -m bench.cycle --enterprises $(MONTH_N) --months 24 --steady --once --state $(MONTH_STATE) --prepare-only

fuzz: setup-dev  ## fuzz the intake: FUZZ_EXAMPLES (default 1000) random hostile files (~10 min)
	@NETZERO_FUZZ_EXAMPLES=$(or $(FUZZ_EXAMPLES),1000) NETZERO_FUZZ_RANDOM=1 \
		$(PY) -m pytest tests/flows/test_fuzz_intake.py -p no:randomly --hypothesis-show-statistics

lint: setup-dev  ## ruff and mypy
	@.venv/bin/ruff check . && .venv/bin/ruff format --check . && .venv/bin/mypy

clean:  ## remove generated data (data/) — the warehouse, inbox and outbox
	rm -rf data
