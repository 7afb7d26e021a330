"""Fixtures for the tooling tests (run from .venv-tools by tools/tools.mk)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import sys

import pytest
from tooling_helpers import EMULATOR_DIR, SEED, demo_key


@pytest.fixture
def emulator():
    """The Premium Publisher API emulator, in-process, seeded for the demo.

    Yields (url, key).
    """
    if EMULATOR_DIR not in sys.path:
        sys.path.insert(0, EMULATOR_DIR)
    from kochava_emulator import Emulator

    emu = Emulator(seed=SEED)
    url = emu.start()
    try:
        yield url, demo_key()
    finally:
        emu.stop()
