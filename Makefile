# kochava.publisher — two commands: `make demo` and `make test`.
# Everything they need is installed here, into .venv, from pinned files.
SHELL := /bin/bash
.DEFAULT_GOAL := help

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

.PHONY: help venv collection demo test test-py bench clean

help:
	@echo "make demo   - start the API emulator and run playbooks/demo.yml against it"
	@echo "make test   - every test: unit, emulator, playbook, sanity, lint, docs, packaging, matrix"
	@echo "make bench  - benchmark converged kochava_trigger tasks against ansible.builtin.uri"

$(VENV)/.stamp: tests/requirements.txt tests/constraints.txt requirements.txt
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(VBIN)/pip install -q --disable-pip-version-check -r tests/requirements.txt -c tests/constraints.txt
	touch $@

venv: $(VENV)/.stamp

# ansible finds the collection through ANSIBLE_COLLECTIONS_PATH; the link
# makes the checkout itself the installed copy (no build step while developing).
collection: $(COLL_LINK)
$(COLL_LINK):
	mkdir -p $(dir $(COLL_LINK))
	ln -sfn $(CURDIR) $(COLL_LINK)

demo: venv collection
	$(VBIN)/python -m kochava_emulator run --seed playbooks/files/emulator_seed.json -- \
		$(VBIN)/ansible-playbook -i playbooks/inventory.ini playbooks/demo.yml

test-py: venv collection
	$(VBIN)/python -m pytest

bench: venv collection
	$(VBIN)/python tests/benchmark/bench_trigger.py

test: test-py tools-test

clean: tools-clean
	rm -rf .build $(VENV) tests/output .pytest_cache

include tools/tools.mk
