# kochava.publisher — two commands: `make demo` and `make test`.
# Everything they need is installed here, into .venv, from pinned files.
SHELL := /bin/bash
.DEFAULT_GOAL := help
# Every step runs even when an earlier one failed (only what depends on a failed
# target is skipped), so one `make test` reports all problems and fails if any did.
MAKEFLAGS += --keep-going

PYTHON      ?= python3
VENV        := .venv
VBIN        := $(CURDIR)/$(VENV)/bin
COLL_ROOT   := $(CURDIR)/.build/collections
COLL_LINK   := $(COLL_ROOT)/ansible_collections/kochava/publisher
export ANSIBLE_COLLECTIONS_PATH := $(COLL_ROOT)
export ANSIBLE_COLLECTIONS_SCAN_SYS_PATH := false
export PYTHONDONTWRITEBYTECODE := 1
# The API emulator (tests/emulator/kochava_emulator) serves the tests and the demo.
export PYTHONPATH := $(CURDIR)/tests/emulator

# Step times. `make test` and `make test-all` run their steps in a sub-make
# (TEST_JOBS at once, each step's output in one block) and print a table of each
# step's time and result at the end, also when a step failed (tools/steps.py).
# Every step's recipe runs through $(STEP) (tools/step.sh), which appends
# "name, seconds, pass|fail" to STEP_TIMES: one file per top-level make, so
# `make test test-all` prints one table of both.
# The other steps run at a lower CPU priority than .venv and test-py, the longest
# chain (nice 5: a smaller share of a busy CPU, never none): they fill the cores
# pytest leaves idle (its tests wait on subprocesses and sockets) instead of
# slowing it down.
STEP_FIRST  := $(CURDIR)/tools/step.sh
STEP        := nice -n 5 $(STEP_FIRST)
TEST_JOBS   ?= 3
SUBMAKE     := $(MAKE) --no-print-directory -j$(TEST_JOBS) --output-sync=target
ifneq ($(filter test test-all,$(MAKECMDGOALS)),)
ifndef STEP_TIMES
export STEP_START := $(shell date +%s)
export STEP_TIMES := $(CURDIR)/.build/step-times/$(STEP_START)-$(shell echo $$PPID).tsv
endif
endif

.PHONY: help venv collection demo test test-all test-steps test-py bench bench-full bench-fleet soak clean

# `make help` is generated from the `## ` comment after each target, in this file
# and tools/tools.mk, so it lists every target; tests/tooling/test_make_help.py
# checks that every .PHONY target has one.
help: ## list every target
	@grep -hE '^[a-zA-Z0-9_.-]+:.*## ' $(MAKEFILE_LIST) | \
		awk 'BEGIN {FS = ":.*## "}; {printf "  make %-20s %s\n", $$1, $$2}'

$(VENV)/.stamp: tests/requirements.txt tests/constraints.txt requirements.txt
	$(STEP_FIRST) venv tools/make-venv.sh $(VENV) $(PYTHON) -r tests/requirements.txt -c tests/constraints.txt

venv: $(VENV)/.stamp ## build .venv (ansible-core 2.19, pytest, the modules' requirements)

# ansible finds the collection through ANSIBLE_COLLECTIONS_PATH, and pytest
# imports it as ansible_collections.kochava.publisher through .build/collections
# (pyproject.toml's pythonpath); the link makes the checkout itself the
# installed copy (no build step while developing). Only this target makes it:
# run `make collection` once before running pytest by hand (tests/conftest.py
# warns when the link is missing).
collection: $(COLL_LINK) ## link the checkout into .build/collections (ANSIBLE_COLLECTIONS_PATH, pytest's import path)
$(COLL_LINK):
	mkdir -p $(dir $(COLL_LINK))
	ln -sfn $(CURDIR) $(COLL_LINK)

demo: venv collection ## start the API emulator and run playbooks/demo.yml against it
	$(VBIN)/python -m kochava_emulator run --seed playbooks/files/emulator_seed.json -- \
		$(VBIN)/ansible-playbook -i playbooks/inventory.ini playbooks/demo.yml

test-py: venv collection ## pytest: unit, engine, emulator, playbook, examples, independent-API, fuzz and bounded soak tests
	$(STEP_FIRST) test-py $(VBIN)/python -m pytest

bench: venv collection ## benchmarks, in-process and module path side by side: converged kochava_trigger vs uri, the 1,000-trigger scale case and its loops
	$(VBIN)/python tests/benchmark/bench_trigger.py
	$(VBIN)/python tests/benchmark/bench_scale.py
	$(VBIN)/python tests/benchmark/bench_edges.py

# BENCH_APPS=N changes the number of apps (default 30).
bench-fleet: venv collection ## fleet benchmark: 30 apps x 4 triggers, forks 20, 3 concurrent slices, under an API limit of 4 requests/s
	$(VBIN)/python tests/benchmark/bench_fleet.py

bench-full: venv collection ## the scale benchmark with the whole 1,000-task kochava_trigger loop (long)
	$(VBIN)/python tests/benchmark/bench_scale.py --full

# `make test` runs the bounded profile of these (tests/soak, Hypothesis profile "ci").
soak: venv collection ## full fault soak (1,000 runs) and 2,000-example state machine; vary with SOAK_SEED, SOAK_RUNS, STATEFUL_EXAMPLES, STATEFUL_SEED
	SOAK_PROFILE=soak $(VBIN)/python tests/soak/soak.py
	SOAK_PROFILE=soak $(VBIN)/python -m pytest tests/soak/test_stateful.py -p no:cacheprovider -n 0 -q

# `make test`: every test except the ansible-core matrix; `make test-all` adds
# the matrix (what CI runs: `make test test-all`). What runs where, and why the
# split leaves no core-version risk untested: tests/README.md.
# The table's steps: TEST_STEPS here, TOOLS_STEPS and MATRIX_STEPS in tools/tools.mk.
TEST_STEPS = test-py $(TOOLS_STEP_NAMES)

test-steps: test-py tools-test ## the steps of `make test` without the table (pytest, then TOOLS_STEPS)

# `make test test-all` runs test's steps once: test-all then adds the matrix
# only, and test leaves the exit status to test-all (--defer), which prints the
# table of both and fails if any step of either failed.
test: ## every test but the core matrix: pytest, ansible-test sanity/units/integration, lint, changelog, docs, EE, AWX, packaging; a table of step times
	+@$(PYTHON) tools/steps.py --label "make test" --steps "$(TEST_STEPS)" \
		$(if $(filter test-all,$(MAKECMDGOALS)),--defer) -- $(SUBMAKE) test-steps

test-all: $(filter test,$(MAKECMDGOALS)) ## make test plus the ansible-core 2.16/2.21 matrix: ansible-test and pytest (CI: make test test-all)
	+@$(PYTHON) tools/steps.py --label "make test-all" --steps "$(TEST_STEPS) $(MATRIX_STEPS)" \
		-- $(SUBMAKE) $(if $(filter test,$(MAKECMDGOALS)),,test-steps) matrix

clean: tools-clean ## remove every venv and generated file
	rm -rf .build $(VENV) tests/output .pytest_cache

include tools/tools.mk
