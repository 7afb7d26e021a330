"""Paths and helpers shared by the tooling tests (run from .venv-tools by tools/tools.mk)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EMULATOR_DIR = os.path.join(ROOT, "tests", "emulator")
SEED = os.path.join(ROOT, "playbooks", "files", "emulator_seed.json")
# The venv running pytest holds ansible-core, ansible-runner, ansible-builder.
VENV_BIN = os.path.dirname(sys.executable)


def venv_tool(name):
    """Path of a console script installed next to the running interpreter."""
    return os.path.join(VENV_BIN, name)


def demo_key():
    """The key the emulator seed accepts on every app."""
    with open(SEED) as f:
        return json.load(f)["demo_key"]
