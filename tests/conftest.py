"""Shared pytest set-up: make the checkout importable as ansible_collections.kochava.publisher."""

from __future__ import annotations

import os
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
COLLECTIONS = os.path.join(ROOT, ".build", "collections")
LINK = os.path.join(COLLECTIONS, "ansible_collections", "kochava", "publisher")

if not os.path.lexists(LINK):
    os.makedirs(os.path.dirname(LINK), exist_ok=True)
    os.symlink(ROOT, LINK)
for path in (COLLECTIONS, os.path.join(ROOT, "tests", "emulator")):
    if path not in sys.path:
        sys.path.insert(0, path)


@pytest.fixture(scope="session")
def emulator_server():
    """One API emulator per test session (per xdist worker), seeded with tests/playbooks/seed.json."""
    from kochava_emulator import Emulator

    with Emulator(seed=os.path.join(ROOT, "tests", "playbooks", "seed.json")) as server:
        yield server


@pytest.fixture
def emu(emulator_server):
    """The emulator reset to its seed: no triggers, empty log, no faults, default config."""
    # a request a previous test left in flight must not land in this test's log
    emulator_server.wait_idle()
    emulator_server.reset()
    return emulator_server
