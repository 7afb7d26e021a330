# Tooling targets: sanity, lint, docs, changelog, execution environment, AWX
# credential type, packaging and the ansible-core version matrix.
# Included by the Makefile (which provides PYTHON, VENV, VBIN, venv, collection,
# and exports ANSIBLE_COLLECTIONS_PATH=.build/collections).
#
# Every venv here is built from pinned files under tools/ (full freezes), and
# rebuilt when its pin file changes.

TOOLS_VENV  := .venv-tools
TBIN        := $(CURDIR)/$(TOOLS_VENV)/bin
IMP_VENV    := .venv-importer
CORE216     := .venv-core216
CORE221     := .venv-core221
DIST_DIR    := .build/dist
COLL_VERSION = $(shell sed -n 's/^version: *//p' galaxy.yml)
TARBALL      = $(DIST_DIR)/kochava-publisher-$(COLL_VERSION).tar.gz
PIP_INSTALL := bin/pip install -q --disable-pip-version-check
TOOLS_PYTEST = $(TBIN)/python -m pytest -p no:cacheprovider -o addopts="-ra --strict-markers"
# Python files checked by ruff: everything git knows about (tracked or not ignored).
RUFF_PATHS   = $(shell git ls-files -co --exclude-standard -- '*.py' | xargs -r ls -d 2>/dev/null)

.PHONY: tools-test tools-venv lint ruff ruff-format ansible-lint changelog-lint \
	docs docs-lint docs-test sanity ee-test awx-test build build-test importer \
	matrix matrix-2.16 matrix-2.21 tools-clean

# What `make test` runs after test-py. Cheap checks first, the version matrix last.
# Every step runs even when an earlier one failed, so one CI run reports all
# problems; the target fails if any step failed, and names them.
TOOLS_STEPS := lint changelog-lint docs-test sanity ee-test awx-test build-test matrix
tools-test:
	@failed=""; \
	for step in $(TOOLS_STEPS); do \
		start=$$(date +%s); \
		if $(MAKE) --no-print-directory $$step; then res=ok; else res=FAILED; failed="$$failed $$step"; fi; \
		echo "== tools-test: $$step $$res ($$(( $$(date +%s) - start ))s)"; \
	done; \
	if [ -n "$$failed" ]; then echo "== tools-test FAILED:$$failed"; exit 1; fi; \
	echo "== tools-test: all passed"

# ---------------------------------------------------------------- venvs
$(TOOLS_VENV)/.stamp: tools/requirements-tools.txt tools/constraints-tools.txt
	rm -rf $(TOOLS_VENV)
	$(PYTHON) -m venv $(TOOLS_VENV)
	$(TOOLS_VENV)/$(PIP_INSTALL) -r tools/requirements-tools.txt
	touch $@

tools-venv: $(TOOLS_VENV)/.stamp

$(IMP_VENV)/.stamp: tools/requirements-importer.txt
	rm -rf $(IMP_VENV)
	$(PYTHON) -m venv $(IMP_VENV)
	$(IMP_VENV)/$(PIP_INSTALL) -r tools/requirements-importer.txt
	touch $@

$(CORE216)/.stamp: tools/requirements-core216.txt
	rm -rf $(CORE216)
	"$$(tools/find-python.sh 3.11)" -m venv $(CORE216)
	$(CORE216)/$(PIP_INSTALL) -r tools/requirements-core216.txt
	touch $@

$(CORE221)/.stamp: tools/requirements-core221.txt
	rm -rf $(CORE221)
	"$$(tools/find-python.sh 3.13)" -m venv $(CORE221)
	$(CORE221)/$(PIP_INSTALL) -r tools/requirements-core221.txt
	touch $@

# ---------------------------------------------------------------- lint
lint:
	@rc=0; for t in ruff ruff-format ansible-lint; do $(MAKE) --no-print-directory $$t || rc=1; done; exit $$rc

ruff: tools-venv
	$(TBIN)/ruff check --no-cache $(RUFF_PATHS)

ruff-format: tools-venv
	$(TBIN)/ruff format --no-cache --check $(RUFF_PATHS)

# Production profile over the playbooks and the collection; ANSIBLE_COLLECTIONS_PATH
# (from the Makefile) makes kochava.publisher resolve to this checkout.
ansible-lint: tools-venv collection
	PATH="$(TBIN):$$PATH" $(TBIN)/ansible-lint --profile production --offline --nocolor

changelog-lint: tools-venv
	$(TBIN)/antsibull-changelog lint

# ---------------------------------------------------------------- docs
docs-lint: tools-venv collection
	tools/build-docs.sh lint

docs: tools-venv collection
	tools/build-docs.sh build

docs-test: tools-venv collection
	rc=0; $(MAKE) --no-print-directory docs-lint || rc=1; \
	$(MAKE) --no-print-directory docs || rc=1; \
	$(TOOLS_PYTEST) tests/tooling/test_docs.py || rc=1; \
	exit $$rc

# ---------------------------------------------------------------- ansible-test
# Sanity with the default ansible-core (the main .venv); the matrix legs run it
# with the oldest and newest supported cores.
sanity: venv
	tools/ansible-test.sh $(VENV) 3.11

# ---------------------------------------------------------------- EE and AWX
ee-test: tools-venv
	$(TOOLS_PYTEST) tests/tooling/test_execution_environment.py

awx-test: tools-venv collection
	$(TOOLS_PYTEST) tests/tooling/test_awx_credential_type.py

# ---------------------------------------------------------------- packaging
build: tools-venv
	mkdir -p $(DIST_DIR)
	rm -f $(DIST_DIR)/kochava-publisher-*.tar.gz
	$(TBIN)/ansible-galaxy collection build --force --output-path $(DIST_DIR) .

importer: $(IMP_VENV)/.stamp
	test -f $(TARBALL) || $(MAKE) --no-print-directory build
	tools/galaxy-importer.sh $(IMP_VENV) $(TARBALL)

# One tarball for both checks: the importer and the install-and-run test.
build-test: build
	rc=0; $(MAKE) --no-print-directory importer || rc=1; \
	KOCHAVA_TARBALL=$(CURDIR)/$(TARBALL) $(TOOLS_PYTEST) tests/tooling/test_artifact.py || rc=1; \
	exit $$rc

# ---------------------------------------------------------------- matrix
# Each leg: ansible-test sanity and the main pytest suite (unit, emulator,
# playbook tests; the playbook tests run the venv's own ansible-playbook).
# Both halves run even if the first fails.
matrix-2.16: $(CORE216)/.stamp collection
	rc=0; tools/ansible-test.sh $(CORE216) 3.11 || rc=1; \
	$(CORE216)/bin/python -m pytest -p no:cacheprovider || rc=1; exit $$rc

matrix-2.21: $(CORE221)/.stamp collection
	rc=0; tools/ansible-test.sh $(CORE221) 3.13 || rc=1; \
	$(CORE221)/bin/python -m pytest -p no:cacheprovider || rc=1; exit $$rc

matrix:
	@rc=0; for t in matrix-2.16 matrix-2.21; do $(MAKE) --no-print-directory $$t || rc=1; done; exit $$rc

tools-clean:
	rm -rf $(TOOLS_VENV) $(IMP_VENV) $(CORE216) $(CORE221) .build/ansible-test .build/dist .build/docsite docs/docsite/build
