"""The built collection tarball: nothing generated or test-only, and it works installed.

KOCHAVA_TARBALL names the tarball (`make build` writes it to .build/dist).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import fnmatch
import json
import os
import subprocess
import sys
import tarfile

import pytest
from tooling_helpers import EMULATOR_DIR, VENV_BIN, venv_tool

TARBALL = os.environ.get("KOCHAVA_TARBALL", "")

# Paths (or any path component) that must not ship.
FORBIDDEN_TOP = {
    "tests",
    "tools",
    ".build",
    ".ci",
    ".git",
    "Makefile",
    "pyproject.toml",
    ".gitignore",
    ".pytest_cache",
    ".ruff_cache",
    ".ansible-lint",
    "ruff.toml",
}
FORBIDDEN_ANY = ["__pycache__", "*.pyc", ".venv*", "*.tar.gz", ".plugin-cache.yaml", ".DS_Store"]
REQUIRED = [
    "MANIFEST.json",
    "FILES.json",
    "README.md",
    "meta/runtime.yml",
    "meta/execution-environment.yml",
    "extensions/ee/execution-environment.yml",
    "extensions/ee/execution-environment-offline.yml",
    "plugins/modules/kochava_trigger.py",
    "plugins/modules/kochava_trigger_info.py",
    "plugins/modules/kochava_template_info.py",
    "plugins/doc_fragments/connection.py",
    "extensions/awx/credential_type_inputs.yml",
    "extensions/awx/credential_type_injectors.yml",
    "playbooks/demo.yml",
    "playbooks/inventory.ini",
    "playbooks/files/emulator_seed.json",
    "changelogs/changelog.yaml",
]

pytestmark = pytest.mark.skipif(not TARBALL, reason="KOCHAVA_TARBALL not set (run `make build-test`)")


def tar_names():
    with tarfile.open(TARBALL) as tar:
        return [m.name[2:] if m.name.startswith("./") else m.name for m in tar.getmembers()]


def test_tarball_has_nothing_generated_or_test_only():
    bad = []
    for name in tar_names():
        parts = name.split("/")
        if parts[0] in FORBIDDEN_TOP or name.startswith("docs/docsite/build"):
            bad.append(name)
        elif any(fnmatch.fnmatch(part, pattern) for part in parts for pattern in FORBIDDEN_ANY):
            bad.append(name)
    assert not bad, "should not ship: %s" % bad


def test_tarball_has_the_collection():
    names = set(tar_names())
    missing = [name for name in REQUIRED if name not in names]
    assert not missing, missing


def test_installed_tarball_runs_the_demo(tmp_path):
    install = tmp_path / "collections"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KOCHAVA_", "ANSIBLE_", "PYTHONPATH"))}
    env.update(
        PATH=VENV_BIN + os.pathsep + env.get("PATH", ""),
        ANSIBLE_COLLECTIONS_PATH=str(install),  # only the installed copy, not the checkout's link
        ANSIBLE_COLLECTIONS_SCAN_SYS_PATH="false",
        PYTHONPATH=EMULATOR_DIR,  # the emulator is test-only and not in the tarball
    )
    # --force: a kochava.publisher found elsewhere must not count as installed.
    subprocess.run(
        [venv_tool("ansible-galaxy"), "collection", "install", "--force", "-p", str(install), TARBALL],
        check=True,
        cwd=str(tmp_path),
        env=env,
    )
    coll = install / "ansible_collections" / "kochava" / "publisher"
    assert (coll / "MANIFEST.json").is_file()
    assert not os.path.islink(str(coll))

    listed = subprocess.run(
        [venv_tool("ansible-galaxy"), "collection", "list", "kochava.publisher", "--format", "json"],
        check=True,
        cwd=str(tmp_path),
        env=env,
        stdout=subprocess.PIPE,
    ).stdout
    paths = list(json.loads(listed))
    assert paths == [str(install / "ansible_collections")], paths

    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "kochava_emulator",
            "run",
            "--seed",
            "playbooks/files/emulator_seed.json",
            "--",
            venv_tool("ansible-playbook"),
            "-i",
            "playbooks/inventory.ini",
            "playbooks/demo.yml",
        ],
        check=False,
        cwd=str(coll),
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert run.returncode == 0, run.stdout
    assert "failed=0" in run.stdout
