# Nox sessions from antsibull-nox: the ones antsibull-nox.toml configures (lint,
# formatters, docs-check, extra-checks) and, below, ansible-test sanity, units
# and integration for each supported ansible-core. Run through make (`make
# sanity`, `make units`, `make integration`, `make ruff`, ...; tools/README.md),
# with nox, antsibull-nox and uv from .venv-tools (tools/requirements-tools.txt).

import glob
import os
import re
import shutil

import nox

try:
    import antsibull_nox
    from antsibull_nox.sessions.ansible_test import COLOR_FLAG, add_ansible_test_session
except ImportError:
    print("You need to install antsibull-nox in the same Python environment as nox (make tools-venv).")
    raise

antsibull_nox.load_antsibull_nox_toml()

# Sessions' venvs are kept between runs (make drops .nox when .venv-tools is
# rebuilt, i.e. when a pin file changes). uv builds them: seconds instead of
# pip's minute for docs-check's 35 packages.
nox.options.reuse_existing_virtualenvs = True
nox.options.default_venv_backend = "uv"
nox.options.error_on_missing_interpreters = True

HERE = os.path.dirname(os.path.abspath(__file__))

# ---------------------------------------------------------------- ansible-test
# antsibull-nox's own ansible-test sessions (antsibull-nox.toml's
# [sessions.ansible_test_*]) always pass --docker, and this machine has no
# container engine. add_ansible_test_session() takes any ansible-test
# arguments, so these sessions run `ansible-test <test> --venv --python X`
# from antsibull-nox's copy of the collection in an ansible_collections tree.
#
# The session installs `ansible-core>=X.Y,<X.Y+1` from PyPI with uv; make
# passes UV_CONSTRAINT, the core's full freeze (AT_PINS_X.Y in tools/tools.mk),
# so it is the pinned release. uv reads UV_CONSTRAINT, pip does not: the pip
# runs inside ansible-test's own venvs keep ansible-test's constraints (and the
# pins of tests/unit and tests/integration constraints.txt).
CORES = {
    # ansible-core: the Python of ansible-test's --venv (one the core supports on the
    # controller; tools/tools.mk hands the same to nox as --force-python, AT_PY_*)
    "2.16": "3.11",
    "2.19": "3.11",
    "2.21": "3.13",
}
ANSIBLE_TEST_TESTS = ("sanity", "units", "integration")


def install_get_pip_shim():
    """Put tools/get_pip_shim.py where ansible-test looks for its cached get-pip script.

    ``ansible-test --venv`` bootstraps pip in every venv it makes with a
    get-pip.py downloaded from a host CI cannot reach, and uses
    ``~/.ansible/test/cache/get_pip_<pip version>.py`` instead when that
    exists. The pip version is named only in ansible-test's private
    ``_internal/python_requirements.py`` (no option or command prints it), so it
    is read from every ansible-test the sessions installed (one regex; a
    layout change fails loudly here instead of downloading).
    """
    # make runs these sessions with --envdir .nox/ansible-test (their own lock,
    # apart from the lint sessions'); `nox -s ...` alone uses .nox.
    sources = [
        path
        for envdir in (("*",), ("*", "*"))
        for path in glob.glob(os.path.join(HERE, ".nox", *envdir, "lib", "python3*", "site-packages", "ansible_test", "_internal", "python_requirements.py"))
    ]
    if not sources:
        raise RuntimeError("no ansible_test/_internal/python_requirements.py under .nox: cannot place the get-pip shim")
    for source in sources:
        with open(source) as handle:
            match = re.search(r"pip='([0-9.]+)'", handle.read())
        if not match:
            raise RuntimeError("no pip='X.Y' in %s: update install_get_pip_shim() in noxfile.py" % source)
        cache = os.path.expanduser("~/.ansible/test/cache/get_pip_%s.py" % match.group(1).replace(".", "_"))
        os.makedirs(os.path.dirname(cache), exist_ok=True)
        shutil.copyfile(os.path.join(HERE, "tools", "get_pip_shim.py"), cache)


def drop_ansible_test_tmp():
    """Remove tests/output/.tmp (ansible-test's venvs) from the copy before antsibull-nox copies tests/output back.

    antsibull-nox walks the tree bottom-up and creates each directory without
    its parents, which fails on the nested venv directories; the results
    (junit, bot, coverage) are one level deep and copy fine.
    """
    shutil.rmtree(os.path.join("tests", "output", ".tmp"), ignore_errors=True)


for _core, _python in CORES.items():
    for _test in ANSIBLE_TEST_TESTS:
        add_ansible_test_session(
            name="ansible-test-%s-%s" % (_test, _core),
            description="ansible-test %s --venv with ansible-core %s on Python %s" % (_test, _core, _python),
            ansible_test_params=[_test, COLOR_FLAG, "--venv", "--python", _python],
            default=False,
            ansible_core_version=_core,
            ansible_core_source="pypi",
            callback_before=install_get_pip_shim,
            callback_after=drop_ansible_test_tmp,
        )
