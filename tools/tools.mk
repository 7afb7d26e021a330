# Tooling targets: sanity, lint, docs, changelog, execution environment, AWX
# credential type, packaging and the ansible-core version matrix.
# Included by the Makefile (which provides PYTHON, VENV, VBIN, venv, collection,
# and exports ANSIBLE_COLLECTIONS_PATH=.build/collections).
#
# Every step is a plain target; the Makefile turns on --keep-going, so `make test`
# runs every step whose own prerequisites built, and make names each failed one
# ("make: *** [...] Error N") and ends with "Target 'test' not remade".
# The `## ` comment after a target is its `make help` line.
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
# antsibull-nox sessions (noxfile.py, antsibull-nox.toml). They build their own
# collection tree, so the Makefile's collection path and PYTHONPATH stay out.
NOX          = env -u ANSIBLE_COLLECTIONS_PATH -u ANSIBLE_COLLECTIONS_SCAN_SYS_PATH -u PYTHONPATH \
	$(TBIN)/nox --no-color

.PHONY: tools-test tools-venv help-test lint ruff format extra-checks ansible-lint \
	changelog-lint docs docs-lint docs-test docs-pytest sanity ee-test awx-test emulator-package-test \
	build build-test importer artifact-test \
	matrix matrix-2.16 matrix-2.16-sanity matrix-2.16-pytest \
	matrix-2.21 matrix-2.21-sanity matrix-2.21-pytest tools-clean

# What `make test` runs after test-py: cheap checks first, the version matrix
# last. A new step is one more name here (and a target with a `## ` comment).
TOOLS_STEPS := help-test lint changelog-lint docs-test sanity ee-test awx-test emulator-package-test build-test matrix
tools-test: $(TOOLS_STEPS) ## every tooling step (TOOLS_STEPS in tools/tools.mk), all run, failures named

# ---------------------------------------------------------------- venvs
# nox keeps its sessions' venvs in .nox; they install from constraints-tools.txt,
# so they go with .venv-tools when a pin file changes.
$(TOOLS_VENV)/.stamp: tools/requirements-tools.txt tools/constraints-tools.txt
	rm -rf $(TOOLS_VENV) .nox
	$(PYTHON) -m venv $(TOOLS_VENV)
	$(TOOLS_VENV)/$(PIP_INSTALL) -r tools/requirements-tools.txt
	touch $@

tools-venv: $(TOOLS_VENV)/.stamp ## build .venv-tools (nox + antsibull-nox, lint, docs, changelog, EE, AWX tooling)

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

# ---------------------------------------------------------------- make itself
help-test: tools-venv ## check that `make help` lists every .PHONY target
	$(TOOLS_PYTEST) tests/tooling/test_make_help.py

# ---------------------------------------------------------------- lint
lint: ruff ansible-lint extra-checks ## ruff, ansible-lint, extra-checks

# CI=true: antsibull-nox's formatters session checks (ruff format --check)
# instead of rewriting files. `make format` is the rewriting run.
ruff: tools-venv ## ruff check + ruff format --check on every git-known *.py (nox -s lint)
	CI=true $(NOX) -s lint

format: tools-venv ## ruff format in place (nox -s formatters)
	CI=false $(NOX) -s formatters

extra-checks: tools-venv ## no-unwanted-files, action-groups, no-trailing-whitespace (nox -s extra-checks)
	CI=true $(NOX) -s extra-checks

# Production profile over the playbooks and the collection; ANSIBLE_COLLECTIONS_PATH
# (from the Makefile) makes kochava.publisher resolve to this checkout.
ansible-lint: tools-venv collection ## ansible-lint --profile production (.ansible-lint)
	PATH="$(TBIN):$$PATH" $(TBIN)/ansible-lint --profile production --offline --nocolor

changelog-lint: tools-venv ## antsibull-changelog lint
	$(TBIN)/antsibull-changelog lint

# ---------------------------------------------------------------- docs
docs-lint: tools-venv ## antsibull-docs lint-collection-docs and RST checks (nox -s docs-check)
	CI=true $(NOX) -s docs-check

docs: tools-venv collection ## build the HTML docsite into docs/docsite/build/html
	tools/build-docs.sh build

docs-pytest: tools-venv collection ## tests/tooling/test_docs.py
	$(TOOLS_PYTEST) tests/tooling/test_docs.py

docs-test: docs-lint docs docs-pytest ## docs-lint, docs, docs-pytest

# ---------------------------------------------------------------- ansible-test
# Sanity with the default ansible-core (the main .venv); the matrix legs run it
# with the oldest and newest supported cores.
sanity: venv ## ansible-test sanity --venv with ansible-core 2.19 (.venv)
	tools/ansible-test.sh $(VENV) 3.11

# ---------------------------------------------------------------- EE and AWX
ee-test: tools-venv ## execution environment definition (ansible-builder create/introspect)
	$(TOOLS_PYTEST) tests/tooling/test_execution_environment.py

awx-test: tools-venv collection ## AWX: the credential type and the check -> approve -> apply workflow, through ansible-runner
	$(TOOLS_PYTEST) tests/tooling/test_awx_credential_type.py tests/tooling/test_awx_workflow.py

emulator-package-test: tools-venv venv collection ## install tests/emulator into a fresh venv; kochava-emulator serves the demo
	$(TOOLS_PYTEST) tests/tooling/test_emulator_package.py

# ---------------------------------------------------------------- packaging
build: tools-venv ## ansible-galaxy collection build into .build/dist
	mkdir -p $(DIST_DIR)
	rm -f $(DIST_DIR)/kochava-publisher-*.tar.gz
	$(TBIN)/ansible-galaxy collection build --force --output-path $(DIST_DIR) .

importer: $(IMP_VENV)/.stamp build ## galaxy-importer on the tarball; fails on any ERROR line
	tools/galaxy-importer.sh $(IMP_VENV) $(TARBALL)

artifact-test: tools-venv build ## tests/tooling/test_artifact.py: install the tarball and run it
	KOCHAVA_TARBALL=$(CURDIR)/$(TARBALL) $(TOOLS_PYTEST) tests/tooling/test_artifact.py

build-test: importer artifact-test ## build once, then importer and artifact-test on that tarball

# ---------------------------------------------------------------- matrix
# Each leg: ansible-test sanity and the main pytest suite (unit, emulator,
# playbook, examples, fuzz tests; the playbook tests run the venv's own
# ansible-playbook). The soak and state machine (tests/soak) drive the engine
# in process, which no core version changes: they run once, in test-py.
matrix: matrix-2.16 matrix-2.21 ## both matrix legs

matrix-2.16: matrix-2.16-sanity matrix-2.16-pytest ## oldest core: ansible-core 2.16 on Python 3.11

matrix-2.16-sanity: $(CORE216)/.stamp ## ansible-test sanity with ansible-core 2.16
	tools/ansible-test.sh $(CORE216) 3.11

matrix-2.16-pytest: $(CORE216)/.stamp collection ## the pytest suite with ansible-core 2.16
	$(CORE216)/bin/python -m pytest -p no:cacheprovider --deselect tests/soak

matrix-2.21: matrix-2.21-sanity matrix-2.21-pytest ## newest core: ansible-core 2.21 on Python 3.13

matrix-2.21-sanity: $(CORE221)/.stamp ## ansible-test sanity with ansible-core 2.21
	tools/ansible-test.sh $(CORE221) 3.13

matrix-2.21-pytest: $(CORE221)/.stamp collection ## the pytest suite with ansible-core 2.21
	$(CORE221)/bin/python -m pytest -p no:cacheprovider --deselect tests/soak

tools-clean: ## remove the tool venvs, .nox and the build trees
	rm -rf $(TOOLS_VENV) .nox $(IMP_VENV) $(CORE216) $(CORE221) \
		.build/ansible-test .build/dist .build/docsite .build/importer docs/docsite/build
