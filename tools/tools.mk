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
tools-test: lint changelog-lint docs-test sanity ee-test awx-test build-test matrix

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
lint: ruff ruff-format ansible-lint

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

docs-test: docs-lint docs
	$(TOOLS_PYTEST) tests/tooling/test_docs.py

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

importer: $(IMP_VENV)/.stamp build
	tools/galaxy-importer.sh $(IMP_VENV) $(TARBALL)

build-test: build importer
	KOCHAVA_TARBALL=$(CURDIR)/$(TARBALL) $(TOOLS_PYTEST) tests/tooling/test_artifact.py

# ---------------------------------------------------------------- matrix
# Each leg: ansible-test sanity and the main pytest suite (unit, emulator,
# playbook tests; the playbook tests run the venv's own ansible-playbook).
matrix-2.16: $(CORE216)/.stamp collection
	tools/ansible-test.sh $(CORE216) 3.11
	$(CORE216)/bin/python -m pytest -p no:cacheprovider

matrix-2.21: $(CORE221)/.stamp collection
	tools/ansible-test.sh $(CORE221) 3.13
	$(CORE221)/bin/python -m pytest -p no:cacheprovider

matrix: matrix-2.16 matrix-2.21

tools-clean:
	rm -rf $(TOOLS_VENV) $(IMP_VENV) $(CORE216) $(CORE221) .build/ansible-test .build/dist .build/docsite docs/docsite/build
