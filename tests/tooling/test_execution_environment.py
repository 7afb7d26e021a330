"""Execution environment: the definition (extensions/ee) and the collection's metadata (meta)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import re
import subprocess

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
