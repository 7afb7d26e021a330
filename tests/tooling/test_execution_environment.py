"""Execution environment: the definition (extensions/ee) and the collection's metadata (meta)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import re
import shutil
import subprocess

import yaml
from tooling_helpers import ROOT, venv_tool


def requirement_names(text):
    return {re.split(r"[<>=!~ ;\[#]", line.strip(), maxsplit=1)[0].lower() for line in text.splitlines() if line.strip() and not line.strip().startswith("#")}


def test_builder_create(tmp_path):
    context = tmp_path / "context"
    subprocess.run(
        [
            venv_tool("ansible-builder"),
            "create",
            "--file",
            os.path.join(ROOT, "extensions", "ee", "execution-environment.yml"),
            "--context",
            str(context),
            "--output-filename",
            "Containerfile",
        ],
        check=True,
        cwd=str(tmp_path),
    )
    assert (context / "Containerfile").is_file()
    requirements = (context / "_build" / "requirements.txt").read_text()
    names = requirement_names(requirements)
    assert {"requests", "voluptuous"} <= names, requirements
    galaxy = (context / "_build" / "requirements.yml").read_text()
    assert "kochava.publisher" in galaxy


def test_builder_introspects_the_collection():
    """meta/execution-environment.yml leads ansible-builder to requirements.txt.

    ansible-builder drops voluptuous from collection requirements (a test-only
    package in its view), which is why the EE definition lists it itself.
    """
    out = subprocess.run(
        [venv_tool("ansible-builder"), "introspect", os.path.join(ROOT, ".build", "collections")],
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    ).stdout
    assert "from collection kochava.publisher" in out, out
    assert "requests" in requirement_names(out.split("python:", 1)[1].replace("- ", "").replace("'", "")), out


def test_builder_create_offline(tmp_path):
    """execution-environment-offline.yml: the tarball built into dist/ goes into the build context, and
    the galaxy step, run where the Containerfile runs it (WORKDIR /build = _build) with --offline, installs it."""
    tree = tmp_path / "checkout"
    (tree / "extensions" / "ee").mkdir(parents=True)
    shutil.copy(os.path.join(ROOT, "extensions", "ee", "execution-environment-offline.yml"), str(tree / "extensions" / "ee"))
    subprocess.run([venv_tool("ansible-galaxy"), "collection", "build", ROOT, "--output-path", str(tree / "dist")], check=True, capture_output=True)
    context = tmp_path / "context"
    subprocess.run(
        [
            venv_tool("ansible-builder"),
            "create",
            "--file",
            str(tree / "extensions" / "ee" / "execution-environment-offline.yml"),
            "--context",
            str(context),
            "--output-filename",
            "Containerfile",
        ],
        check=True,
        cwd=str(tmp_path),
    )
    with open(os.path.join(ROOT, "galaxy.yml")) as f:
        tarball = "kochava-publisher-%s.tar.gz" % yaml.safe_load(f)["version"]
    assert (context / "_build" / "collections" / tarball).is_file()  # a version bump must update the file's two names
    assert yaml.safe_load((context / "_build" / "requirements.yml").read_text())["collections"] == [{"name": "collections/" + tarball, "type": "file"}]
    containerfile = (context / "Containerfile").read_text()
    assert 'ARG ANSIBLE_GALAXY_CLI_COLLECTION_OPTS="--offline"' in containerfile and "COPY _build /build\nWORKDIR /build" in containerfile
    assert {"requests", "voluptuous"} <= requirement_names((context / "_build" / "requirements.txt").read_text())
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANSIBLE_", "KOCHAVA_"))}
    subprocess.run(
        [venv_tool("ansible-galaxy"), "collection", "install", "--offline", "-r", "requirements.yml", "--collections-path", str(tmp_path / "installed")],
        check=True,
        cwd=str(context / "_build"),
        env=env,
        capture_output=True,
    )
    assert (tmp_path / "installed" / "ansible_collections" / "kochava" / "publisher" / "MANIFEST.json").is_file()
