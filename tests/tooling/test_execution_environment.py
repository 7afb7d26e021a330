"""ansible-builder turns meta/execution-environment.yml into a build context."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import re
import subprocess

from tooling_helpers import ROOT, venv_tool


def test_builder_create(tmp_path):
    context = tmp_path / "context"
    subprocess.run(
        [
            venv_tool("ansible-builder"),
            "create",
            "--file",
            os.path.join(ROOT, "meta", "execution-environment.yml"),
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
    names = {re.split(r"[<>=!~ ;\[]", line.strip(), maxsplit=1)[0].lower() for line in requirements.splitlines() if line.strip()}
    assert {"requests", "voluptuous"} <= names, requirements
    galaxy = (context / "_build" / "requirements.yml").read_text()
    assert "kochava.publisher" in galaxy
