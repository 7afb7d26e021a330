# Tooling targets: sanity, lint, docs, changelog, execution environment, AWX
# credential type, packaging and the ansible-core version matrix.
# Included by the Makefile (which provides PYTHON, VENV, VBIN, venv, collection,
# and exports ANSIBLE_COLLECTIONS_PATH=.build/collections).
#
# Every step is a plain target; the Makefile turns on --keep-going, so `make test`
# runs every step whose own prerequisites built, and make names each failed one
# ("make: *** [...] Error N"); the table at the end marks it FAIL.
# Each step's recipe runs through $(STEP) NAME (tools/step.sh), which records its
# time for that table. `make test` runs TEST_JOBS steps at once: two steps that
# share a tool's state take a lock ($(call LOCK,name)) instead of an order.
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
TOOLS_PYTEST = $(TBIN)/python -m pytest -p no:cacheprovider -o addopts="-ra --strict-markers"
# antsibull-nox sessions (noxfile.py, antsibull-nox.toml). They build their own
# collection tree, so the Makefile's collection path and PYTHONPATH stay out.
# One nox at a time: its sessions share .nox (and antsibull-nox's collection trees).
LOCKS       := $(CURDIR)/.build/locks
LOCK         = flock $(LOCKS)/$(1)
NOX_ENV      = $(call LOCK,nox) env -u ANSIBLE_COLLECTIONS_PATH -u ANSIBLE_COLLECTIONS_SCAN_SYS_PATH -u PYTHONPATH
NOX          = $(NOX_ENV) CI=true $(TBIN)/nox --no-color
# ansible-test runs as antsibull-nox sessions (noxfile.py: ansible-test-<test>-<core>,
# `ansible-test <test> --venv` from antsibull-nox's collection tree), in their own
# envdir under their own lock: one ansible-test at a time machine-wide (every run
# shares ~/.ansible/test: sanity's venvs, the get-pip cache). UV_CONSTRAINT pins
# the session's ansible-core to that core's freeze (AT_PINS_*); PYENV_VERSION
# makes the shims of every pyenv Python answer (an unselected version's shim
# exits 127, and nox and ansible-test look up python3.13 on PATH).
# AT_ARGS are handed to ansible-test: `make sanity AT_ARGS="--test pep8"`.
AT_PINS_2.16 := tools/requirements-core216.txt
AT_PINS_2.19 := tests/constraints.txt
AT_PINS_2.21 := tools/requirements-core221.txt
# The Python of each core's session and of its --venv (noxfile.py CORES says the
# same): nox is told it (--force-python), since ansible-test's --venv looks up
# pythonX.Y on PATH with the session's venv first, and drops PYENV_VERSION
# from the environment it gives its commands.
AT_PY_2.16 := 3.11
AT_PY_2.19 := 3.11
AT_PY_2.21 := 3.13
# (the selected version first, so that python3 stays what it was)
PYENV_ALL   := $(shell { pyenv version-name; pyenv versions --bare | sort -t. -k1,1nr -k2,2nr -k3,3nr; } 2>/dev/null | awk '!seen[$$0]++' | paste -sd: -)
AT_ARGS     ?=
# $(call AT,test,core)
AT = $(call LOCK,ansible-test) env -u ANSIBLE_COLLECTIONS_PATH -u ANSIBLE_COLLECTIONS_SCAN_SYS_PATH -u PYTHONPATH \
	CI=true UV_CONSTRAINT=$(CURDIR)/$(AT_PINS_$(2)) $(if $(PYENV_ALL),PYENV_VERSION=$(PYENV_ALL)) \
	$(TBIN)/nox --no-color --envdir .nox/ansible-test --force-python $(AT_PY_$(2)) -s ansible-test-$(1)-$(2) $(if $(AT_ARGS),-- $(AT_ARGS))

.PHONY: tools-test tools-venv help-test lint ruff format extra-checks ansible-lint \
	changelog-lint docs docs-lint docs-test docs-pytest sanity units integration ee-test awx-test emulator-package-test \
	build build-test importer artifact-test \
	matrix matrix-2.16 matrix-2.16-sanity matrix-2.16-units matrix-2.16-integration matrix-2.16-pytest \
	matrix-2.21 matrix-2.21-sanity matrix-2.21-units matrix-2.21-integration matrix-2.21-pytest tools-clean

# What `make test` runs besides test-py (alongside it: TEST_JOBS at once). The
# slow ones first, so they start early. A new step is one more name here (and a
# target with a `## ` comment, whose recipe runs through $(STEP) NAME); the name
# a recipe records goes into TOOLS_STEP_NAMES, so the table lists it even when
# it did not run.
TOOLS_STEPS := sanity integration units build-test emulator-package-test awx-test docs-test lint ee-test changelog-lint help-test
tools-test: $(TOOLS_STEPS) ## every tooling step of `make test` (TOOLS_STEPS in tools/tools.mk), all run, failures named
# (The venv builds record theirs too, tools-venv, importer-venv, core216-venv...,
# but are listed only when they ran: an up-to-date venv is not built.)
TOOLS_STEP_NAMES := sanity integration units build importer artifact-test emulator-package-test awx-test \
	docs-lint docs docs-pytest ruff ansible-lint extra-checks ee-test changelog-lint help-test
MATRIX_STEPS := matrix-2.16-sanity matrix-2.16-units matrix-2.16-integration matrix-2.16-pytest \
	matrix-2.21-sanity matrix-2.21-units matrix-2.21-integration matrix-2.21-pytest

$(LOCKS):
	mkdir -p $@

# ---------------------------------------------------------------- venvs
# nox keeps its sessions' venvs in .nox; they install from constraints-tools.txt,
# so they go with .venv-tools when a pin file changes.
$(TOOLS_VENV)/.stamp: tools/requirements-tools.txt tools/constraints-tools.txt
	rm -rf .nox
	$(STEP) tools-venv tools/make-venv.sh $(TOOLS_VENV) $(PYTHON) -r tools/requirements-tools.txt

tools-venv: $(TOOLS_VENV)/.stamp ## build .venv-tools (nox + antsibull-nox, lint, docs, changelog, EE, AWX tooling)

$(IMP_VENV)/.stamp: tools/requirements-importer.txt
	$(STEP) importer-venv tools/make-venv.sh $(IMP_VENV) $(PYTHON) -r tools/requirements-importer.txt

$(CORE216)/.stamp: tools/requirements-core216.txt
	$(STEP) core216-venv tools/make-venv.sh $(CORE216) "$$(tools/find-python.sh 3.11)" -r tools/requirements-core216.txt

$(CORE221)/.stamp: tools/requirements-core221.txt
	$(STEP) core221-venv tools/make-venv.sh $(CORE221) "$$(tools/find-python.sh 3.13)" -r tools/requirements-core221.txt

# ---------------------------------------------------------------- make itself
help-test: tools-venv ## check that `make help` lists every .PHONY target
	$(STEP) $@ $(TOOLS_PYTEST) tests/tooling/test_make_help.py

# ---------------------------------------------------------------- lint
lint: ruff ansible-lint extra-checks ## ruff, ansible-lint, extra-checks

# CI=true: antsibull-nox's formatters session checks (ruff format --check)
# instead of rewriting files. `make format` is the rewriting run.
ruff: tools-venv | $(LOCKS) ## ruff check + ruff format --check on every git-known *.py (nox -s lint)
	$(STEP) $@ $(NOX) -s lint

format: tools-venv | $(LOCKS) ## ruff format in place (nox -s formatters)
	$(NOX_ENV) CI=false $(TBIN)/nox --no-color -s formatters

extra-checks: tools-venv | $(LOCKS) ## no-unwanted-files, action-groups, no-trailing-whitespace (nox -s extra-checks)
	$(STEP) $@ $(NOX) -s extra-checks

# Production profile over the playbooks and the collection; ANSIBLE_COLLECTIONS_PATH
# (from the Makefile) makes kochava.publisher resolve to this checkout.
ansible-lint: tools-venv collection ## ansible-lint --profile production (.ansible-lint)
	PATH="$(TBIN):$$PATH" $(STEP) $@ $(TBIN)/ansible-lint --profile production --offline --nocolor

changelog-lint: tools-venv ## antsibull-changelog lint
	$(STEP) $@ $(TBIN)/antsibull-changelog lint

# ---------------------------------------------------------------- docs
docs-lint: tools-venv | $(LOCKS) ## antsibull-docs lint-collection-docs and RST checks (nox -s docs-check)
	$(STEP) $@ $(NOX) -s docs-check

docs: tools-venv collection ## build the HTML docsite into docs/docsite/build/html
	$(STEP) $@ tools/build-docs.sh build

docs-pytest: tools-venv collection docs ## tests/tooling/test_docs.py (on the site `docs` built)
	$(STEP) $@ $(TOOLS_PYTEST) tests/tooling/test_docs.py

docs-test: docs-lint docs docs-pytest ## docs-lint, docs, docs-pytest

# ---------------------------------------------------------------- ansible-test
# With the default ansible-core (2.19, pinned as in .venv); the matrix legs run
# the same with the oldest and newest supported cores.
sanity: tools-venv | $(LOCKS) ## ansible-test sanity --venv, ansible-core 2.19 (nox -s ansible-test-sanity-2.19)
	$(STEP) $@ $(call AT,sanity,2.19)

units: tools-venv | $(LOCKS) ## ansible-test units --venv: tests/unit, ansible-core 2.19 (nox -s ansible-test-units-2.19)
	$(STEP) $@ $(call AT,units,2.19)

integration: tools-venv | $(LOCKS) ## ansible-test integration --venv: tests/integration/targets, ansible-core 2.19 (nox -s ansible-test-integration-2.19)
	$(STEP) $@ $(call AT,integration,2.19)

# ---------------------------------------------------------------- EE and AWX
ee-test: tools-venv ## execution environment definition (ansible-builder create/introspect)
	$(STEP) $@ $(TOOLS_PYTEST) tests/tooling/test_execution_environment.py

awx-test: tools-venv collection ## AWX: the credential type and the check -> approve -> apply workflow, through ansible-runner
	$(STEP) $@ $(TOOLS_PYTEST) tests/tooling/test_awx_credential_type.py tests/tooling/test_awx_workflow.py

emulator-package-test: tools-venv venv collection ## install tests/emulator into a fresh venv; kochava-emulator serves the demo
	$(STEP) $@ $(TOOLS_PYTEST) tests/tooling/test_emulator_package.py

# ---------------------------------------------------------------- packaging
build: tools-venv ## ansible-galaxy collection build into .build/dist
	mkdir -p $(DIST_DIR)
	rm -f $(DIST_DIR)/kochava-publisher-*.tar.gz
	$(STEP) $@ $(TBIN)/ansible-galaxy collection build --force --output-path $(DIST_DIR) .

importer: $(IMP_VENV)/.stamp build ## galaxy-importer on the tarball; fails on any ERROR line
	$(STEP) $@ tools/galaxy-importer.sh $(IMP_VENV) $(TARBALL)

artifact-test: tools-venv build ## test_artifact.py (install the tarball, run it) and test_install.py (README's install without Galaxy)
	KOCHAVA_TARBALL=$(CURDIR)/$(TARBALL) $(STEP) $@ $(TOOLS_PYTEST) tests/tooling/test_artifact.py tests/tooling/test_install.py

build-test: importer artifact-test ## build once, then importer and artifact-test on that tarball

# ---------------------------------------------------------------- matrix
# Not part of `make test`: `make test-all` (CI) adds it. Each leg runs
# ansible-test sanity, units and integration (nox sessions, as above) and the suites whose outcome depends on the ansible-core
# version (MATRIX_PYTEST): the module unit tests, the playbook tests (the venv's
# own ansible-playbook), the shipped examples, and the parameter fuzzing (the
# core's AnsibleModule checks the parameters). The emulator's own tests, the
# independent reference, the answer fuzzing and the soak drive the emulator or
# the engine and client in process, which import nothing from ansible-core
# (only plugins/module_utils/_glue/module.py does): they run once, in test-py.
# tests/README.md has the table.
MATRIX_PYTEST := tests/unit tests/engine tests/playbooks tests/examples tests/fuzz/test_param_fuzz.py tests/fuzz/test_param_fuzz_playbook.py

matrix: matrix-2.16 matrix-2.21 ## both matrix legs (part of `make test-all`)

matrix-2.16: matrix-2.16-sanity matrix-2.16-units matrix-2.16-integration matrix-2.16-pytest ## oldest core: ansible-core 2.16 on Python 3.11

matrix-2.16-sanity: tools-venv | $(LOCKS) ## ansible-test sanity with ansible-core 2.16 (nox)
	$(STEP) $@ $(call AT,sanity,2.16)

matrix-2.16-units: tools-venv | $(LOCKS) ## ansible-test units with ansible-core 2.16 (nox)
	$(STEP) $@ $(call AT,units,2.16)

matrix-2.16-integration: tools-venv | $(LOCKS) ## ansible-test integration with ansible-core 2.16 (nox)
	$(STEP) $@ $(call AT,integration,2.16)

matrix-2.16-pytest: $(CORE216)/.stamp collection ## the core-dependent pytest suites (MATRIX_PYTEST) with ansible-core 2.16
	$(STEP) $@ $(CORE216)/bin/python -m pytest -p no:cacheprovider $(MATRIX_PYTEST)

matrix-2.21: matrix-2.21-sanity matrix-2.21-units matrix-2.21-integration matrix-2.21-pytest ## newest core: ansible-core 2.21 on Python 3.13

matrix-2.21-sanity: tools-venv | $(LOCKS) ## ansible-test sanity with ansible-core 2.21 (nox)
	$(STEP) $@ $(call AT,sanity,2.21)

matrix-2.21-units: tools-venv | $(LOCKS) ## ansible-test units with ansible-core 2.21 (nox)
	$(STEP) $@ $(call AT,units,2.21)

matrix-2.21-integration: tools-venv | $(LOCKS) ## ansible-test integration with ansible-core 2.21 (nox)
	$(STEP) $@ $(call AT,integration,2.21)

matrix-2.21-pytest: $(CORE221)/.stamp collection ## the core-dependent pytest suites (MATRIX_PYTEST) with ansible-core 2.21
	$(STEP) $@ $(CORE221)/bin/python -m pytest -p no:cacheprovider $(MATRIX_PYTEST)

tools-clean: ## remove the tool venvs, .nox and the build trees
	rm -rf $(TOOLS_VENV) .nox $(IMP_VENV) $(CORE216) $(CORE221) \
		.build/dist .build/docsite .build/importer docs/docsite/build
