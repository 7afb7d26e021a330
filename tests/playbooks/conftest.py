"""Fixtures of the playbook tests (the emulator fixtures live in tests/conftest.py)."""

from __future__ import annotations

import pytest
from playbook_helpers import Runner


@pytest.fixture
def runner(emu, tmp_path):
    return Runner(emu, tmp_path)
