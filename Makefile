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

.PHONY: help venv collection demo test test-py bench bench-full soak clean

# `make help` is generated from the `## ` comment after each target, in this file
# and tools/tools.mk, so it lists every target; tests/tooling/test_make_help.py
# checks that every .PHONY target has one.
help: ## list every target
	@grep -hE '^[a-zA-Z0-9_.-]+:.*## ' $(MAKEFILE_LIST) | \
		awk 'BEGIN {FS = ":.*## "}; {printf "  make %-20s %s\n", $$1, $$2}'

$(VENV)/.stamp: tests/requirements.txt tests/constraints.txt requirements.txt
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(VBIN)/pip install -q --disable-pip-version-check -r tests/requirements.txt -c tests/constraints.txt
	touch $@

venv: $(VENV)/.stamp ## build .venv (ansible-core 2.19, pytest, the modules' requirements)

# ansible finds the collection through ANSIBLE_COLLECTIONS_PATH; the link
# makes the checkout itself the installed copy (no build step while developing).
collection: $(COLL_LINK) ## link the checkout into .build/collections (ANSIBLE_COLLECTIONS_PATH)
$(COLL_LINK):
	mkdir -p $(dir $(COLL_LINK))
	ln -sfn $(CURDIR) $(COLL_LINK)

demo: venv collection ## start the API emulator and run playbooks/demo.yml against it
	$(VBIN)/python -m kochava_emulator run --seed playbooks/files/emulator_seed.json -- \
		$(VBIN)/ansible-playbook -i playbooks/inventory.ini playbooks/demo.yml

test-py: venv collection ## pytest: unit, emulator, playbook, examples, independent-API, fuzz and bounded soak tests
	$(VBIN)/python -m pytest

bench: venv collection ## benchmarks: converged kochava_trigger vs uri, and the 1,000-trigger scale case (50-task loop sample)
	$(VBIN)/python tests/benchmark/bench_trigger.py
	$(VBIN)/python tests/benchmark/bench_scale.py

bench-full: venv collection ## the scale benchmark with the whole 1,000-task kochava_trigger loop (long)
	$(VBIN)/python tests/benchmark/bench_scale.py --full

# `make test` runs the bounded profile of these (tests/soak, Hypothesis profile "ci").
soak: venv collection ## full fault soak (1,000 runs) and 2,000-example state machine; vary with SOAK_SEED, SOAK_RUNS, STATEFUL_EXAMPLES, STATEFUL_SEED
	SOAK_PROFILE=soak $(VBIN)/python tests/soak/soak.py
	SOAK_PROFILE=soak $(VBIN)/python -m pytest tests/soak/test_stateful.py -p no:cacheprovider -n 0 -q

# Every test. The tooling steps are listed in TOOLS_STEPS (tools/tools.mk).
test: test-py tools-test ## every test: pytest, lint, changelog, docs, sanity, EE, AWX, packaging, matrix

clean: tools-clean ## remove every venv and generated file
	rm -rf .build $(VENV) tests/output .pytest_cache

include tools/tools.mk
